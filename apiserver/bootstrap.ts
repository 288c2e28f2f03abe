// What exists before the first request: the default namespaces and the `kubernetes` Service (with
// the Endpoints/EndpointSlice that point pods at the apiserver), plus allocator state rebuilt from
// the stored Services and namespace deletions resumed after a restart.
import { resourceByPlural } from '../api/resources.js';
import type { KubeObject, Service } from '../api/types.js';
import type { Registry } from './registry.js';
import { ApiError } from './status.js';

export const DEFAULT_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
/** Where pods reach the apiserver: the underlay gateway, relayed by the daemon to the unix socket. */
export const APISERVER_ADVERTISE = { ip: '172.18.0.1', port: 6443 };

const NS = resourceByPlural('', 'namespaces')!;
const SVC = resourceByPlural('', 'services')!;
const EP = resourceByPlural('', 'endpoints')!;
const SLICE = resourceByPlural('discovery.k8s.io', 'endpointslices')!;

async function ensure(registry: Registry, info: typeof NS, namespace: string | undefined, obj: KubeObject): Promise<void> {
  try {
    await registry.create(info, namespace, obj);
  } catch (err) {
    if (!(err instanceof ApiError && err.reason === 'AlreadyExists')) throw err;
  }
}

export async function bootstrap(registry: Registry): Promise<void> {
  for (const info of [SVC]) {
    const { items } = await registry.list(info, undefined);
    for (const svc of items) registry.allocator.restore(svc as Service);
  }
  for (const name of DEFAULT_NAMESPACES) await ensure(registry, NS, undefined, { metadata: { name } });
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await ensure(registry, SVC, 'default', {
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: {
      type: 'ClusterIP',
      clusterIP: registry.allocator.firstIP(),
      ports: [{ name: 'https', protocol: 'TCP', port: 443, targetPort: APISERVER_ADVERTISE.port }],
      sessionAffinity: 'None',
    },
  });
  await ensure(registry, EP, 'default', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: APISERVER_ADVERTISE.ip }], ports: [{ name: 'https', port: APISERVER_ADVERTISE.port, protocol: 'TCP' }] }],
  });
  await ensure(registry, SLICE, 'default', {
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [APISERVER_ADVERTISE.ip], conditions: { ready: true } }],
    ports: [{ name: 'https', port: APISERVER_ADVERTISE.port, protocol: 'TCP' }],
  });
  const { items } = await registry.list(NS, undefined);
  for (const ns of items) {
    if (ns.metadata?.deletionTimestamp) void registry.finalizeNamespace(ns.metadata.name!);
  }
}
