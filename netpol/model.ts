// The small views the engine reads: Pods, Namespaces and NetworkPolicies reduced to what policy
// decisions need. Converted once at the boundary from the Kubernetes objects; never mutated.
import { tryParseIP, formatIP, type IP } from '../api/ip.js';
import type { Namespace, Pod } from '../api/types.js';

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export type Direction = 'Ingress' | 'Egress';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export interface ContainerPortView {
  readonly name?: string;
  readonly port: number;
  readonly protocol: Protocol;
}

export interface PodView {
  readonly namespace: string;
  readonly name: string;
  /** "ns/name". */
  readonly key: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Canonical IP texts, primary first; empty until the pod has an address. */
  readonly ips: readonly string[];
  readonly parsedIPs: readonly IP[];
  readonly node?: string;
  /** hostNetwork pods share the node's address: policies neither select nor match them (as upstream). */
  readonly hostNetwork: boolean;
  readonly ports: readonly ContainerPortView[];
}

export interface NamespaceView {
  readonly name: string;
  /** Always carries `kubernetes.io/metadata.name`, as the apiserver guarantees. */
  readonly labels: Readonly<Record<string, string>>;
}

export const NAME_LABEL = 'kubernetes.io/metadata.name';

export function parseProtocol(p: unknown, fallback: Protocol = 'TCP'): Protocol | undefined {
  if (p === undefined || p === null || p === '') return fallback;
  const up = String(p).toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(up) ? (up as Protocol) : undefined;
}

/** The pod's addresses: status.podIPs, else status.podIP, else `assigned` (the analyzer's IPAM). */
export function podView(pod: Pod, assigned: readonly string[] = []): PodView {
  const meta = pod.metadata ?? {};
  const namespace = meta.namespace ?? 'default';
  const name = meta.name ?? '';
  const raw = pod.status?.podIPs?.map((p) => p.ip) ?? (pod.status?.podIP ? [pod.status.podIP] : []);
  const parsed = (raw.length > 0 ? raw : assigned).map((t) => tryParseIP(t ?? '')).filter((ip): ip is IP => ip !== undefined);
  const ports: ContainerPortView[] = [];
  for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
    for (const p of c.ports ?? []) {
      const protocol = parseProtocol(p.protocol);
      if (!protocol || !p.containerPort) continue;
      ports.push({ ...(p.name ? { name: p.name } : {}), port: p.containerPort, protocol });
    }
  }
  return {
    namespace,
    name,
    key: `${namespace}/${name}`,
    labels: meta.labels ?? {},
    ips: parsed.map(formatIP),
    parsedIPs: parsed,
    ...(pod.spec?.nodeName ? { node: pod.spec.nodeName } : {}),
    hostNetwork: pod.spec?.hostNetwork === true,
    ports,
  };
}

export function namespaceView(ns: Namespace | string): NamespaceView {
  const name = typeof ns === 'string' ? ns : (ns.metadata?.name ?? '');
  const labels = typeof ns === 'string' ? {} : (ns.metadata?.labels ?? {});
  return { name, labels: { ...labels, [NAME_LABEL]: name } };
}

/** Pods that no longer run hold no address worth protecting (upstream skips them too). */
export function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}
