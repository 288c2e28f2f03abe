// The reachability matrix, computed as sets rather than pair by pair: each peer becomes a bitset of
// the pods it matches (evaluated once per class of alike pods), each pod class gets the union of
// its rules' bitsets per direction, and a cell is two bit lookups. 10k pods × 1k policies cost
// a few thousand bitset unions instead of 10^8 decisions. `decide` (with reasons) stays the
// reference: the tests hold this against it cell by cell.
import { cidrContains, type CIDR } from '../api/ip.js';
import type { Peer, PortMatch } from '../netpol/compile.js';
import { decide, peerMatches, portMatches, type Decision } from '../netpol/engine.js';
import type { PodView, Protocol } from '../netpol/model.js';
import { buildWorld, selectingPolicies, type World } from '../netpol/world.js';
import { matches } from '../api/labels.js';
import type { ClusterObjects } from './objects.js';

export interface ReachOptions {
  /** Only pods of this namespace, as sources and destinations. */
  readonly namespace?: string;
  /** One port; without it, every port some destination declares. */
  readonly port?: number;
  readonly protocol?: Protocol;
}

export interface PortProbe {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface Reach {
  readonly world: World;
  /** Sources and destinations, sorted by namespace/name. */
  readonly pods: readonly PodView[];
  readonly probes: readonly PortProbe[];
  /** Verdict for pods[from] → pods[to] on probes[probe]; undefined when the destination does not declare that port. */
  allowed(from: number, to: number, probe: number): boolean | undefined;
  /** The full decision with reasons (slower; for explanations and JSON). */
  decision(from: number, to: number, probe: number): Decision;
  readonly classCount: number;
}

export interface ReachResult {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly allowed: boolean;
  readonly reason: string;
}

type Bits = Uint32Array;

function ipv4Number(pod: PodView): number | undefined {
  const ip = pod.parsedIPs.find((i) => i.family === 4);
  return ip ? Number(ip.value) : undefined;
}

/** Pods matched by one peer, as a bitset over `pods` (pod peers evaluated once per class). */
function peerBits(world: World, peer: Peer, ns: string, pods: readonly PodView[], reps: readonly PodView[], repsByNs: ReadonlyMap<string, number[]>, members: readonly number[][], words: number): Bits {
  const bits = new Uint32Array(words);
  if (peer.kind === 'ipBlock') {
    // IPv4 as plain numbers: bigint compares for 10^7 pod×block pairs would dominate the run.
    const range = (c: CIDR) => [Number(c.network), Number(c.network) + 2 ** (32 - c.prefix)] as const;
    const v4 = peer.cidr.family === 4;
    const [lo, hi] = v4 ? range(peer.cidr) : [0, 0];
    const holes = v4 ? peer.except.filter((e) => e.family === 4).map(range) : [];
    pods.forEach((p, i) => {
      let hit: boolean;
      if (v4) {
        const ip = ipv4Number(p);
        hit = ip !== undefined && ip >= lo && ip < hi && !holes.some(([a, b]) => ip >= a && ip < b);
      } else hit = p.parsedIPs.some((ip) => cidrContains(peer.cidr, ip) && !peer.except.some((e) => cidrContains(e, ip)));
      if (hit) bits[i >>> 5]! |= 1 << (i & 31);
    });
    return bits;
  }
  // Only classes of the namespaces the peer can reach are worth testing.
  const namespaces = peer.namespaces ? [...world.namespaces.values()].filter((v) => matches(peer.namespaces!, v.labels)).map((v) => v.name) : [ns];
  for (const name of namespaces)
    for (const c of repsByNs.get(name) ?? []) {
      if (!peerMatches(world, peer, ns, { pod: reps[c]! })) continue;
      for (const i of members[c]!) bits[i >>> 5]! |= 1 << (i & 31);
    }
  return bits;
}

function classKey(pod: PodView): string {
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => `${k}=${pod.labels[k]}`)
    .join(',');
  const ports = pod.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).join(',');
  return `${pod.namespace}\0${pod.hostNetwork ? 'H' : ''}\0${labels}\0${ports}`;
}

export function computeReach(input: ClusterObjects | World, opts: ReachOptions = {}): Reach {
  const world = 'podByIP' in input ? input : buildWorld({ pods: input.pods, namespaces: input.namespaces, policies: input.policies });
  const pods = world.pods
    .filter((p) => (opts.namespace === undefined || p.namespace === opts.namespace) && p.ips.length > 0)
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let probes: PortProbe[];
  if (opts.port !== undefined) probes = [{ port: opts.port, protocol: opts.protocol ?? 'TCP' }];
  else {
    const seen = new Map<string, PortProbe>();
    for (const p of pods) for (const c of p.ports) if (!opts.protocol || c.protocol === opts.protocol) seen.set(`${c.protocol}/${c.port}`, { port: c.port, protocol: c.protocol });
    probes = [...seen.values()].sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  }
  // Pods alike in namespace, labels and declared ports are selected by the same policies and
  // resolve named ports alike: policies are evaluated once per such class.
  const classIds = new Map<string, number>();
  const reps: PodView[] = [];
  const members: number[][] = [];
  const repsByNs = new Map<string, number[]>();
  const classOf = new Int32Array(pods.length);
  pods.forEach((p, i) => {
    const k = classKey(p);
    let id = classIds.get(k);
    if (id === undefined) {
      id = reps.length;
      classIds.set(k, id);
      reps.push(p);
      members.push([]);
      const list = repsByNs.get(p.namespace) ?? [];
      list.push(id);
      repsByNs.set(p.namespace, list);
    }
    members[id]!.push(i);
    classOf[i] = id;
  });
  const n = pods.length;
  const words = (n + 31) >>> 5;
  const ALL = new Uint32Array(words).fill(0xffffffff);
  const peerCache = new Map<Peer, Bits>();
  const bitsOfPeer = (peer: Peer, ns: string) => {
    let b = peerCache.get(peer);
    if (!b) peerCache.set(peer, (b = peerBits(world, peer, ns, pods, reps, repsByNs, members, words)));
    return b;
  };
  // Destinations whose own ports make a rule's port list match the probe (named ports vary per pod).
  const portBits = (ports: readonly PortMatch[] | undefined, probe: PortProbe): Bits => {
    if (!ports) return ALL;
    const b = new Uint32Array(words);
    reps.forEach((rep, c) => {
      if (!ports.some((pm) => portMatches(pm, probe.protocol, probe.port, { pod: rep }))) return;
      for (const i of members[c]!) b[i >>> 5]! |= 1 << (i & 31);
    });
    return b;
  };
  /** Per probe and class: which pods the class may send to (egress) / receive from (ingress); undefined = open. */
  const sides = new Map<number, { egress: (Bits | undefined)[]; ingress: (Bits | undefined)[] }>();
  const sidesOf = (k: number) => {
    let s = sides.get(k);
    if (s) return s;
    const probe = probes[k]!;
    const egress: (Bits | undefined)[] = [];
    const ingress: (Bits | undefined)[] = [];
    reps.forEach((rep, c) => {
      for (const dir of ['Egress', 'Ingress'] as const) {
        const pols = selectingPolicies(world, rep, dir);
        if (pols.length === 0) continue;
        const acc = new Uint32Array(words);
        for (const pol of pols)
          for (const r of (dir === 'Ingress' ? pol.ingress : pol.egress) ?? []) {
            let peers: Bits;
            if (!r.peers) peers = ALL;
            else {
              peers = new Uint32Array(words);
              for (const peer of r.peers) {
                const pb = bitsOfPeer(peer, pol.namespace);
                for (let w = 0; w < words; w++) peers[w]! |= pb[w]!;
              }
            }
            if (dir === 'Ingress') {
              // The destination is the class itself: the rule's ports either match it or not.
              if (r.ports && !r.ports.some((pm) => portMatches(pm, probe.protocol, probe.port, { pod: rep }))) continue;
              for (let w = 0; w < words; w++) acc[w]! |= peers[w]!;
            } else {
              const pb = portBits(r.ports, probe);
              for (let w = 0; w < words; w++) acc[w]! |= peers[w]! & pb[w]!;
            }
          }
        (dir === 'Ingress' ? ingress : egress)[c] = acc;
      }
    });
    s = { egress, ingress };
    sides.set(k, s);
    return s;
  };
  const declared = (pod: PodView, probe: PortProbe) => opts.port !== undefined || pod.ports.some((c) => c.port === probe.port && c.protocol === probe.protocol);
  const has = (b: Bits | undefined, i: number) => b === undefined || (b[i >>> 5]! & (1 << (i & 31))) !== 0;
  return {
    world,
    pods,
    probes,
    classCount: reps.length,
    allowed(from, to, k) {
      const probe = probes[k]!;
      if (!declared(pods[to]!, probe)) return undefined;
      if (from === to) return true;
      const s = sidesOf(k);
      const src = pods[from]!;
      const dst = pods[to]!;
      // hostNetwork pods are neither selected nor matched: their traffic is the node's.
      if (src.hostNetwork || dst.hostNetwork) return true;
      return has(s.egress[classOf[from]!], to) && has(s.ingress[classOf[to]!], from);
    },
    decision(from, to, k) {
      const probe = probes[k]!;
      return decide(world, { pod: pods[from]! }, { pod: pods[to]! }, probe.protocol, probe.port);
    },
  };
}

/** One line of reason for a cell: the denying side(s), or both sides when allowed. */
export function cellReason(d: Decision): string {
  if (d.allowed) return `egress: ${d.egress.reason}; ingress: ${d.ingress.reason}`;
  return [d.egress, d.ingress]
    .filter((s) => !s.allowed)
    .map((s) => `${s.direction.toLowerCase()}: ${s.reason}`)
    .join('; ');
}

/** Every decided cell (with reasons), for JSON output. */
export function* reachResults(reach: Reach): Generator<ReachResult> {
  const n = reach.pods.length;
  for (let k = 0; k < reach.probes.length; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        const allowed = reach.allowed(i, j, k);
        if (allowed === undefined) continue;
        const probe = reach.probes[k]!;
        yield { from: reach.pods[i]!.key, to: reach.pods[j]!.key, port: probe.port, protocol: probe.protocol, allowed, reason: cellReason(reach.decision(i, j, k)) };
      }
}

/** The matrix as text: one block per port, rows are sources, columns destinations. */
export function formatReachTable(reach: Reach, verdict: (from: number, to: number, probe: number) => boolean | undefined = (f, t, k) => reach.allowed(f, t, k)): string {
  const names = reach.pods.map((p) => p.key);
  const w = Math.max(3, ...names.map((n) => n.length));
  const out: string[] = [];
  reach.probes.forEach((probe, k) => {
    out.push(`${`${probe.protocol}/${probe.port}`.padEnd(w)}  ${names.map((n) => n.padEnd(w)).join(' ')}`.trimEnd());
    names.forEach((from, i) => {
      const cells = names.map((_, j) => {
        const v = verdict(i, j, k);
        return (v === undefined ? '-' : v ? '.' : 'X').padEnd(w);
      });
      out.push(`${from.padEnd(w)}  ${cells.join(' ')}`.trimEnd());
    });
    out.push('');
  });
  out.push('. allowed   X denied   - port not declared by the destination');
  return out.join('\n');
}
