// Resolves "Service + port (number or name)" to the endpoints traffic goes to: the Service port
// is found by number or name, and its name picks the matching port in each EndpointSlice
// (slices name their ports after the Service port). Ready endpoints are used; when none is ready,
// serving-and-not-terminating ones are (the fallback kube-proxy also uses).
import type { EndpointSlice, Service } from '../api/types.js';

export interface Endpoint {
  readonly ip: string;
  readonly port: number;
  /** "ip:port", IPv6 bracketed; the identity used for pools and sticky cookies. */
  readonly key: string;
}

export interface ServiceRef {
  readonly namespace: string;
  readonly name: string;
  readonly port: { readonly number?: number; readonly name?: string };
}

export interface ResolvedBackend {
  readonly namespace: string;
  readonly service: string;
  readonly endpoints: readonly Endpoint[];
  /** Why there are no endpoints, for the 503 page and events. */
  readonly problem?: string;
}

export interface ServiceIndex {
  readonly services: ReadonlyMap<string, Service>;
  readonly slices: ReadonlyMap<string, readonly EndpointSlice[]>;
}

export function indexServices(services: readonly Service[], slices: readonly EndpointSlice[]): ServiceIndex {
  const s = new Map<string, Service>();
  for (const svc of services) s.set(`${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name}`, svc);
  const sl = new Map<string, EndpointSlice[]>();
  for (const slice of slices) {
    const owner = slice.metadata?.labels?.['kubernetes.io/service-name'];
    if (!owner) continue;
    const key = `${slice.metadata?.namespace ?? 'default'}/${owner}`;
    let list = sl.get(key);
    if (!list) sl.set(key, (list = []));
    list.push(slice);
  }
  return { services: s, slices: sl };
}

function endpointKey(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

export function resolveBackend(index: ServiceIndex, ref: ServiceRef): ResolvedBackend {
  const base = { namespace: ref.namespace, service: ref.name };
  const key = `${ref.namespace}/${ref.name}`;
  const svc = index.services.get(key);
  if (!svc) return { ...base, endpoints: [], problem: `service "${key}" not found` };
  const sp = (svc.spec?.ports ?? []).find((p) => (ref.port.number !== undefined ? p.port === ref.port.number : p.name === ref.port.name));
  const portText = ref.port.number ?? ref.port.name;
  if (!sp) return { ...base, endpoints: [], problem: `service "${key}" has no port "${portText}"` };
  const portName = sp.name ?? '';
  const ready: Endpoint[] = [];
  const serving: Endpoint[] = [];
  const seen = new Set<string>();
  for (const slice of index.slices.get(key) ?? []) {
    const epPort = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && (p.protocol ?? 'TCP') === 'TCP');
    if (!epPort?.port) continue;
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions ?? {};
      const isReady = c.ready !== false;
      const isServing = (c.serving ?? isReady) && c.terminating !== true;
      if (!isReady && !isServing) continue;
      for (const ip of ep.addresses.slice(0, 1)) {
        const k = endpointKey(ip, epPort.port);
        if (seen.has(k + isReady)) continue;
        seen.add(k + isReady);
        (isReady ? ready : serving).push({ ip, port: epPort.port, key: k });
      }
    }
  }
  const endpoints = ready.length > 0 ? ready : serving;
  if (endpoints.length === 0) return { ...base, endpoints, problem: `service "${key}" port "${portText}" has no ready endpoints` };
  return { ...base, endpoints };
}
