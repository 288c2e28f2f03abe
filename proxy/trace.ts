// traceServicePacket: walks one new connection through the nftables model a plan renders to,
// hook by hook, interpreting the rule text the renderer emits — so it checks the planner and
// the renderer together without a kernel (kube-proxy's tests trace packets the same way).
// Random/hash selection is reported as the candidate set; `pick` chooses which one to follow.
import { cidrContains, parseIP, tryParseCIDR, tryParseIP } from '../api/ip.js';
import { CHAIN, MAP, SET } from './names.js';
import type { ChainDef } from './nft_model.js';
import { allFragments, modelOf } from './nft_render.js';
import { HAIRPIN_RULE } from './nft_global.js';
import { pairsOf } from './nft_shared.js';
import type { ProxyPlan } from './types.js';

export interface TracePacket {
  readonly src: string;
  readonly dst: string;
  readonly port: number;
  readonly proto: 'tcp' | 'udp' | 'sctp';
  /** Where the packet enters: from another host or pod (prerouting) or from the node itself (output). */
  readonly from?: 'network' | 'node';
  /** Index of the candidate to follow when an endpoint is chosen by numgen/jhash (default 0). */
  readonly pick?: number;
  /** Endpoint chains whose affinity set already holds the source. */
  readonly affinity?: readonly string[];
}

export type TraceVerdict = 'dnat' | 'redirect' | 'reject' | 'drop' | 'accept';

export interface TraceResult {
  /** `chain: rule` for every rule that matched, in order. */
  readonly steps: readonly string[];
  readonly verdict: TraceVerdict;
  readonly endpoint?: { readonly ip: string; readonly port: number };
  /** What the selection rule could have chosen: endpoint chains (kube layout) or `ip:port` (global layout). */
  readonly candidates: readonly string[];
  readonly masquerade: boolean;
  /** True when the destination is one of the node's addresses (NodePort traffic). */
  readonly localDestination: boolean;
}

interface State {
  src: string;
  dst: string;
  port: number;
  readonly proto: string;
  mark: boolean;
  steps: string[];
  candidates: string[];
  endpoint?: { ip: string; port: number };
}

const CASCADE = /^(?:numgen (?:random|inc)|jhash .+?) mod \d+(?: seed \S+)? (?:\d+|< \d+) goto (\S+)$/;

type Outcome = 'continue' | 'return' | Exclude<TraceVerdict, 'accept'> | 'accept';

function inCidr(ip: string, cidr: string): boolean {
  const c = tryParseCIDR(cidr);
  const a = tryParseIP(ip);
  if (c && a) return cidrContains(c, a);
  return ip === cidr;
}

function inList(ip: string, list: string): boolean {
  return list.split(',').some((x) => inCidr(ip, x.trim()));
}

export function traceServicePacket(plan: ProxyPlan, pkt: TracePacket): TraceResult {
  parseIP(pkt.src);
  parseIP(pkt.dst);
  const model = modelOf(plan);
  const chains = new Map<string, ChainDef>();
  const maps = new Map<string, Map<string, string>>();
  const sets = new Map<string, Set<string>>([[SET.clusterIPs, new Set(model.clusterIPs)]]);
  for (const f of allFragments(model)) {
    for (const c of f.chains) chains.set(c.name, c);
    for (const [m, k, v] of f.elements) {
      if (!maps.has(m)) maps.set(m, new Map());
      maps.get(m)!.set(k, v);
    }
  }
  // Affinity: the set named in the `ip saddr @affinity-… goto <endpoint chain>` rule.
  for (const f of allFragments(model)) {
    for (const c of f.chains) {
      for (const r of c.rules) {
        const m = /^ip saddr @(affinity-\S+) goto (\S+)$/.exec(r);
        if (m && pkt.affinity?.includes(m[2]!)) sets.set(m[1]!, new Set([pkt.src]));
      }
    }
  }
  const local = (ip: string) => plan.node.ips.includes(ip) || ip.startsWith('127.');
  const st: State = { src: pkt.src, dst: pkt.dst, port: pkt.port, proto: pkt.proto, mark: false, steps: [], candidates: [] };
  const localDestination = local(pkt.dst);
  let globalPick = false;

  const lookup = (map: string, key: string): string | undefined => maps.get(map)?.get(key);

  function verdictOf(v: string, chain: string, depth: number): Outcome {
    const [kind, target] = v.split(' ');
    if (kind === 'goto' || kind === 'jump') {
      const r = runChain(target!, depth + 1);
      if (kind === 'goto') return r === 'continue' || r === 'return' ? 'return' : r;
      return r === 'return' ? 'continue' : r;
    }
    if (kind === 'drop') return 'drop';
    void chain;
    return 'continue';
  }

  function runRule(chain: string, rule: string, depth: number): Outcome {
    const step = () => st.steps.push(`${chain}: ${rule}`);
    let m: RegExpExecArray | null;
    let r = rule;
    if (r.startsWith('ct state new ')) r = r.slice('ct state new '.length);
    const fibLocal = 'fib daddr type local ip daddr != 127.0.0.0/8 ';
    if (r.startsWith(fibLocal)) {
      if (!plan.node.ips.includes(st.dst)) return 'continue';
      r = r.slice(fibLocal.length);
    }
    const key = `${st.dst} . ${st.proto} . ${st.port}`;
    if ((m = /^ip daddr \. meta l4proto \. th dport @(\S+) (jump|goto) (\S+)$/.exec(r))) {
      if (!maps.get(m[1]!)?.has(key)) return 'continue';
      step();
      return verdictOf(`${m[2]} ${m[3]}`, chain, depth);
    }
    if ((m = /^(?:ip saddr (\S+)|fib saddr type local) ip daddr \. meta l4proto \. th dport vmap @(\S+)$/.exec(r))) {
      if (m[1] ? !inCidr(st.src, m[1]) : !local(st.src)) return 'continue';
      const v = lookup(m[2]!, key);
      if (!v) return 'continue';
      step();
      return verdictOf(v, chain, depth);
    }
    if ((m = /^ip saddr != (\S+) ip daddr @(\S+) (jump|goto) (\S+)$/.exec(r))) {
      if (inCidr(st.src, m[1]!) || !sets.get(m[2]!)?.has(st.dst)) return 'continue';
      step();
      return verdictOf(`${m[3]} ${m[4]}`, chain, depth);
    }
    if ((m = /^meta l4proto (\w+) dnat ip to ip daddr \. meta l4proto \. th dport \. numgen random mod (\d+) map @(\S+)$/.exec(r))) {
      // Global layout: the candidates are the backends elements under this packet's key.
      if (st.proto !== m[1]) return 'continue';
      const targets: string[] = [];
      for (let i = 0; i < Number(m[2]); i++) {
        const t = lookup(m[3]!, `${key} . ${i}`);
        if (t) targets.push(t.replace(' . ', ':'));
      }
      if (targets.length === 0) return 'continue';
      step();
      st.candidates = targets;
      globalPick = true;
      const [ip, port] = targets[Math.min(pkt.pick ?? 0, targets.length - 1)]!.split(':') as [string, string];
      st.endpoint = { ip, port: Number(port) };
      st.dst = ip;
      st.port = Number(port);
      return 'dnat';
    }
    if ((m = /^ip daddr \. meta l4proto \. th dport vmap @(\S+)$/.exec(r))) {
      const v = lookup(m[1]!, `${st.dst} . ${st.proto} . ${st.port}`);
      if (!v) return 'continue';
      step();
      return verdictOf(v, chain, depth);
    }
    if ((m = /^meta l4proto \. th dport vmap @(\S+)$/.exec(r))) {
      const v = lookup(m[1]!, `${st.proto} . ${st.port}`);
      if (!v) return 'continue';
      step();
      return verdictOf(v, chain, depth);
    }
    if ((m = /^ip daddr @(\S+) reject$/.exec(r))) {
      if (!sets.get(m[1]!)?.has(st.dst)) return 'continue';
      step();
      return 'reject';
    }
    if ((m = /^ip daddr (\S+) (\w+) dport (\d+) ip saddr != (\S+) (jump|goto) (\S+)$/.exec(r))) {
      if (st.dst !== m[1] || st.proto !== m[2] || st.port !== Number(m[3]) || inCidr(st.src, m[4]!)) return 'continue';
      step();
      return verdictOf(`${m[5]} ${m[6]}`, chain, depth);
    }
    if ((m = /^ip saddr != \{ (.+) \} drop$/.exec(r))) {
      if (inList(st.src, m[1]!)) return 'continue';
      step();
      return 'drop';
    }
    if ((m = /^ip saddr @(\S+) (jump|goto) (\S+)$/.exec(r))) {
      if (!sets.get(m[1]!)?.has(st.src)) return 'continue';
      step();
      return verdictOf(`${m[2]} ${m[3]}`, chain, depth);
    }
    if ((m = /^ip saddr (\S+) (jump|goto) (\S+)$/.exec(r))) {
      if (!inCidr(st.src, m[1]!)) return 'continue';
      step();
      return verdictOf(`${m[2]} ${m[3]}`, chain, depth);
    }
    if ((m = /^fib saddr type local (jump|goto) (\S+)$/.exec(r))) {
      if (!local(st.src)) return 'continue';
      step();
      return verdictOf(`${m[1]} ${m[2]}`, chain, depth);
    }
    if ((m = /^(?:numgen (?:random|inc)|jhash .+?) mod \d+(?: seed \S+)? vmap \{ (.+) \}$/.exec(r))) {
      step();
      const targets = m[1]!.split(', ').map((e) => e.split(' : ')[1]!);
      st.candidates = [...new Set(targets.map((t) => t.split(' ')[1]!))];
      const chosen = st.candidates[Math.min(pkt.pick ?? 0, st.candidates.length - 1)]!;
      return verdictOf(`goto ${chosen}`, chain, depth);
    }
    if (CASCADE.test(r)) {
      // One rule per endpoint: the candidates are this rule's target, the later cascade rules'
      // targets and the final plain goto.
      step();
      const rules = chains.get(chain)!.rules;
      const from = rules.indexOf(rule);
      const targets: string[] = [];
      for (const x of rules.slice(from)) {
        const c = CASCADE.exec(x) ?? /^goto (endpoint-\S+)$/.exec(x);
        if (c) targets.push(c[1]!);
      }
      st.candidates = targets;
      return verdictOf(`goto ${targets[Math.min(pkt.pick ?? 0, targets.length - 1)]!}`, chain, depth);
    }
    if ((m = /^meta l4proto (\w+) dnat to ([\d.]+):(\d+)$/.exec(r))) {
      if (st.proto !== m[1]) return 'continue';
      step();
      st.endpoint = { ip: m[2]!, port: Number(m[3]) };
      st.dst = m[2]!;
      st.port = Number(m[3]);
      return 'dnat';
    }
    if ((m = /^meta l4proto (\w+) redirect to :(\d+)$/.exec(r))) {
      if (st.proto !== m[1]) return 'continue';
      step();
      st.port = Number(m[2]);
      return 'redirect';
    }
    if (r.startsWith('update @')) return 'continue';
    if (r === `meta mark set meta mark | 0x4000`) {
      step();
      st.mark = true;
      return 'continue';
    }
    if ((m = /^(jump|goto) (\S+)$/.exec(r))) {
      step();
      return verdictOf(`${m[1]} ${m[2]}`, chain, depth);
    }
    if (r === 'drop' || r === 'reject') {
      step();
      return r;
    }
    return 'continue';
  }

  function runChain(name: string, depth: number): Outcome {
    if (depth > 16) throw new RangeError(`proxy: trace loops at chain "${name}"`);
    const c = chains.get(name);
    if (!c) throw new RangeError(`proxy: trace reached unknown chain "${name}"`);
    for (const rule of c.rules) {
      const out = runRule(name, rule, depth);
      if (out !== 'continue') return out;
    }
    return 'return';
  }

  // Postrouting: a pod sent to itself is masqueraded (global layout's hairpin set).
  const hairpin = () => {
    if (!globalPick || st.endpoint?.ip !== pkt.src || !chains.get(CHAIN.masquerading)?.rules.includes(HAIRPIN_RULE)) return;
    if (!pairsOf(model.shared).has(`${pkt.src} . ${pkt.src}`)) return;
    st.steps.push(`${CHAIN.masquerading}: ${HAIRPIN_RULE}`);
    st.mark = true;
  };
  const finish = (verdict: TraceVerdict): TraceResult => ({
    steps: st.steps,
    verdict,
    ...(st.endpoint ? { endpoint: st.endpoint } : {}),
    candidates: st.candidates,
    masquerade: st.mark,
    localDestination,
  });
  const base = (name: string): Outcome => {
    const r = runChain(name, 0);
    return r === 'return' || r === 'continue' ? 'accept' : r;
  };
  const hooks =
    pkt.from === 'node'
      ? [CHAIN.filterOutput, CHAIN.natOutput, CHAIN.filterOutputPostDnat]
      : [CHAIN.filterPrerouting, CHAIN.natPrerouting, 'filter-after-routing'];
  let nat: Outcome = 'accept';
  for (const hook of hooks) {
    const chain = hook === 'filter-after-routing' ? (local(st.dst) ? CHAIN.filterInput : CHAIN.filterForward) : hook;
    const r = base(chain);
    if (r === 'drop' || r === 'reject') return finish(r);
    if (r === 'dnat' || r === 'redirect') nat = r;
  }
  void MAP;
  if (nat === 'dnat') hairpin();
  return finish(nat === 'dnat' || nat === 'redirect' ? nat : 'accept');
}
