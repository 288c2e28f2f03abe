// The legacy Endpoints object of a Service, computed from the same endpoint groups as its
// slices: one subset per distinct port list, ready addresses and notReadyAddresses, at most
// 1000 addresses (then annotated as truncated, as upstream does). Terminating pods are left out
// unless the Service publishes not-ready addresses. Pure.
import type { Endpoints, Service, core } from '../../api/types.js';
import type { EndpointGroup } from '../endpointslice/endpoints.js';

export const MAX_ADDRESSES = 1000;
export const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

export function planEndpoints(svc: Service, groups: readonly EndpointGroup[]): Endpoints {
  const publishNotReady = !!svc.spec?.publishNotReadyAddresses;
  const subsets: core.EndpointSubset[] = [];
  let budget = MAX_ADDRESSES;
  let truncated = false;
  for (const g of groups) {
    const addresses: core.EndpointAddress[] = [];
    const notReady: core.EndpointAddress[] = [];
    for (const ep of g.endpoints) {
      if (ep.conditions?.terminating && !publishNotReady) continue;
      if (budget === 0) {
        truncated = true;
        break;
      }
      budget--;
      const a: core.EndpointAddress = { ip: ep.addresses[0]! };
      if (ep.hostname) a.hostname = ep.hostname;
      if (ep.nodeName) a.nodeName = ep.nodeName;
      if (ep.targetRef) a.targetRef = ep.targetRef;
      (ep.conditions?.ready ? addresses : notReady).push(a);
    }
    if (addresses.length + notReady.length === 0) continue;
    const byIP = (x: core.EndpointAddress, y: core.EndpointAddress) => (x.ip < y.ip ? -1 : x.ip > y.ip ? 1 : 0);
    const subset: core.EndpointSubset = { ports: g.ports.map((p) => ({ name: p.name, port: p.port!, protocol: p.protocol, ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) })) };
    if (addresses.length) subset.addresses = addresses.sort(byIP);
    if (notReady.length) subset.notReadyAddresses = notReady.sort(byIP);
    subsets.push(subset);
  }
  const labels: Record<string, string> = { ...svc.metadata?.labels };
  if (svc.spec?.clusterIP === 'None') labels['service.kubernetes.io/headless'] = '';
  return {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: svc.metadata!.name!, namespace: svc.metadata!.namespace, labels, ...(truncated ? { annotations: { [OVER_CAPACITY]: 'truncated' } } : {}) },
    subsets,
  };
}

/** Whether the live object already says what the plan says. */
export function sameEndpoints(live: Endpoints, want: Endpoints): boolean {
  return (
    JSON.stringify(live.subsets ?? []) === JSON.stringify(want.subsets) &&
    JSON.stringify(live.metadata?.labels ?? {}) === JSON.stringify(want.metadata?.labels ?? {}) &&
    (live.metadata?.annotations?.[OVER_CAPACITY] ?? '') === (want.metadata?.annotations?.[OVER_CAPACITY] ?? '')
  );
}
