// The map's model: a small, JSON-friendly view of nodes, pods, Services (with endpoints), Ingress
// routes and NetworkPolicies, built from the informers' current objects.
import type { ClusterObjects } from '../analyze/objects.js';
import type { EndpointSlice, Ingress } from '../api/types.js';

export interface Topology {
  readonly nodes: { name: string; ip?: string; podCIDR?: string }[];
  readonly namespaces: string[];
  readonly pods: { namespace: string; name: string; ip?: string; node?: string; labels: Record<string, string>; phase?: string; ready: boolean }[];
  readonly services: { namespace: string; name: string; type: string; clusterIP?: string; externalIPs: string[]; ports: { name?: string; port: number; protocol: string; nodePort?: number; targetPort?: string | number }[]; selector?: Record<string, string>; endpoints: { ip: string; pod?: string; ready: boolean; node?: string }[] }[];
  readonly ingresses: { namespace: string; name: string; routes: { host: string; path: string; service: string; port?: string | number }[] }[];
  readonly policies: { namespace: string; name: string; podSelector: Record<string, string>; policyTypes: string[]; ingressRules: number; egressRules: number }[];
}

/** The analyzer's view of a cluster plus the Ingresses the map draws. */
export interface TopologyInput extends ClusterObjects {
  readonly ingresses: readonly Ingress[];
}

const byKey = <T extends { namespace: string; name: string }>(a: T, b: T) => (a.namespace + '/' + a.name).localeCompare(b.namespace + '/' + b.name);

export function buildTopology(input: TopologyInput): Topology {
  const nodes = input.nodes.map((n) => {
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    return { name: n.metadata?.name ?? '', ...(ip ? { ip } : {}), ...(n.spec?.podCIDR ? { podCIDR: n.spec.podCIDR } : {}) };
  }).sort((a, b) => a.name.localeCompare(b.name));
  const pods = input.pods
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .map((p) => ({
      namespace: p.metadata?.namespace ?? 'default',
      name: p.metadata?.name ?? '',
      ...(p.status?.podIP ? { ip: p.status.podIP } : {}),
      ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}),
      labels: p.metadata?.labels ?? {},
      ...(p.status?.phase ? { phase: p.status.phase } : {}),
      ready: p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    }))
    .sort(byKey);
  const slicesBySvc = new Map<string, EndpointSlice[]>();
  for (const s of input.slices) {
    const svc = s.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const k = `${s.metadata?.namespace ?? 'default'}/${svc}`;
    slicesBySvc.set(k, [...(slicesBySvc.get(k) ?? []), s]);
  }
  const services = input.services.map((s) => {
    const namespace = s.metadata?.namespace ?? 'default';
    const name = s.metadata?.name ?? '';
    const endpoints: Topology['services'][number]['endpoints'] = [];
    const seen = new Set<string>();
    for (const sl of slicesBySvc.get(`${namespace}/${name}`) ?? []) {
      for (const e of sl.endpoints ?? []) {
        for (const ip of e.addresses ?? []) {
          if (seen.has(ip)) continue;
          seen.add(ip);
          endpoints.push({ ip, ...(e.targetRef?.kind === 'Pod' && e.targetRef.name ? { pod: e.targetRef.name } : {}), ready: e.conditions?.ready !== false, ...(e.nodeName ? { node: e.nodeName } : {}) });
        }
      }
    }
    const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? '').filter(Boolean);
    return {
      namespace, name,
      type: s.spec?.type ?? 'ClusterIP',
      ...(s.spec?.clusterIP ? { clusterIP: s.spec.clusterIP } : {}),
      externalIPs: [...(s.spec?.externalIPs ?? []), ...lb],
      ports: (s.spec?.ports ?? []).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: p.port, protocol: p.protocol ?? 'TCP', ...(p.nodePort ? { nodePort: p.nodePort } : {}), ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) })),
      ...(s.spec?.selector ? { selector: s.spec.selector } : {}),
      endpoints,
    };
  }).sort(byKey);
  const ingresses = input.ingresses.map((i) => {
    const routes: Topology['ingresses'][number]['routes'] = [];
    const def = i.spec?.defaultBackend?.service;
    if (def) routes.push({ host: '*', path: '/', service: def.name, ...(def.port ? { port: def.port.name ?? def.port.number } : {}) } as Topology['ingresses'][number]['routes'][number]);
    for (const r of i.spec?.rules ?? []) {
      for (const p of r.http?.paths ?? []) {
        const b = p.backend.service;
        if (!b) continue;
        const port = b.port?.name ?? b.port?.number;
        routes.push({ host: r.host ?? '*', path: p.path ?? '/', service: b.name, ...(port !== undefined ? { port } : {}) });
      }
    }
    return { namespace: i.metadata?.namespace ?? 'default', name: i.metadata?.name ?? '', routes };
  }).sort(byKey);
  const policies = input.policies.map((p) => ({
    namespace: p.metadata?.namespace ?? 'default',
    name: p.metadata?.name ?? '',
    podSelector: p.spec?.podSelector?.matchLabels ?? {},
    policyTypes: p.spec?.policyTypes ?? (p.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress']),
    ingressRules: p.spec?.ingress?.length ?? 0,
    egressRules: p.spec?.egress?.length ?? 0,
  })).sort(byKey);
  const nsSet = new Set<string>(input.namespaces.map((n) => n.metadata?.name ?? ''));
  for (const x of [...pods, ...services]) nsSet.add(x.namespace);
  return { nodes, namespaces: [...nsSet].filter(Boolean).sort(), pods, services, ingresses, policies };
}
