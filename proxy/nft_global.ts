// The global nftables layout: plain Service ports become elements of a few table-wide maps
// instead of chains of their own. nft 1.0.6 reads every chain and set object back from the kernel
// before any transaction, so a transaction's cost follows the object count (bench/proxy/RESULTS.md
// §1c); here it is constant, and a changed Service is element edits only.
//
//   services: ip daddr . meta l4proto . th dport vmap @service-ips → goto select-<proto>-<N>
//   select-<proto>-<N>: meta l4proto <proto> dnat ip to ip daddr . meta l4proto . th dport . numgen random mod N map @backends-<proto>
//
// `Local` external addresses have a second key space (`service-ips-internal`, `backends-internal`)
// holding the cluster-wide endpoints, looked up first for pods and the node itself, as kube-proxy's
// external chain short-circuits them.
import { CHAIN, MAP, MASQ_MARK, SET, backendsMap, selectorChain } from './names.js';
import type { ChainDef, Fragment, SetDef } from './nft_model.js';
import type { EndpointView, ProxyPlan, ServicePortView } from './types.js';

type Cfg = ProxyPlan['config'];

const MARK = `0x${MASQ_MARK.toString(16)}`;
const PROTOCOLS = ['tcp', 'udp', 'sctp'] as const;

/**
 * Whether a Service port takes the global form: what needs per-endpoint state stays on chains, and
 * so does a NodePort on a node without known addresses (global NodePort keys need one).
 */
export function usesGlobalLayout(v: ServicePortView, cfg: Cfg, nodeIPs: readonly string[]): boolean {
  return (
    cfg.layout === 'global' &&
    (v.nodePort === undefined || nodeIPs.length > 0) &&
    cfg.mode === 'nftables' &&
    v.kubeLayout !== true &&
    v.algorithm === 'random' &&
    v.affinitySeconds === undefined &&
    !(v.loadBalancerSourceRanges.length > 0 && v.loadBalancerIPs.length > 0)
  );
}

/** The global maps and sets, present whenever the layout is `global`. */
export function globalSets(): SetDef[] {
  // One map per protocol, typed `<proto> dport` in the data part: with `th dport` there, nft 1.0.6
  // cannot add a rule using the map once the map is in the kernel ("conflicting protocols ip vs. th").
  const backends = PROTOCOLS.flatMap((p) =>
    [false, true].map((internal): SetDef => ({
      kind: 'map',
      name: backendsMap(p, internal),
      spec: `typeof ip daddr . meta l4proto . th dport . numgen random mod 2 : ip daddr . ${p} dport;`,
    })),
  );
  return [
    { kind: 'map', name: MAP.serviceIPsInternal, spec: 'type ipv4_addr . inet_proto . inet_service : verdict;' },
    ...backends,
    { kind: 'set', name: SET.masqExternal, spec: 'type ipv4_addr . inet_proto . inet_service;' },
    { kind: 'set', name: SET.hairpin, spec: 'type ipv4_addr . ipv4_addr;' },
  ];
}

/** Rules the `services` chain runs before the main lookup. */
export function globalServiceRules(cfg: Cfg): string[] {
  const key = 'ip daddr . meta l4proto . th dport';
  return [
    `${key} @${SET.masqExternal} jump ${CHAIN.markForMasquerade}`,
    `ip saddr ${cfg.clusterCIDR} ${key} vmap @${MAP.serviceIPsInternal}`,
    `fib saddr type local ${key} vmap @${MAP.serviceIPsInternal}`,
  ];
}

/** Masquerade a pod that reached itself through a Service (postrouting, after DNAT). */
export const HAIRPIN_RULE = `ip saddr . ip daddr @${SET.hairpin} meta mark set meta mark | ${MARK}`;

/**
 * The selector chain for N endpoints of one protocol. The written `meta l4proto` keeps the rule's
 * bytecode the same however the chain is created: without it nft 1.0.6 adds that match itself
 * only when the map already exists in the kernel (from its typeof), not when both come in one
 * transaction, and a restart's listing would differ. Listings print `… . udp dport . …`.
 */
export function selectorDef(proto: string, n: number, internal: boolean, cfg: Cfg): ChainDef {
  const first = internal
    ? `fib saddr type local jump ${CHAIN.markForMasquerade}`
    : `ip saddr != ${cfg.clusterCIDR} ip daddr @${SET.clusterIPs} jump ${CHAIN.markForMasquerade}`;
  return {
    name: selectorChain(proto, n, internal),
    rules: [first, `meta l4proto ${proto} dnat ip to ip daddr . meta l4proto . th dport . numgen random mod ${n} map @${backendsMap(proto, internal)}`],
  };
}

/**
 * What one global Service port needs from the shared part: its selector chains (`proto/N/internal`)
 * and hairpin pairs. Kept beside the fragment so the shared part is a union, not a re-render.
 */
export interface GlobalNeeds {
  readonly selectors: readonly string[];
  readonly hairpin: readonly string[];
}

export interface GlobalFragment extends Fragment {
  readonly needs: GlobalNeeds;
}

/** A Service port in the global form: elements only. Mirrors serviceFragment's semantics. */
export function globalFragment(v: ServicePortView, cfg: Cfg, node: { readonly name: string; readonly ips: readonly string[] }): GlobalFragment {
  const nodeIPs = node.ips;
  const elements: [string, string, string][] = [];
  const selectors = new Set<string>();
  const hairpin = new Set<string>();
  const p = v.protocol;
  const key = (ip: string, port: number) => `${ip} . ${p} . ${port}`;
  const cluster = v.clusterEndpoints;
  const external = v.externalEndpoints;
  const noEndpointVerdict = v.hasAnyEndpoints ? 'drop' : `goto ${CHAIN.rejectChain}`;
  const pick = (k: string, eps: readonly EndpointView[], internal: boolean) => {
    const map = internal ? MAP.serviceIPsInternal : MAP.serviceIPs;
    elements.push([map, k, `goto ${selectorChain(p, eps.length, internal)}`]);
    selectors.add(`${p}/${eps.length}/${internal ? 1 : 0}`);
    const backends = backendsMap(p, internal);
    eps.forEach((e, i) => {
      elements.push([backends, `${k} . ${i}`, `${e.ip} . ${e.port}`]);
      // A pod's own traffic meets this node's DNAT only if the pod lives here, except through a
      // `Local` address's internal lookup (a pod dialling an LB IP routed to another node).
      if (internal || e.nodeName === undefined || e.nodeName === node.name) hairpin.add(`${e.ip} . ${e.ip}`);
    });
  };

  if (v.clusterIP) {
    if (cluster.length > 0) pick(key(v.clusterIP, v.port), cluster, false);
    else elements.push([MAP.noEndpointServices, key(v.clusterIP, v.port), noEndpointVerdict]);
  }
  const addressKeys = [...v.externalIPs, ...v.loadBalancerIPs].map((ip) => key(ip, v.port));
  const nodeKeys = v.nodePort !== undefined ? nodeIPs.map((ip) => key(ip, v.nodePort!)) : [];
  if (addressKeys.length > 0 || nodeKeys.length > 0) {
    const reachable = external.length > 0 || (v.externalPolicyLocal && v.hasAnyEndpoints);
    if (!reachable) {
      for (const k of addressKeys) elements.push([MAP.noEndpointServices, k, noEndpointVerdict]);
      if (v.nodePort !== undefined) elements.push([MAP.noEndpointNodePorts, `${p} . ${v.nodePort}`, noEndpointVerdict]);
    } else {
      for (const k of [...addressKeys, ...nodeKeys]) {
        if (!v.externalPolicyLocal) {
          elements.push([SET.masqExternal, k, '']);
          pick(k, external, false);
          continue;
        }
        if (external.length > 0) pick(k, external, false);
        else elements.push([MAP.serviceIPs, k, 'drop']);
        if (cluster.length > 0) pick(k, cluster, true);
      }
    }
  }
  return { chains: [], sets: [], elements, needs: { selectors: [...selectors], hairpin: [...hairpin] } };
}

/** The selector chains in use, one per (protocol, N, internal). */
export function selectorFragment(shared: { readonly selectors: ReadonlyMap<string, number> }, cfg: Cfg): Fragment {
  const chains = [...shared.selectors.keys()].sort().map((s) => {
    const [proto, n, internal] = s.split('/') as [string, string, string];
    return selectorDef(proto, Number(n), internal === '1', cfg);
  });
  return { chains, sets: [], elements: [] };
}
