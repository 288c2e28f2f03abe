// renderIptables: the same plan in kube-proxy's iptables layout, as `iptables-restore --noflush`
// input (tables filter and nat). Every sync rewrites all KUBE-* chains, as kube-proxy's
// iptables mode does; chains in `existing` that the plan lacks are flushed and deleted.
import { IPT, MASQ_MARK, iptChain } from './names.js';
import type { EndpointView, ProxyPlan, ServicePortView } from './types.js';

export interface IptablesExisting {
  readonly nat: readonly string[];
  readonly filter: readonly string[];
}

/** Jumps from the built-in chains into ours, as `-A` lines per table. */
export const BUILTIN_JUMPS = {
  nat: [`-A PREROUTING -j ${IPT.services}`, `-A OUTPUT -j ${IPT.services}`, `-A POSTROUTING -j ${IPT.postrouting}`],
  filter: [
    `-A INPUT -m conntrack --ctstate NEW -j ${IPT.firewall}`,
    `-A INPUT -m conntrack --ctstate NEW -j ${IPT.externalServices}`,
    `-A FORWARD -m conntrack --ctstate NEW -j ${IPT.firewall}`,
    `-A FORWARD -m conntrack --ctstate NEW -j ${IPT.services}`,
    `-A FORWARD -m conntrack --ctstate NEW -j ${IPT.externalServices}`,
    `-A OUTPUT -m conntrack --ctstate NEW -j ${IPT.firewall}`,
    `-A OUTPUT -m conntrack --ctstate NEW -j ${IPT.services}`,
  ],
} as const;

const MARK = `0x${MASQ_MARK.toString(16)}`;

const sep = (e: EndpointView) => iptChain('KUBE-SEP', e.base);
const svcChain = (v: ServicePortView) => iptChain('KUBE-SVC', v.base);
const extChain = (v: ServicePortView) => iptChain('KUBE-EXT', v.base);
const fwChain = (v: ServicePortView) => iptChain('KUBE-FW', v.base);

function comment(v: ServicePortView): string {
  return `-m comment --comment "${v.namespace}/${v.name}${v.portName ? `:${v.portName}` : ''}"`;
}

/** Rules that pick an endpoint: statistic random (kube-proxy), nth for rr, weighted random for wrr. */
function selection(chain: string, v: ServicePortView, eps: readonly EndpointView[]): string[] {
  const out: string[] = [];
  if (v.affinitySeconds !== undefined) {
    for (const e of eps) out.push(`-A ${chain} -m recent --name ${sep(e)} --rcheck --seconds ${v.affinitySeconds} --reap -j ${sep(e)}`);
  }
  const n = eps.length;
  const weights = eps.map((e) => (v.algorithm === 'wrr' ? Math.max(e.weight, 0) : 1));
  let remaining = weights.reduce((a, b) => a + b, 0);
  eps.forEach((e, i) => {
    if (i === n - 1) {
      out.push(`-A ${chain} -j ${sep(e)}`);
      return;
    }
    if (v.algorithm === 'rr') {
      out.push(`-A ${chain} -m statistic --mode nth --every ${n - i} --packet 0 -j ${sep(e)}`);
      return;
    }
    const p = remaining > 0 ? weights[i]! / remaining : 0;
    remaining -= weights[i]!;
    out.push(`-A ${chain} -m statistic --mode random --probability ${p.toFixed(10)} -j ${sep(e)}`);
  });
  return out;
}

export function renderIptables(plan: ProxyPlan, existing?: IptablesExisting, withBuiltinJumps: { nat: string[]; filter: string[] } = { nat: [], filter: [] }): string {
  const cidr = plan.config.clusterCIDR;
  const nat = { chains: new Set<string>([IPT.services, IPT.nodePorts, IPT.postrouting, IPT.markMasq]), rules: [] as string[] };
  const filter = { chains: new Set<string>([IPT.services, IPT.externalServices, IPT.firewall]), rules: [] as string[] };
  nat.rules.push(
    `-A ${IPT.postrouting} -m mark ! --mark ${MARK}/${MARK} -j RETURN`,
    `-A ${IPT.postrouting} -j MARK --xor-mark ${MARK}`,
    `-A ${IPT.postrouting} -j MASQUERADE --random-fully`,
    `-A ${IPT.markMasq} -j MARK --or-mark ${MARK}`,
  );
  const wrongPort: string[] = [];
  const seps = new Map<string, string[]>();
  const addSep = (v: ServicePortView, e: EndpointView) => {
    const c = sep(e);
    if (seps.has(c)) return;
    const rules = [`-A ${c} ${comment(v)} -s ${e.ip}/32 -j ${IPT.markMasq}`];
    const recent = v.affinitySeconds !== undefined ? ` -m recent --name ${c} --set` : '';
    rules.push(`-A ${c} ${comment(v)} -p ${v.protocol}${recent} -j DNAT --to-destination ${e.ip}:${e.port}`);
    seps.set(c, rules);
  };
  for (const v of plan.services) {
    const m = `-p ${v.protocol} -m ${v.protocol} --dport ${v.port}`;
    const c = comment(v);
    const noEp = v.hasAnyEndpoints ? 'DROP' : 'REJECT';
    const sc = svcChain(v);
    const cluster = v.clusterEndpoints;
    const external = v.externalEndpoints;
    if (cluster.length > 0) {
      nat.chains.add(sc);
      nat.rules.push(`-A ${IPT.services} ${c} -d ${v.clusterIP}/32 ${m} -j ${sc}`);
      nat.rules.push(`-A ${sc} ${c} ! -s ${cidr} -d ${v.clusterIP}/32 ${m} -j ${IPT.markMasq}`);
      nat.rules.push(...selection(sc, v, cluster));
      cluster.forEach((e) => addSep(v, e));
    } else {
      filter.rules.push(`-A ${IPT.services} ${c} -d ${v.clusterIP}/32 ${m} -j ${noEp}`);
    }
    wrongPort.push(`-A ${IPT.services} -m comment --comment "invalid port of ClusterIP" -d ${v.clusterIP}/32 -j REJECT`);
    const extIPs = [...v.externalIPs, ...v.loadBalancerIPs];
    const hasExternal = v.nodePort !== undefined || extIPs.length > 0;
    if (!hasExternal) continue;
    const reachable = external.length > 0 || (v.externalPolicyLocal && v.hasAnyEndpoints);
    if (!reachable) {
      for (const ip of extIPs) filter.rules.push(`-A ${IPT.externalServices} ${c} -d ${ip}/32 ${m} -j ${noEp}`);
      if (v.nodePort !== undefined) filter.rules.push(`-A ${IPT.externalServices} ${c} -m addrtype --dst-type LOCAL -p ${v.protocol} -m ${v.protocol} --dport ${v.nodePort} -j ${noEp}`);
    } else {
      const ec = extChain(v);
      nat.chains.add(ec);
      for (const ip of extIPs) nat.rules.push(`-A ${IPT.services} ${c} -d ${ip}/32 ${m} -j ${ec}`);
      if (v.nodePort !== undefined) nat.rules.push(`-A ${IPT.nodePorts} ${c} -p ${v.protocol} -m ${v.protocol} --dport ${v.nodePort} -j ${ec}`);
      if (!v.externalPolicyLocal) {
        nat.rules.push(`-A ${ec} -j ${IPT.markMasq}`);
        const same = external.length === cluster.length && external.every((e, i) => e.base === cluster[i]!.base);
        if (same) nat.rules.push(`-A ${ec} -j ${sc}`);
        else nat.rules.push(...selection(ec, v, external));
      } else {
        if (cluster.length > 0) {
          nat.rules.push(`-A ${ec} -s ${cidr} -j ${sc}`);
          nat.rules.push(`-A ${ec} -m addrtype --src-type LOCAL -j ${IPT.markMasq}`);
          nat.rules.push(`-A ${ec} -m addrtype --src-type LOCAL -j ${sc}`);
        }
        if (external.length > 0) nat.rules.push(...selection(ec, v, external));
        else {
          // The nat table may not DROP: outside traffic falls through un-NATed and the filter
          // table drops it (pods and the node were sent to the cluster chain above).
          for (const ip of extIPs) filter.rules.push(`-A ${IPT.externalServices} ${c} -d ${ip}/32 ${m} -j DROP`);
          if (v.nodePort !== undefined) filter.rules.push(`-A ${IPT.externalServices} ${c} -m addrtype --dst-type LOCAL -p ${v.protocol} -m ${v.protocol} --dport ${v.nodePort} -j DROP`);
        }
      }
      external.forEach((e) => addSep(v, e));
    }
    if (v.loadBalancerSourceRanges.length > 0 && v.loadBalancerIPs.length > 0) {
      const fw = fwChain(v);
      filter.chains.add(fw);
      for (const ip of v.loadBalancerIPs) {
        filter.rules.push(`-A ${IPT.firewall} ${c} -p ${v.protocol} -m conntrack --ctorigdst ${ip}/32 --ctorigdstport ${v.port} -j ${fw}`);
      }
      for (const r of v.loadBalancerSourceRanges) filter.rules.push(`-A ${fw} -s ${r} -j RETURN`);
      filter.rules.push(`-A ${fw} -j DROP`);
    }
  }
  for (const [c, rules] of seps) {
    nat.chains.add(c);
    for (const r of rules) nat.rules.push(r);
  }
  nat.rules.push(`-A ${IPT.services} -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j ${IPT.nodePorts}`);
  for (const r of new Set(wrongPort)) filter.rules.push(r);
  const table = (name: 'nat' | 'filter', t: { chains: Set<string>; rules: string[] }): string[] => {
    const stale = (existing?.[name] ?? []).filter((c) => !t.chains.has(c));
    return [
      `*${name}`,
      ...[...t.chains, ...stale].map((c) => `:${c} - [0:0]`),
      ...t.rules,
      ...withBuiltinJumps[name],
      ...stale.map((c) => `-X ${c}`),
      'COMMIT',
    ];
  };
  return [...table('filter', filter), ...table('nat', nat)].join('\n') + '\n';
}

/** KUBE-* chain names per table in `iptables-save` output. */
export function parseIptablesSave(text: string): IptablesExisting & { rules: Record<'nat' | 'filter', string[]> } {
  const out = { nat: [] as string[], filter: [] as string[], rules: { nat: [] as string[], filter: [] as string[] } };
  let table: 'nat' | 'filter' | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('*')) table = line === '*nat' ? 'nat' : line === '*filter' ? 'filter' : undefined;
    else if (!table) continue;
    else if (line.startsWith(':KUBE-')) out[table].push(line.slice(1).split(' ')[0]!);
    else if (line.startsWith('-A ')) out.rules[table].push(line);
  }
  return out;
}
