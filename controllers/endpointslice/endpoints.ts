// From a Service and its Pods to the endpoints it should have, grouped by address family and
// resolved port list (a named targetPort can mean a different number on each Pod, and each
// distinct port list needs slices of its own). Pure.
import { tryParseIP } from '../../api/ip.js';
import type { Container, Endpoint, Node, Pod, Service } from '../../api/types.js';
import type { discovery } from '../../api/types.js';
import { isPodReady, isTerminating, podIPs, ZONE_LABEL } from '../podutil.js';

export type AddressType = 'IPv4' | 'IPv6';

export interface EndpointGroup {
  addressType: AddressType;
  ports: discovery.EndpointPort[];
  endpoints: Endpoint[];
}

/** The key that decides which slices a group may live in. */
export function groupKey(addressType: string, ports: readonly discovery.EndpointPort[] | undefined): string {
  const p = [...(ports ?? [])].map((x) => `${x.name ?? ''}/${x.protocol ?? 'TCP'}/${x.port ?? ''}/${x.appProtocol ?? ''}`).sort();
  return `${addressType}|${p.join(',')}`;
}

function containerPortNamed(containers: readonly Container[], name: string, protocol: string): number | undefined {
  for (const c of containers) for (const p of c.ports ?? []) if (p.name === name && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  return undefined;
}

/** The ports this Service exposes on this Pod; a named targetPort the Pod lacks drops that port. */
export function resolvePorts(svc: Service, pod: Pod): discovery.EndpointPort[] {
  const out: discovery.EndpointPort[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const protocol = sp.protocol ?? 'TCP';
    const tp = sp.targetPort ?? sp.port;
    let port: number | undefined;
    if (typeof tp === 'number') port = tp;
    else if (/^\d+$/.test(tp)) port = Number(tp);
    else port = containerPortNamed(pod.spec?.containers ?? [], tp, protocol);
    if (port === undefined) continue;
    const ep: discovery.EndpointPort = { name: sp.name ?? '', port, protocol };
    if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
    out.push(ep);
  }
  return out;
}

export function serviceFamilies(svc: Service): AddressType[] {
  const fams = svc.spec?.ipFamilies;
  if (fams && fams.length) return fams.filter((f): f is AddressType => f === 'IPv4' || f === 'IPv6');
  const ip = svc.spec?.clusterIP;
  const parsed = ip && ip !== 'None' ? tryParseIP(ip) : undefined;
  if (parsed) return [parsed.family === 6 ? 'IPv6' : 'IPv4'];
  return ['IPv4'];
}

/** Whether topology hints should be published for this Service. */
export function wantsHints(svc: Service): boolean {
  const ann = svc.metadata?.annotations ?? {};
  const mode = ann['service.kubernetes.io/topology-mode'] ?? ann['service.kubernetes.io/topology-aware-hints'];
  return (svc.spec as { trafficDistribution?: string } | undefined)?.trafficDistribution === 'PreferClose' || mode === 'Auto' || mode === 'auto';
}

export interface EndpointInputs {
  service: Service;
  /** Pods in the Service's namespace matching its selector. */
  pods: readonly Pod[];
  nodes: (name: string) => Node | undefined;
}

export function desiredEndpoints({ service: svc, pods, nodes }: EndpointInputs): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  const families = serviceFamilies(svc);
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  const hints = wantsHints(svc);
  let allZoned = true;
  for (const pod of pods) {
    const phase = pod.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ips = podIPs(pod);
    if (ips.length === 0) continue;
    const ports = resolvePorts(svc, pod);
    const terminating = isTerminating(pod);
    const podReady = isPodReady(pod);
    const ready = publishNotReady || (podReady && !terminating);
    const serving = publishNotReady || podReady;
    const nodeName = pod.spec?.nodeName;
    const zone = nodeName ? nodes(nodeName)?.metadata?.labels?.[ZONE_LABEL] : undefined;
    if (!zone) allZoned = false;
    for (const family of families) {
      const ip = ips.find((a) => tryParseIP(a)?.family === (family === 'IPv6' ? 6 : 4));
      if (!ip) continue;
      const ep: Endpoint = {
        addresses: [ip],
        conditions: { ready, serving, terminating },
        targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
      };
      if (nodeName) ep.nodeName = nodeName;
      if (zone) ep.zone = zone;
      if (pod.spec?.hostname && pod.spec.subdomain === svc.metadata?.name) ep.hostname = pod.spec.hostname;
      const key = groupKey(family, ports);
      let g = groups.get(key);
      if (!g) groups.set(key, (g = { addressType: family, ports, endpoints: [] }));
      g.endpoints.push(ep);
    }
  }
  // Hints only make sense when every endpoint's zone is known; otherwise a zone could be starved.
  if (hints && allZoned) for (const g of groups.values()) for (const ep of g.endpoints) ep.hints = { forZones: [{ name: ep.zone! }] };
  return [...groups.values()];
}
