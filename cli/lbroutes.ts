// Keeps the underlay's LoadBalancer routes in step with Services and EndpointSlices.
import type { EndpointSlice, KubeObject, Service } from '../api/types.js';
import { R, type ObjectSource } from '../client/source.js';
import { applyLoadBalancerRoutes, planLoadBalancerRoutes } from '../proxy/lbroutes.js';
import { coalesced } from './coalesce.js';
import type { Stoppable } from './daemon.js';
import { errorMessage } from '../api/errors.js';

export function startLoadBalancerRoutes(source: ObjectSource, underlayNetns: string, nodes: readonly { name: string; ip: string }[]): Stoppable {
  const services = source.informer<Service & KubeObject>(R.services);
  const slices = source.informer<EndpointSlice & KubeObject>(R.endpointslices);
  const runner = coalesced(
    () => applyLoadBalancerRoutes(underlayNetns, planLoadBalancerRoutes(services.list(), slices.list(), nodes)),
    (err) => process.stdout.write(`load balancer routes: ${errorMessage(err)}\n`),
  );
  const offs = [services.onChange(() => runner.kick()), slices.onChange(() => runner.kick())];
  runner.kick();
  return { name: 'load balancer routes', stop: () => offs.forEach((off) => off()) };
}
