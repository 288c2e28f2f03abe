// The reachability matrix. Pods that share namespace, labels, declared ports and the ipBlocks
// their address falls in are indistinguishable to every policy, so decisions are made once per
// pair of such classes and looked up per pod pair: 10k pods in a few hundred classes cost a few
// hundred squared decisions, not 10^8.
import { cidrContains } from '../api/ip.js';
import type { IPBlockPeer } from '../netpol/compile.js';
import { allows, decide, type Decision } from '../netpol/engine.js';
import type { PodView, Protocol } from '../netpol/model.js';
import { buildWorld, type World } from '../netpol/world.js';
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

function ipBlocksOf(world: World): IPBlockPeer[] {
  const seen = new Map<string, IPBlockPeer>();
  for (const p of world.policies)
    for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])])
      for (const peer of r.peers ?? []) if (peer.kind === 'ipBlock') seen.set(`${peer.cidr.network}/${peer.cidr.prefix}/${peer.except.map((e) => `${e.network}/${e.prefix}`).join(',')}`, peer);
  return [...seen.values()];
}

function classKey(pod: PodView, blocks: readonly IPBlockPeer[]): string {
  const labels = Object.keys(pod.labels)
    .sort()
    .map((k) => `${k}=${pod.labels[k]}`)
    .join(',');
  const ports = pod.ports.map((p) => `${p.name ?? ''}:${p.port}/${p.protocol}`).join(',');
  let ipb = '';
  if (blocks.length > 0)
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i]!;
      if (pod.parsedIPs.some((ip) => cidrContains(b.cidr, ip) && !b.except.some((e) => cidrContains(e, ip)))) ipb += `${i},`;
    }
  return `${pod.namespace}\0${pod.hostNetwork ? 'H' : ''}\0${labels}\0${ports}\0${ipb}`;
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
  const blocks = ipBlocksOf(world);
  const classIds = new Map<string, number>();
  const reps: PodView[] = [];
  const classOf = new Int32Array(pods.length);
  pods.forEach((p, i) => {
    const k = classKey(p, blocks);
    let id = classIds.get(k);
    if (id === undefined) {
      id = reps.length;
      classIds.set(k, id);
      reps.push(p);
    }
    classOf[i] = id;
  });
  const C = reps.length;
  const P = probes.length;
  if (C * C * P > 2 ** 28) throw new RangeError(`analyze: cannot build a reachability matrix of ${C} pod classes × ${P} ports: too large`);
  // 0 = not computed, 1 = denied, 2 = allowed, 3 = port not declared by the destination.
  const cells = new Uint8Array(C * C * P);
  const declared = (pod: PodView, probe: PortProbe) => opts.port !== undefined || pod.ports.some((c) => c.port === probe.port && c.protocol === probe.protocol);
  const cell = (a: number, b: number, k: number): number => {
    const at = (a * C + b) * P + k;
    let v = cells[at]!;
    if (v === 0) {
      const probe = probes[k]!;
      const dst = reps[b]!;
      v = !declared(dst, probe) ? 3 : allows(world, { pod: reps[a]! }, { pod: dst }, probe.protocol, probe.port, { loopback: false }) ? 2 : 1;
      cells[at] = v;
    }
    return v;
  };
  return {
    world,
    pods,
    probes,
    classCount: C,
    allowed(from, to, k) {
      const v = cell(classOf[from]!, classOf[to]!, k);
      if (v === 3) return undefined;
      return from === to ? true : v === 2;
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
