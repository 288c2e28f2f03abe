// Per-node enforcement plan: which local pods are isolated in which direction, and the nft rules
// that allow exactly what their policies allow. Pure: `planNodePolicy` decides, `renderNft`
// writes the one atomic script, `apply.ts` sends it.
import { cidrContains, tryParseCIDR, formatCIDR, type CIDR } from '../api/ip.js';
import type { Namespace, NetworkPolicy, Pod } from '../api/types.js';
import type { CompiledPolicy, Peer, PortMatch } from './compile.js';
import { peerMatches } from './engine.js';
import type { Direction, PodView, Protocol } from './model.js';
import * as N from './names.js';
import { buildWorld, selectingPolicies, type World } from './world.js';

export interface NodePolicyInput {
  readonly node: string;
  /** Pods of every node: peers are matched cluster-wide, chains are written for this node's pods. */
  readonly pods: readonly (Pod | PodView)[];
  readonly namespaces: readonly Namespace[];
  readonly policies: readonly (NetworkPolicy | CompiledPolicy)[];
  /** The node's pod CIDRs: addresses in them that belong to no known pod are dropped (fail closed for pods not synced yet). */
  readonly podCIDRs?: readonly string[];
  /** Set when bridged frames bypass the inet hooks (no br_netfilter): the bridge's MAC, to route them through it. */
  readonly routeBridged?: { readonly bridgeMAC: string };
  /** Log denied packets to this NFLOG group, prefixed `podnet-drop:<ns>/<pod>:<direction>:`. */
  readonly logGroup?: number;
}

/** One allow rule: the other end's address (set or CIDR), the transport, then `return`. */
export interface AllowRule {
  readonly comment: string;
  readonly family?: 4 | 6;
  readonly set?: string;
  readonly cidr?: { readonly cidr: string; readonly except: readonly string[] };
  readonly protocol?: Protocol;
  readonly ports?: readonly [number, number];
}

export interface ChainPlan {
  readonly pod: string;
  readonly direction: Direction;
  readonly chain: string;
  readonly counter: string;
  readonly rules: readonly AllowRule[];
}

export interface NodePolicyPlan {
  readonly node: string;
  readonly chains: readonly ChainPlan[];
  /** IP → chain, per direction and family (the verdict maps). */
  readonly ingress: readonly { readonly ip: string; readonly family: 4 | 6; readonly chain: string }[];
  readonly egress: readonly { readonly ip: string; readonly family: 4 | 6; readonly chain: string }[];
  readonly sets: readonly { readonly name: string; readonly family: 4 | 6; readonly elements: readonly string[] }[];
  readonly known: { readonly 4: readonly string[]; readonly 6: readonly string[] };
  readonly guard: { readonly 4: readonly string[]; readonly 6: readonly string[] };
  readonly routeBridged?: { readonly bridgeMAC: string };
  readonly logGroup?: number;
}

const familyOf = (ip: string): 4 | 6 => (ip.includes(':') ? 6 : 4);

export function planNodePolicy(input: NodePolicyInput): NodePolicyPlan {
  const world = buildWorld({ pods: input.pods, namespaces: input.namespaces, policies: input.policies });
  const local = world.pods.filter((p) => p.node === input.node && !p.hostNetwork && p.ips.length > 0).sort((a, b) => (a.key < b.key ? -1 : 1));
  const sets = new Map<string, { name: string; family: 4 | 6; elements: string[] }>();
  const setOf = (family: 4 | 6, ips: readonly string[]): string | undefined => {
    const elements = [...new Set(ips.filter((ip) => familyOf(ip) === family))].sort();
    if (elements.length === 0) return undefined;
    const name = N.setName(family, elements);
    sets.set(name, { name, family, elements });
    return name;
  };
  const chains: ChainPlan[] = [];
  const ingress: NodePolicyPlan['ingress'][number][] = [];
  const egress: NodePolicyPlan['egress'][number][] = [];
  for (const pod of local)
    for (const direction of ['Egress', 'Ingress'] as const) {
      const pols = selectingPolicies(world, pod, direction);
      if (pols.length === 0) continue;
      const chain = N.podChainName(pod.key, direction);
      const rules: AllowRule[] = [];
      for (const pol of pols)
        for (const rule of (direction === 'Ingress' ? pol.ingress : pol.egress) ?? [])
          rules.push(...ruleToNft(world, pol, rule.index, rule.peers, rule.ports, direction, pod, setOf));
      chains.push({ pod: pod.key, direction, chain, counter: N.dropCounterName(pod.key, direction), rules });
      for (const ip of pod.ips) (direction === 'Ingress' ? ingress : egress).push({ ip, family: familyOf(ip), chain });
    }
  const knownIPs = local.flatMap((p) => p.ips);
  const cidrs = (input.podCIDRs ?? []).map((c) => tryParseCIDR(c)).filter((c): c is CIDR => c !== undefined);
  return {
    node: input.node,
    chains,
    ingress,
    egress,
    sets: [...sets.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    known: { 4: knownIPs.filter((i) => familyOf(i) === 4), 6: knownIPs.filter((i) => familyOf(i) === 6) },
    guard: { 4: cidrs.filter((c) => c.family === 4).map(formatCIDR), 6: cidrs.filter((c) => c.family === 6).map(formatCIDR) },
    ...(input.routeBridged ? { routeBridged: input.routeBridged } : {}),
    ...(input.logGroup !== undefined ? { logGroup: input.logGroup } : {}),
  };
}

type SetOf = (family: 4 | 6, ips: readonly string[]) => string | undefined;

// A peer's pod list is shared (peerPods memo), so its set is named once, not once per selected pod.
const podSetMemo = new WeakMap<readonly PodView[], Map<SetOf, { 4?: string | undefined; 6?: string | undefined }>>();
function setOfPods(family: 4 | 6, pods: readonly PodView[], setOf: SetOf): string | undefined {
  let bySetOf = podSetMemo.get(pods);
  if (!bySetOf) podSetMemo.set(pods, (bySetOf = new Map()));
  let names = bySetOf.get(setOf);
  if (!names) bySetOf.set(setOf, (names = {}));
  if (!(family in names)) names[family] = setOf(family, pods.flatMap((p) => p.ips));
  return names[family];
}

/** Pods a pod peer matches (any namespace), by the engine's own rule; memoized per compiled peer, which every pod a policy selects shares. */
const peerMemo = new WeakMap<World, Map<Peer, PodView[]>>();
function peerPods(world: World, peer: Peer, policyNamespace: string): PodView[] {
  let memo = peerMemo.get(world);
  if (!memo) peerMemo.set(world, (memo = new Map()));
  let pods = memo.get(peer);
  if (!pods) memo.set(peer, (pods = world.pods.filter((p) => p.ips.length > 0 && peerMatches(world, peer, policyNamespace, { pod: p }))));
  return pods;
}

function ruleToNft(world: World, pol: CompiledPolicy, index: number, peers: readonly Peer[] | undefined, ports: readonly PortMatch[] | undefined, direction: Direction, self: PodView, setOf: SetOf): AllowRule[] {
  const comment = `${pol.name} ${direction.toLowerCase()} rule ${index}`;
  const out: AllowRule[] = [];
  // Address clauses: undefined = any; otherwise one per peer (and family).
  type Addr = Pick<AllowRule, 'family' | 'set' | 'cidr'> & { pods?: PodView[] };
  const addrs: (Addr | undefined)[] = [];
  if (!peers) addrs.push(undefined);
  else
    for (const peer of peers) {
      if (peer.kind === 'ipBlock') {
        const fam = peer.cidr.family;
        // Its pods are needed only for egress named ports, which filter by the block themselves.
        addrs.push({ family: fam, cidr: { cidr: formatCIDR(peer.cidr), except: peer.except.filter((e) => e.family === fam).map(formatCIDR) } });
      } else {
        const pods = peerPods(world, peer, pol.namespace);
        for (const fam of [4, 6] as const) {
          const set = setOfPods(fam, pods, setOf);
          if (set) addrs.push({ family: fam, set, pods });
        }
      }
    }
  for (const addr of addrs) {
    const base: AllowRule = { comment, ...(addr?.family ? { family: addr.family } : {}), ...(addr?.set ? { set: addr.set } : {}), ...(addr?.cidr ? { cidr: addr.cidr } : {}) };
    if (!ports) {
      out.push(base);
      continue;
    }
    for (const pm of ports) {
      if (pm.kind === 'all') out.push({ ...base, protocol: pm.protocol });
      else if (pm.kind === 'range') out.push({ ...base, protocol: pm.protocol, ports: [pm.from, pm.to] });
      else if (direction === 'Ingress') {
        // The destination is the pod this chain protects: resolve its own named port.
        const c = self.ports.find((p) => p.name === pm.name && p.protocol === pm.protocol);
        if (c) out.push({ ...base, protocol: pm.protocol, ports: [c.port, c.port] });
      } else {
        // Egress to a named port: the destination varies, so group destinations by the number the name resolves to.
        const candidates = addr?.pods ?? world.pods.filter((p) => !p.hostNetwork && p.ips.length > 0);
        const byPort = new Map<number, PodView[]>();
        for (const p of candidates) {
          const c = p.ports.find((x) => x.name === pm.name && x.protocol === pm.protocol);
          if (!c) continue;
          if (addr?.cidr && !p.parsedIPs.some((ip) => addrMatchesIP(addr.cidr!, ip))) continue;
          byPort.set(c.port, [...(byPort.get(c.port) ?? []), p]);
        }
        for (const [port, pods] of [...byPort].sort((a, b) => a[0] - b[0]))
          for (const fam of [4, 6] as const) {
            if (addr?.family && addr.family !== fam) continue;
            const set = setOf(fam, pods.flatMap((p) => p.ips));
            if (set) out.push({ comment, family: fam, set, protocol: pm.protocol, ports: [port, port] });
          }
      }
    }
  }
  return out;
}

function addrMatchesIP(block: { cidr: string; except: readonly string[] }, ip: PodView['parsedIPs'][number]): boolean {
  const c = tryParseCIDR(block.cidr);
  return !!c && cidrContains(c, ip) && !block.except.some((e) => {
    const x = tryParseCIDR(e);
    return !!x && cidrContains(x, ip);
  });
}
