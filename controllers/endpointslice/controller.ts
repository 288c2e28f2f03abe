// The EndpointSlice controller: keeps, for every Service with a selector, slices listing the
// ready/serving/terminating Pods behind it. Level-triggered on Service keys; Pod, Node and slice
// changes map to the Services they concern.
import type { EndpointSlice, Node, Pod, Service } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { Index } from '../index.js';
import { ServicePodIndex } from '../selectorindex.js';
import { WriteOverlay } from '../overlay.js';
import { newQueue, type Controller } from '../runner.js';
import { desiredEndpoints } from './endpoints.js';
import { MANAGED_BY, MANAGED_BY_LABEL, planSlices, SERVICE_NAME_LABEL } from './plan.js';

export const NAME = 'endpointslice';

function ownedSliceKeys(s: EndpointSlice): string[] {
  const l = s.metadata?.labels ?? {};
  return l[MANAGED_BY_LABEL] === MANAGED_BY && l[SERVICE_NAME_LABEL] ? [`${s.metadata?.namespace}/${l[SERVICE_NAME_LABEL]}`] : [];
}

export function endpointSliceController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const services = ctx.source.informer<K<Service>>(R.services);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const nodes = ctx.source.informer<K<Node>>(R.nodes);
  const slices = ctx.source.informer<K<EndpointSlice>>(R.endpointslices);
  const selIndex = new ServicePodIndex(services, pods);
  const slicesBySvc = new Index(slices, ownedSliceKeys);
  const overlay = new WriteOverlay(slices, ctx.clock);
  services.onChange((c) => queue.add(objectKey(c.object)));
  pods.onChange((c) => {
    for (const k of selIndex.servicesFor(c.object, c.old)) queue.addAfter(k, ctx.config.endpointUpdatesBatchPeriodMs);
  });
  slices.onChange((c) => {
    for (const k of ownedSliceKeys(c.object)) queue.add(k);
  });
  nodes.onChange((c) => {
    // Only a zone change alters endpoints (their zone field and hints).
    if (c.type === 'MODIFIED' && c.old?.metadata?.labels?.['topology.kubernetes.io/zone'] === c.object.metadata?.labels?.['topology.kubernetes.io/zone']) return;
    for (const svc of services.list()) queue.add(objectKey(svc));
  });

  const write = async (ns: string, plan: ReturnType<typeof planSlices>) => {
    for (const s of plan.create) {
      const created = await ctx.client.create(R.endpointslices, s as K<EndpointSlice>);
      ctx.metrics.writes.inc({ controller: NAME, verb: 'create' });
      overlay.wrote(created);
    }
    for (const s of plan.update) {
      const updated = await ctx.client.update(R.endpointslices, s as K<EndpointSlice>);
      ctx.metrics.writes.inc({ controller: NAME, verb: 'update' });
      overlay.wrote(updated);
    }
    for (const s of plan.delete) {
      await ctx.client.delete(R.endpointslices, ns, s.metadata!.name!, { preconditions: { uid: s.metadata?.uid } });
      ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
      overlay.removed(ns, s.metadata!.name!);
    }
  };

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const svc = services.get(namespace, name);
    const existing = overlay.list(namespace, slicesBySvc.get(key)).filter((s) => ownedSliceKeys(s)[0] === key);
    const sel = svc ? selIndex.selector(svc) : undefined;
    if (!svc || svc.metadata?.deletionTimestamp || !sel || svc.spec?.type === 'ExternalName') {
      // Slices of a Service without a selector belong to whoever writes them (mirroring, a user).
      if (existing.length) await write(namespace, { create: [], update: [], delete: existing });
      return;
    }
    const selected = selIndex.podsFor(svc);
    const desired = desiredEndpoints({ service: svc, pods: selected, nodes: (n) => nodes.get(undefined, n) });
    const plan = planSlices(svc, desired, existing, ctx.config.maxEndpointsPerSlice);
    await write(namespace, plan);
  };

  return {
    name: NAME,
    queue,
    reconcile,
    resync: () => {
      for (const s of services.list()) queue.add(objectKey(s));
      for (const s of slices.list()) for (const k of ownedSliceKeys(s)) queue.add(k);
    },
  };
}
