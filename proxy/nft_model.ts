// The nftables ruleset a plan asks for, as data: chains with their rule text, map elements and
// sets. One fragment per Service port (memoised on the view object, so an unchanged Service
// costs nothing to re-render) plus one static fragment for the base chains and maps.
import { CHAIN, MAP, MASQ_MARK, SET, chainName, hash8, seedOf } from './names.js';
import type { EndpointView, ProxyPlan, ServicePortView } from './types.js';
import { globalServiceRules, globalSets, HAIRPIN_RULE, type GlobalNeeds } from './nft_global.js';
import type { SharedState } from './nft_shared.js';

export interface ChainDef {
  readonly name: string;
  /** Base-chain spec, e.g. `type nat hook prerouting priority dstnat; policy accept;`. */
  readonly hook?: string;
  readonly rules: readonly string[];
}

export interface SetDef {
  readonly name: string;
  /** Everything inside the braces: `type ipv4_addr; flags dynamic,timeout; timeout 10800s;`. */
  readonly spec: string;
  readonly kind: 'set' | 'map';
}

export interface Fragment {
  readonly chains: readonly ChainDef[];
  /** [map or set name, key, value ('' for sets)]. */
  readonly elements: readonly (readonly [string, string, string])[];
  readonly sets: readonly SetDef[];
}

export interface NftModel {
  readonly plan: ProxyPlan;
  readonly fixed: Fragment;
  /** Keyed by view base (plan order for a model built from scratch). */
  readonly services: ReadonlyMap<string, GlobalFragmentLike>;
  /** Global layout: the selector chains the Service ports use. */
  readonly selectors: Fragment;
  /** Global layout: reference counts of selector chains and hairpin pairs (see nft_shared.ts). */
  readonly shared: SharedState;
  /** Every ClusterIP the plan has rules for (members of set `cluster-ips`). */
  readonly clusterIPs: ReadonlySet<string>;
  /** When built from a previous model: what differs from it. */
  readonly delta?: ModelDelta;
}

export interface ModelDelta {
  readonly from: NftModel;
  /** The previous fragments of changed and removed Service ports (undefined: added). */
  readonly before: ReadonlyMap<string, GlobalFragmentLike | undefined>;
  /** Bases of changed or added Service ports. */
  readonly changed: readonly string[];
  readonly removed: readonly string[];
  readonly clusterIPs: { readonly added: readonly string[]; readonly removed: readonly string[] };
}

type Cfg = ProxyPlan['config'];

/**
 * Hook priorities as numbers: nft 1.0.6 accepts the names `dstnat`/`srcnat` only on some hooks.
 * filter = dstnat - 10, filterPostDnat = dstnat + 10.
 */
export const PRIORITY = { filter: -110, dstnat: -100, filterPostDnat: -90, srcnat: 100 } as const;

const MARK = `0x${MASQ_MARK.toString(16)}`;

export function staticFragment(cfg: Cfg): Fragment {
  const f = (hook: string, prio: string) => `type filter hook ${hook} priority ${prio}; policy accept;`;
  const n = (hook: string, prio: string) => `type nat hook ${hook} priority ${prio}; policy accept;`;
  const nodePortMatch = 'fib daddr type local ip daddr != 127.0.0.0/8';
  const global = cfg.layout === 'global' && cfg.mode === 'nftables';
  return {
    chains: [
      { name: CHAIN.filterPrerouting, hook: f('prerouting', String(PRIORITY.filter)), rules: [`ct state new jump ${CHAIN.firewallCheck}`] },
      { name: CHAIN.filterInput, hook: f('input', String(PRIORITY.filter)), rules: [`ct state new jump ${CHAIN.endpointsCheck}`] },
      {
        name: CHAIN.filterForward,
        hook: f('forward', String(PRIORITY.filter)),
        rules: [`ct state new jump ${CHAIN.endpointsCheck}`, `ct state new jump ${CHAIN.clusterIPsCheck}`],
      },
      {
        name: CHAIN.filterOutput,
        hook: f('output', String(PRIORITY.filter)),
        rules: [`ct state new jump ${CHAIN.endpointsCheck}`, `ct state new jump ${CHAIN.firewallCheck}`],
      },
      // Locally generated traffic is DNATed at `dstnat`; only after that can we tell a valid
      // ClusterIP port (rewritten) from an invalid one (still aimed at the ClusterIP).
      { name: CHAIN.filterOutputPostDnat, hook: f('output', String(PRIORITY.filterPostDnat)), rules: [`ct state new jump ${CHAIN.clusterIPsCheck}`] },
      { name: CHAIN.natPrerouting, hook: n('prerouting', String(PRIORITY.dstnat)), rules: [`jump ${CHAIN.services}`] },
      { name: CHAIN.natOutput, hook: n('output', String(PRIORITY.dstnat)), rules: [`jump ${CHAIN.services}`] },
      { name: CHAIN.natPostrouting, hook: n('postrouting', String(PRIORITY.srcnat)), rules: [`jump ${CHAIN.masquerading}`] },
      {
        name: CHAIN.masquerading,
        rules: [...(global ? [HAIRPIN_RULE] : []), `meta mark & ${MARK} == 0 return`, `meta mark set meta mark ^ ${MARK}`, 'masquerade fully-random'],
      },
      { name: CHAIN.markForMasquerade, rules: [`meta mark set meta mark | ${MARK}`] },
      { name: CHAIN.rejectChain, rules: ['reject'] },
      {
        name: CHAIN.endpointsCheck,
        rules: [
          `ip daddr . meta l4proto . th dport vmap @${MAP.noEndpointServices}`,
          `${nodePortMatch} meta l4proto . th dport vmap @${MAP.noEndpointNodePorts}`,
        ],
      },
      { name: CHAIN.firewallCheck, rules: [`ip daddr . meta l4proto . th dport vmap @${MAP.firewallIPs}`] },
      {
        name: CHAIN.clusterIPsCheck,
        rules: [`ip daddr @${SET.clusterIPs} reject`],
      },
      {
        name: CHAIN.services,
        rules: [
          ...(global ? globalServiceRules(cfg) : []),
          `ip daddr . meta l4proto . th dport vmap @${MAP.serviceIPs}`,
          `${nodePortMatch} meta l4proto . th dport vmap @${MAP.serviceNodePorts}`,
        ],
      },
    ],
    elements: [],
    sets: [
      { kind: 'map', name: MAP.serviceIPs, spec: 'type ipv4_addr . inet_proto . inet_service : verdict;' },
      { kind: 'map', name: MAP.serviceNodePorts, spec: 'type inet_proto . inet_service : verdict;' },
      { kind: 'map', name: MAP.noEndpointServices, spec: 'type ipv4_addr . inet_proto . inet_service : verdict;' },
      { kind: 'map', name: MAP.noEndpointNodePorts, spec: 'type inet_proto . inet_service : verdict;' },
      { kind: 'map', name: MAP.firewallIPs, spec: 'type ipv4_addr . inet_proto . inet_service : verdict;' },
      { kind: 'set', name: SET.clusterIPs, spec: 'type ipv4_addr;' },
      ...(global ? globalSets() : []),
    ],
  };
}

export const serviceChain = (v: ServicePortView) => chainName('service', v.base);
export const externalChain = (v: ServicePortView) => chainName('external', v.base);
export const firewallChain = (v: ServicePortView) => chainName('firewall', v.base);
export const endpointChain = (e: EndpointView) => chainName('endpoint', e.base);
/** The timeout is part of the hashed name: a new timeout is a new set, swapped in like a chain. */
export const affinitySet = (e: EndpointView, seconds: number) => `affinity-${hash8(`${e.base}@${seconds}`)}-${e.base}`.slice(0, 200);

function vmapOf(entries: string[]): string {
  return `{ ${entries.join(', ')} }`;
}

/** The hash or counter expression each algorithm selects with, over `mod`. */
function selector(v: ServicePortView, mod: number): string {
  const seed = `0x${seedOf(v.base).toString(16).padStart(8, '0')}`;
  switch (v.algorithm) {
    case 'rr':
    case 'wrr':
      return `numgen inc mod ${mod}`;
    case 'sh':
      return `jhash ip saddr mod ${mod} seed ${seed}`;
    case 'dh':
      return `jhash ip daddr . th dport mod ${mod} seed ${seed}`;
    default:
      return `numgen random mod ${mod}`;
  }
}

function weighted(eps: readonly EndpointView[]): EndpointView[] {
  const w = eps.filter((e) => e.weight > 0);
  return w.length > 0 ? w : eps.map((e) => ({ ...e, weight: 1 }));
}

/**
 * kube-proxy's form: one anonymous verdict map per Service,
 * `numgen random mod N vmap { 0 : goto endpoint-…, … }` (wrr: index ranges by weight).
 */
export function vmapSelection(v: ServicePortView, eps: readonly EndpointView[]): string[] {
  if (eps.length === 1) return [`goto ${endpointChain(eps[0]!)}`];
  if (v.algorithm === 'wrr') {
    let at = 0;
    const entries = weighted(eps).map((e) => {
      const from = at;
      at += e.weight;
      return `${e.weight === 1 ? from : `${from}-${at - 1}`} : goto ${endpointChain(e)}`;
    });
    return [`${selector(v, at)} vmap ${vmapOf(entries)}`];
  }
  return [`${selector(v, eps.length)} vmap ${vmapOf(eps.map((e, i) => `${i} : goto ${endpointChain(e)}`))}`];
}

/**
 * The default form: one rule per endpoint, each taking its share of what the rules before it
 * left (rule i: `numgen random mod (N-i) 0`; rr/wrr use per-rule counters, which rotate
 * exactly like iptables' `statistic --mode nth`; hashes use the same value in every rule).
 * No anonymous sets: at 3k Services a full sync took half the time of the vmap form on this
 * kernel (bench/proxy/RESULTS.md).
 */
export function cascadeSelection(v: ServicePortView, eps: readonly EndpointView[]): string[] {
  const n = eps.length;
  if (n === 1) return [`goto ${endpointChain(eps[0]!)}`];
  if (v.algorithm === 'sh' || v.algorithm === 'dh') {
    return eps.map((e, i) => (i === n - 1 ? `goto ${endpointChain(e)}` : `${selector(v, n)} ${i} goto ${endpointChain(e)}`));
  }
  if (v.algorithm === 'wrr') {
    const list = weighted(eps);
    let left = list.reduce((a, e) => a + e.weight, 0);
    return list.map((e, i) => {
      if (i === list.length - 1) return `goto ${endpointChain(e)}`;
      const rule = `${selector(v, left)} < ${e.weight} goto ${endpointChain(e)}`;
      left -= e.weight;
      return rule;
    });
  }
  return eps.map((e, i) => (i === n - 1 ? `goto ${endpointChain(e)}` : `${selector(v, n - i)} 0 goto ${endpointChain(e)}`));
}

/** The rules that pick one endpoint chain. */
export function selectionRule(v: ServicePortView, eps: readonly EndpointView[], form: 'cascade' | 'vmap' = 'cascade'): string[] {
  return form === 'vmap' ? vmapSelection(v, eps) : cascadeSelection(v, eps);
}

function sameEndpoints(a: readonly EndpointView[], b: readonly EndpointView[]): boolean {
  return a.length === b.length && a.every((e, i) => e.base === b[i]!.base);
}

function selectionRules(v: ServicePortView, eps: readonly EndpointView[], cfg: Cfg): string[] {
  if (cfg.mode === 'userspace') return [`meta l4proto ${v.protocol} redirect to :${v.proxyPort}`];
  const rules: string[] = [];
  if (v.affinitySeconds !== undefined) for (const e of eps) rules.push(`ip saddr @${affinitySet(e, v.affinitySeconds)} goto ${endpointChain(e)}`);
  rules.push(...selectionRule(v, eps, cfg.selection));
  return rules;
}

export function serviceFragment(v: ServicePortView, cfg: Cfg): Fragment {
  const userspace = cfg.mode === 'userspace';
  const chains: ChainDef[] = [];
  const elements: [string, string, string][] = [];
  const sets: SetDef[] = [];
  const key = (ip: string) => `${ip} . ${v.protocol} . ${v.port}`;
  const svc = serviceChain(v);
  const ext = externalChain(v);
  const cluster = v.clusterEndpoints;
  const external = v.externalEndpoints;
  const hasExternal = v.nodePort !== undefined || v.externalIPs.length > 0 || v.loadBalancerIPs.length > 0;
  const noEndpointVerdict = v.hasAnyEndpoints ? 'drop' : `goto ${CHAIN.rejectChain}`;

  if (cluster.length > 0 || (hasExternal && external.length > 0)) {
    const rules: string[] = [];
    if (v.clusterIP) rules.push(`ip daddr ${v.clusterIP} ${v.protocol} dport ${v.port} ip saddr != ${cfg.clusterCIDR} jump ${CHAIN.markForMasquerade}`);
    if (cluster.length > 0) rules.push(...selectionRules(v, cluster, cfg));
    else rules.push(noEndpointVerdict);
    chains.push({ name: svc, rules });
  }
  if (v.clusterIP) {
    if (cluster.length > 0) elements.push([MAP.serviceIPs, key(v.clusterIP), `goto ${svc}`]);
    else elements.push([MAP.noEndpointServices, key(v.clusterIP), noEndpointVerdict]);
  }

  if (hasExternal) {
    const reachable = external.length > 0 || (v.externalPolicyLocal && v.hasAnyEndpoints);
    if (reachable) {
      const rules: string[] = [];
      if (!v.externalPolicyLocal) {
        rules.push(`jump ${CHAIN.markForMasquerade}`);
        rules.push(...(sameEndpoints(cluster, external) && cluster.length > 0 ? [`goto ${svc}`] : selectionRules(v, external, cfg)));
      } else {
        // Pods and the node itself may use a Local service through any node; only traffic from
        // outside keeps its source IP and is limited to this node's endpoints.
        if (cluster.length > 0) {
          rules.push(`ip saddr ${cfg.clusterCIDR} goto ${svc}`);
          rules.push(`fib saddr type local jump ${CHAIN.markForMasquerade}`);
          rules.push(`fib saddr type local goto ${svc}`);
        }
        if (external.length > 0) rules.push(...selectionRules(v, external, cfg));
        else rules.push('drop');
      }
      chains.push({ name: ext, rules });
      for (const ip of [...v.externalIPs, ...v.loadBalancerIPs]) elements.push([MAP.serviceIPs, key(ip), `goto ${ext}`]);
      if (v.nodePort !== undefined) elements.push([MAP.serviceNodePorts, `${v.protocol} . ${v.nodePort}`, `goto ${ext}`]);
    } else {
      for (const ip of [...v.externalIPs, ...v.loadBalancerIPs]) elements.push([MAP.noEndpointServices, key(ip), noEndpointVerdict]);
      if (v.nodePort !== undefined) elements.push([MAP.noEndpointNodePorts, `${v.protocol} . ${v.nodePort}`, noEndpointVerdict]);
    }
    if (v.loadBalancerSourceRanges.length > 0 && v.loadBalancerIPs.length > 0) {
      const fw = firewallChain(v);
      chains.push({ name: fw, rules: [`ip saddr != { ${v.loadBalancerSourceRanges.join(', ')} } drop`] });
      for (const ip of v.loadBalancerIPs) elements.push([MAP.firewallIPs, key(ip), `goto ${fw}`]);
    }
  }

  if (!userspace) {
    const seen = new Set<string>();
    for (const e of [...cluster, ...external]) {
      if (seen.has(e.base)) continue;
      seen.add(e.base);
      const rules = [`ip saddr ${e.ip} jump ${CHAIN.markForMasquerade}`];
      if (v.affinitySeconds !== undefined) {
        const set = affinitySet(e, v.affinitySeconds);
        sets.push({ kind: 'set', name: set, spec: `type ipv4_addr; flags dynamic,timeout; timeout ${v.affinitySeconds}s;` });
        rules.push(`update @${set} { ip saddr }`);
      }
      rules.push(`meta l4proto ${v.protocol} dnat to ${e.ip}:${e.port}`);
      chains.push({ name: endpointChain(e), rules });
    }
  }
  return { chains, elements, sets };
}

/** A Service port's fragment; global ones say what they need from the shared objects. */
export type GlobalFragmentLike = Fragment & { readonly needs?: GlobalNeeds };
