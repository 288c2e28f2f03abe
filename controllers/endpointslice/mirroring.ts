// EndpointSlice mirroring: a Service without a selector whose Endpoints were written by hand
// gets EndpointSlices copied from them (managed-by endpointslicemirroring-controller.k8s.io,
// owned by the Endpoints), so slice readers (proxy, DNS) see hand-made backends too.
import type { EndpointSlice, Endpoints, Service, Endpoint } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { Index } from '../index.js';
import { WriteOverlay } from '../overlay.js';
import { newQueue, type Controller } from '../runner.js';
import { tryParseIP } from '../../api/ip.js';
import type { EndpointGroup } from './endpoints.js';
import { groupKey } from './endpoints.js';
import { MANAGED_BY_LABEL, planSlices, SERVICE_NAME_LABEL } from './plan.js';

export const NAME = 'endpointslicemirroring';
export const MIRROR_MANAGED_BY = 'endpointslicemirroring-controller.k8s.io';
const SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';

/** The endpoint groups hand-written Endpoints describe. Pure. */
export function mirrorGroups(ep: Endpoints): EndpointGroup[] {
  const groups = new Map<string, EndpointGroup>();
  for (const subset of ep.subsets ?? []) {
    const ports = (subset.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
    for (const [list, ready] of [[subset.addresses ?? [], true], [subset.notReadyAddresses ?? [], false]] as const) {
      for (const a of list) {
        const ip = tryParseIP(a.ip);
        if (!ip) continue;
        const addressType = ip.family === 6 ? 'IPv6' : 'IPv4';
        const key = groupKey(addressType, ports);
        let g = groups.get(key);
        if (!g) groups.set(key, (g = { addressType, ports, endpoints: [] }));
        const e: Endpoint = { addresses: [a.ip], conditions: { ready, serving: ready, terminating: false } };
        if (a.hostname) e.hostname = a.hostname;
        if (a.nodeName) e.nodeName = a.nodeName;
        if (a.targetRef) e.targetRef = a.targetRef;
        g.endpoints.push(e);
      }
    }
  }
  return [...groups.values()];
}

function mirroredKeys(s: EndpointSlice): string[] {
  const l = s.metadata?.labels ?? {};
  return l[MANAGED_BY_LABEL] === MIRROR_MANAGED_BY && l[SERVICE_NAME_LABEL] ? [`${s.metadata?.namespace}/${l[SERVICE_NAME_LABEL]}`] : [];
}

export function endpointSliceMirroringController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const services = ctx.source.informer<K<Service>>(R.services);
  const endpoints = ctx.source.informer<K<Endpoints>>(R.endpoints);
  const slices = ctx.source.informer<K<EndpointSlice>>(R.endpointslices);
  const slicesBySvc = new Index(slices, mirroredKeys);
  const overlay = new WriteOverlay(slices, ctx.clock);
  services.onChange((c) => queue.add(objectKey(c.object)));
  endpoints.onChange((c) => queue.add(objectKey(c.object)));
  slices.onChange((c) => mirroredKeys(c.object).forEach((k) => queue.add(k)));

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const svc = services.get(namespace, name);
    const ep = endpoints.get(namespace, name);
    const existing = overlay.list(namespace, slicesBySvc.get(key)).filter((s) => mirroredKeys(s)[0] === key);
    const selectorless = svc && (!svc.spec?.selector || Object.keys(svc.spec.selector).length === 0);
    let plan;
    if (!svc || !ep || !selectorless || ep.metadata?.labels?.[SKIP_MIRROR] === 'true') {
      plan = { create: [], update: [], delete: existing };
    } else {
      const owner = { apiVersion: 'v1', kind: 'Endpoints', name, uid: ep.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true };
      plan = planSlices(svc, mirrorGroups(ep), existing, ctx.config.maxEndpointsPerSlice, { managedBy: MIRROR_MANAGED_BY, owner });
    }
    for (const s of plan.create) overlay.wrote(await ctx.client.create(R.endpointslices, s as K<EndpointSlice>));
    for (const s of plan.update) overlay.wrote(await ctx.client.update(R.endpointslices, s as K<EndpointSlice>));
    for (const s of plan.delete) {
      await ctx.client.delete(R.endpointslices, namespace, s.metadata!.name!);
      overlay.removed(namespace, s.metadata!.name!);
    }
    const writes = plan.create.length + plan.update.length + plan.delete.length;
    if (writes) ctx.metrics.writes.inc({ controller: NAME, verb: 'sync' }, writes);
  };

  return { name: NAME, queue, reconcile, resync: () => endpoints.list().forEach((e) => queue.add(objectKey(e))) };
}
