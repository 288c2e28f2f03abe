// The Endpoints controller: keeps the legacy Endpoints of every Service with a selector in step
// with its Pods (for clients that still read Endpoints, like kubectl ≤1.30 describe).
import type { Endpoints, Node, Pod, Service } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { isNotFound } from '../../client/rest.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { desiredEndpoints } from '../endpointslice/endpoints.js';
import { ServicePodIndex } from '../selectorindex.js';
import { newQueue, type Controller } from '../runner.js';
import { OVER_CAPACITY, planEndpoints, sameEndpoints } from './plan.js';

export const NAME = 'endpoints';

export function endpointsController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const services = ctx.source.informer<K<Service>>(R.services);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const nodes = ctx.source.informer<K<Node>>(R.nodes);
  const endpoints = ctx.source.informer<K<Endpoints>>(R.endpoints);
  const selIndex = new ServicePodIndex(services, pods);
  services.onChange((c) => queue.add(objectKey(c.object)));
  endpoints.onChange((c) => services.get(c.object.metadata?.namespace, c.object.metadata!.name!)?.spec?.selector && queue.add(objectKey(c.object)));
  pods.onChange((c) => {
    for (const k of selIndex.servicesFor(c.object, c.old)) queue.addAfter(k, ctx.config.endpointUpdatesBatchPeriodMs);
  });

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const svc = services.get(namespace, name);
    if (!svc || !selIndex.selector(svc)) {
      // Like upstream, a Service's Endpoints go with it (keys of missing Services come from its deletion).
      if (!svc && endpoints.get(namespace, name)) await ctx.client.delete(R.endpoints, namespace, name);
      return;
    }
    const groups = desiredEndpoints({ service: svc, pods: selIndex.podsFor(svc), nodes: (n) => nodes.get(undefined, n) });
    const want = planEndpoints(svc, groups);
    const live = endpoints.get(namespace, name);
    if (live && sameEndpoints(live, want)) return;
    if (!live) {
      try {
        await ctx.client.create(R.endpoints, want as K<Endpoints>);
        ctx.metrics.writes.inc({ controller: NAME, verb: 'create' });
        return;
      } catch (err) {
        if (!(err instanceof Error && /already exists/.test(err.message))) throw err;
      }
    }
    const cur = live ?? (await ctx.client.get<K<Endpoints>>(R.endpoints, namespace, name));
    const annotations = { ...cur?.metadata?.annotations };
    delete annotations[OVER_CAPACITY];
    Object.assign(annotations, want.metadata?.annotations);
    try {
      await ctx.client.update(R.endpoints, { ...want, metadata: { ...cur?.metadata, labels: want.metadata?.labels, annotations } } as K<Endpoints>);
      ctx.metrics.writes.inc({ controller: NAME, verb: 'update' });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      queue.add(key);
    }
  };

  return { name: NAME, queue, reconcile, resync: () => services.list().forEach((s) => queue.add(objectKey(s))) };
}
