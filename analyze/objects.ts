// The objects an analysis runs over, from manifests or a running cluster. Manifests describe
// workloads, not pods, so their Deployments/ReplicaSets/StatefulSets/DaemonSets are expanded into
// the pods their controllers would create (same names, same labels), and pods without an address
// get one the way IPAM would (node podCIDRs from 10.244.0.0/16, .1 is the bridge).
import { createHash } from 'node:crypto';
import { formatIP, nthIP, nthSubnet, parseCIDR, tryParseCIDR } from '../api/ip.js';
import { loadManifests } from '../api/manifest.js';
import type { DaemonSet, Deployment, EndpointSlice, KubeObject, Namespace, NetworkPolicy, Node, Pod, ReplicaSet, Service, StatefulSet, core } from '../api/types.js';
import { R, type ObjectSource } from '../client/source.js';
import { templateHash } from '../controllers/deployment/hash.js';

export const CLUSTER_CIDR = '10.244.0.0/16';

export interface ClusterObjects {
  readonly pods: readonly Pod[];
  readonly namespaces: readonly Namespace[];
  readonly policies: readonly NetworkPolicy[];
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
  readonly nodes: readonly Node[];
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

/** A deterministic 5-character suffix in the controllers' alphabet (real ones are random). */
function suffix(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  let out = '';
  for (let i = 0; i < 5; i++) out += SAFE[h[i]! % SAFE.length];
  return out;
}

function podFromTemplate(template: core.PodTemplateSpec | undefined, namespace: string, name: string, extraLabels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels: { ...(template?.metadata?.labels ?? {}), ...extraLabels } },
    spec: template?.spec ?? { containers: [] },
  };
}

function expandWorkload(o: KubeObject, nodes: readonly string[]): Pod[] {
  const ns = o.metadata?.namespace ?? 'default';
  const name = o.metadata?.name ?? '';
  switch (o.kind) {
    case 'Deployment': {
      const d = o as Deployment;
      const hash = templateHash(d.spec?.template);
      const rs = `${name}-${hash}`;
      return Array.from({ length: d.spec?.replicas ?? 1 }, (_, i) => podFromTemplate(d.spec?.template, ns, `${rs}-${suffix(`${ns}/${rs}/${i}`)}`, { 'pod-template-hash': hash }));
    }
    case 'ReplicaSet': {
      const r = o as ReplicaSet;
      return Array.from({ length: r.spec?.replicas ?? 1 }, (_, i) => podFromTemplate(r.spec?.template, ns, `${name}-${suffix(`${ns}/${name}/${i}`)}`, {}));
    }
    case 'StatefulSet': {
      const s = o as StatefulSet;
      return Array.from({ length: s.spec?.replicas ?? 1 }, (_, i) =>
        podFromTemplate(s.spec?.template, ns, `${name}-${i}`, { 'statefulset.kubernetes.io/pod-name': `${name}-${i}`, 'apps.kubernetes.io/pod-index': String(i) }),
      );
    }
    case 'DaemonSet': {
      const d = o as DaemonSet;
      return nodes.map((node) => {
        const pod = podFromTemplate(d.spec?.template, ns, `${name}-${suffix(`${ns}/${name}/${node}`)}`, {});
        return { ...pod, spec: { ...pod.spec!, nodeName: node } };
      });
    }
    default:
      return [];
  }
}

/** Gives every pod without status.podIP a node and an address from that node's podCIDR. */
export function assignAddresses(pods: readonly Pod[], nodes: readonly Node[]): Pod[] {
  const cluster = parseCIDR(CLUSTER_CIDR);
  const nodeCIDRs = new Map<string, ReturnType<typeof parseCIDR>>();
  const names = nodes.map((n) => n.metadata?.name ?? '').filter(Boolean);
  if (names.length === 0) names.push('node-1');
  names.forEach((n, i) => {
    const given = nodes.find((x) => x.metadata?.name === n)?.spec?.podCIDR;
    nodeCIDRs.set(n, (given && tryParseCIDR(given)) || nthSubnet(cluster, 24, i));
  });
  const used = new Set<string>();
  for (const p of pods) if (p.status?.podIP) used.add(p.status.podIP);
  const next = new Map<string, number>();
  let rr = 0;
  return pods.map((p) => {
    if (p.status?.podIP || p.spec?.hostNetwork) return p;
    const node = p.spec?.nodeName && nodeCIDRs.has(p.spec.nodeName) ? p.spec.nodeName : names[rr++ % names.length]!;
    const cidr = nodeCIDRs.get(node)!;
    let i = next.get(node) ?? 2;
    let ip = formatIP(nthIP(cidr, i));
    while (used.has(ip)) ip = formatIP(nthIP(cidr, ++i));
    next.set(node, i + 1);
    used.add(ip);
    return { ...p, spec: { ...p.spec!, nodeName: node }, status: { ...(p.status ?? {}), phase: p.status?.phase ?? 'Running', podIP: ip, podIPs: [{ ip }] } };
  });
}

/** Collects manifest objects: workloads expanded into pods (unless `expand` is false), addresses assigned. */
export function collectObjects(objects: readonly KubeObject[], opts: { expand?: boolean } = {}): ClusterObjects {
  const of = <T>(kind: string) => objects.filter((o) => o.kind === kind).map((o) => withNamespace(o) as T);
  const nodes = of<Node>('Node');
  const nodeNames = nodes.map((n) => n.metadata?.name ?? '').filter(Boolean);
  const pods: Pod[] = of<Pod>('Pod');
  if (opts.expand !== false) for (const o of objects) pods.push(...expandWorkload(withNamespace(o), nodeNames.length ? nodeNames : ['node-1']));
  return {
    pods: assignAddresses(pods, nodes),
    namespaces: of<Namespace>('Namespace'),
    policies: of<NetworkPolicy>('NetworkPolicy'),
    services: of<Service>('Service'),
    slices: of<EndpointSlice>('EndpointSlice'),
    nodes,
  };
}

const CLUSTER_SCOPED = new Set(['Namespace', 'Node']);

function withNamespace(o: KubeObject): KubeObject {
  if (CLUSTER_SCOPED.has(o.kind ?? '') || o.metadata?.namespace) return o;
  return { ...o, metadata: { ...(o.metadata ?? {}), namespace: 'default' } };
}

export function objectsFromFiles(paths: readonly string[]): ClusterObjects {
  return collectObjects(loadManifests(paths).map((l) => l.object));
}

/** A running cluster's objects: pods are real, so nothing is expanded or assigned. */
export async function objectsFromSource(source: ObjectSource): Promise<ClusterObjects> {
  const inf = {
    pods: source.informer(R.pods),
    namespaces: source.informer(R.namespaces),
    policies: source.informer(R.networkpolicies),
    services: source.informer(R.services),
    slices: source.informer(R.endpointslices),
    nodes: source.informer(R.nodes),
  };
  await source.start();
  return {
    pods: inf.pods.list() as unknown as Pod[],
    namespaces: inf.namespaces.list() as unknown as Namespace[],
    policies: inf.policies.list() as unknown as NetworkPolicy[],
    services: inf.services.list() as unknown as Service[],
    slices: inf.slices.list() as unknown as EndpointSlice[],
    nodes: inf.nodes.list() as unknown as Node[],
  };
}
