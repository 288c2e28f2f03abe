// The plan as one nft script: the table is deleted and recreated in the same transaction, so no
// packet ever sees a half-written policy, and a pod's chain and its map entry appear together.
import type { AllowRule, NodePolicyPlan } from './enforcer.js';
import * as N from './names.js';

export interface RenderOptions {
  /** Drop counter values to carry over (the table is recreated, counters with it). */
  readonly counters?: ReadonlyMap<string, { packets: number; bytes: number }>;
}

const L4 = { TCP: 'tcp', UDP: 'udp', SCTP: 'sctp' } as const;

function ruleText(r: AllowRule, side: 'saddr' | 'daddr'): string {
  const parts: string[] = [];
  const ipk = r.family === 6 ? 'ip6' : 'ip';
  if (r.set) parts.push(`${ipk} ${side} @${r.set}`);
  if (r.cidr) {
    parts.push(`${ipk} ${side} ${r.cidr.cidr}`);
    if (r.cidr.except.length) parts.push(`${ipk} ${side} != { ${r.cidr.except.join(', ')} }`);
  }
  if (r.protocol) {
    parts.push(`meta l4proto ${L4[r.protocol]}`);
    if (r.ports) parts.push(`th dport ${r.ports[0] === r.ports[1] ? r.ports[0] : `${r.ports[0]}-${r.ports[1]}`}`);
  }
  parts.push('return', `comment ${JSON.stringify(r.comment)}`);
  return parts.join(' ');
}

function elements(list: readonly string[]): string {
  return list.length ? ` elements = { ${list.join(', ')} };` : '';
}

export function renderNft(plan: NodePolicyPlan, opts: RenderOptions = {}): string {
  const t = `${N.FAMILY} ${N.TABLE}`;
  const out: string[] = [`add table ${t}`, `delete table ${t}`, `table ${t} {`];
  const counter = (name: string) => {
    const c = opts.counters?.get(name);
    out.push(`  counter ${name} {${c ? ` packets ${c.packets} bytes ${c.bytes}` : ''} }`);
  };
  counter(N.UNKNOWN_COUNTER);
  for (const c of plan.chains) counter(c.counter);
  for (const fam of [4, 6] as const) {
    const type = fam === 4 ? 'ipv4_addr' : 'ipv6_addr';
    out.push(`  set ${N.KNOWN_SET[fam]} { type ${type};${elements(plan.known[fam])} }`);
    out.push(`  set ${N.GUARD_SET[fam]} { type ${type}; flags interval;${elements(plan.guard[fam])} }`);
    out.push(`  map ${N.INGRESS_MAP[fam]} { type ${type} : verdict;${elements(plan.ingress.filter((e) => e.family === fam).map((e) => `${e.ip} : jump ${e.chain}`))} }`);
    out.push(`  map ${N.EGRESS_MAP[fam]} { type ${type} : verdict;${elements(plan.egress.filter((e) => e.family === fam).map((e) => `${e.ip} : jump ${e.chain}`))} }`);
  }
  for (const s of plan.sets) out.push(`  set ${s.name} { type ${s.family === 4 ? 'ipv4_addr' : 'ipv6_addr'};${elements(s.elements)} }`);
  for (const c of plan.chains) {
    const side = c.direction === 'Ingress' ? 'saddr' : 'daddr';
    out.push(`  chain ${c.chain} {`, `    comment ${JSON.stringify(`${c.pod} ${c.direction.toLowerCase()}`)}`);
    for (const r of c.rules) out.push(`    ${ruleText(r, side)}`);
    const log = plan.logGroup !== undefined ? ` log prefix "${N.LOG_PREFIX}${c.pod}:${c.direction.toLowerCase()}: " group ${plan.logGroup}` : '';
    out.push(`    counter name ${c.counter}${log} drop`, '  }');
  }
  // Priority filter (0) runs after kube-proxy's DNAT (dstnat, -100): policy sees the pod, not the Service.
  out.push(
    `  chain ${N.FORWARD_CHAIN} {`,
    '    type filter hook forward priority filter; policy accept;',
    '    ct state established,related accept',
    // A pod whose address is not synced yet is neither selected nor known: drop rather than let it talk unpoliced.
    `    ip saddr @${N.GUARD_SET[4]} ip saddr != @${N.KNOWN_SET[4]} counter name ${N.UNKNOWN_COUNTER} drop`,
    `    ip daddr @${N.GUARD_SET[4]} ip daddr != @${N.KNOWN_SET[4]} counter name ${N.UNKNOWN_COUNTER} drop`,
    `    ip6 saddr @${N.GUARD_SET[6]} ip6 saddr != @${N.KNOWN_SET[6]} counter name ${N.UNKNOWN_COUNTER} drop`,
    `    ip6 daddr @${N.GUARD_SET[6]} ip6 daddr != @${N.KNOWN_SET[6]} counter name ${N.UNKNOWN_COUNTER} drop`,
    `    ip saddr vmap @${N.EGRESS_MAP[4]}`,
    `    ip6 saddr vmap @${N.EGRESS_MAP[6]}`,
    `    ip daddr vmap @${N.INGRESS_MAP[4]}`,
    `    ip6 daddr vmap @${N.INGRESS_MAP[6]}`,
    '  }',
    '}',
  );
  const b = `${N.BRIDGE_FAMILY} ${N.TABLE}`;
  out.push(`add table ${b}`, `delete table ${b}`);
  if (plan.routeBridged) {
    // Without br_netfilter, bridged pod-to-pod frames never reach the inet hooks (and the bridge
    // family has no conntrack here): hand them to the IP layer so the forward chain above sees them.
    const mac = plan.routeBridged.bridgeMAC;
    out.push(
      `table ${b} {`,
      `  chain ${N.PREROUTING_CHAIN} {`,
      '    type filter hook prerouting priority filter; policy accept;',
      `    ether type { ip, ip6 } meta pkttype != { broadcast, multicast } ether daddr != ${mac} ether daddr set ${mac} meta pkttype set host`,
      '  }',
      '}',
    );
  }
  return `${out.join('\n')}\n`;
}
