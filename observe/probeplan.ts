// Which pods probe which (pure): one pod per node stands for that node, the oldest Running pod with
// an address (stable across rounds, so a latency series is one path), never a hostNetwork pod (its
// address is the node's) nor one being deleted. Every ordered pair of nodes becomes one probe. A
// node's pair with itself goes to its second-oldest pod, so it crosses the node's bridge; with a
// single pod on the node, that pod probes its own address (loopback inside the pod).
import type { Pod } from '../api/types.js';

/** Source ports of probe connections: above Linux's ephemeral range (32768–60999), so no other socket picks one; capture skips them. */
export const PROBE_PORT_FIRST = 61000;
export const PROBE_PORT_LAST = 61999;
/** Probed when the pod declares no TCP port: a closed port answers with a RST, which times the round trip as well as a SYN/ACK. */
export const CLOSED_PORT = 1;

export interface ProbeEnd {
  readonly node: string;
  readonly namespace: string;
  readonly pod: string;
  readonly uid: string;
  readonly ip: string;
}

export interface ProbePair {
  readonly src: ProbeEnd;
  readonly dst: ProbeEnd;
  readonly port: number;
}

export function isProbePort(port: number | undefined): boolean {
  return port !== undefined && port >= PROBE_PORT_FIRST && port <= PROBE_PORT_LAST;
}

function created(p: Pod): string {
  return p.metadata?.creationTimestamp ? String(p.metadata.creationTimestamp) : '';
}

/** A declared TCP container port (the first), else the closed port. */
export function probePortOf(p: Pod): number {
  for (const c of p.spec?.containers ?? []) {
    for (const cp of c.ports ?? []) if ((cp.protocol ?? 'TCP') === 'TCP' && cp.containerPort > 0) return cp.containerPort;
  }
  return CLOSED_PORT;
}

/** The pods standing for each node: the two oldest eligible ones (ties broken by namespace/name), oldest first. */
export function probePods(pods: readonly Pod[], nodes: readonly string[]): Map<string, Pod[]> {
  const wanted = new Set(nodes);
  const byNode = new Map<string, Pod[]>();
  const key = (p: Pod) => `${created(p)}\u0000${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || !wanted.has(node) || p.spec?.hostNetwork || p.metadata?.deletionTimestamp) continue;
    if (p.status?.phase !== 'Running' || !p.status.podIP || !p.metadata?.uid) continue;
    const list = byNode.get(node) ?? [];
    list.push(p);
    list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    byNode.set(node, list.slice(0, 2));
  }
  return byNode;
}

/** Every ordered pair of nodes that have a probe pod, in node order. */
export function planProbes(pods: readonly Pod[], nodes: readonly string[]): ProbePair[] {
  const chosen = probePods(pods, nodes);
  const end = (node: string, p: Pod): ProbeEnd => ({ node, namespace: p.metadata!.namespace ?? 'default', pod: p.metadata!.name!, uid: p.metadata!.uid!, ip: p.status!.podIP! });
  const pairs: ProbePair[] = [];
  for (const s of nodes) {
    const sp = chosen.get(s)?.[0];
    if (!sp) continue;
    for (const d of nodes) {
      const ds = chosen.get(d);
      const dp = s === d ? ds?.[1] ?? ds?.[0] : ds?.[0];
      if (dp) pairs.push({ src: end(s, sp), dst: end(d, dp), port: probePortOf(dp) });
    }
  }
  return pairs;
}
