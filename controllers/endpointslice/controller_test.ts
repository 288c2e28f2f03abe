import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { EndpointSlice, Endpoints, Pod } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ nodes: [{ name: 'n1', zone: 'a' }, { name: 'n2', zone: 'b' }, { name: 'n3', zone: 'c' }] });
});
after(async () => c?.close());

const slicesOf = (svc: string, ns = 'default') => c.list<EndpointSlice>(R.endpointslices, ns).filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === svc);
const eps = (svc: string) => slicesOf(svc).flatMap((s) => s.endpoints ?? []);

function pod(name: string, labels: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] } };
}

test('bare pods behind a Service are scheduled, get IPs, and appear ready in one slice', async () => {
  await c.client.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } });
  for (const i of [1, 2, 3]) await c.client.create(R.pods, pod(`web-${i}`, { app: 'web' }));
  await c.until('3 ready endpoints', () => eps('web').filter((e) => e.conditions?.ready).length === 3);
  const nodes = new Set(c.list<Pod>(R.pods, 'default').map((p) => p.spec?.nodeName));
  assert.equal(nodes.size, 3, 'spread over 3 nodes');
  const [slice] = slicesOf('web');
  assert.deepEqual(slice!.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
  assert.equal(slicesOf('web').length, 1);
  assert.ok(eps('web').every((e) => /^10\.244\.\d+\.\d+$/.test(e.addresses[0]!) && e.zone));
});

test('a pod turning unready flips ready, and a deleted pod is terminating until gone', async () => {
  c.kubelet.setReady('default/web-1', false);
  await c.until('web-1 unready', () => eps('web').find((e) => e.targetRef?.name === 'web-1' && e.conditions?.ready === false));
  c.kubelet.setReady('default/web-1', true);
  c.kubelet.hold('default/web-2');
  await c.until('web-1 ready', () => eps('web').find((e) => e.targetRef?.name === 'web-1' && e.conditions?.ready === true));
  await c.client.delete(R.pods, 'default', 'web-2');
  const term = await c.until('web-2 terminating', () => eps('web').find((e) => e.targetRef?.name === 'web-2' && e.conditions?.terminating));
  assert.deepEqual(term.conditions, { ready: false, serving: true, terminating: true });
  await c.client.delete(R.pods, 'default', 'web-2', { gracePeriodSeconds: 0 });
  await c.until('web-2 gone', () => !eps('web').some((e) => e.targetRef?.name === 'web-2'));
});

test('a selectorless Service with a user-made slice is left alone', async () => {
  await c.client.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  await c.client.create(R.endpointslices, {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'ext-1', namespace: 'default', labels: { 'kubernetes.io/service-name': 'ext', 'endpointslice.kubernetes.io/managed-by': 'me' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['192.0.2.10'] }],
  } as EndpointSlice);
  await c.manager.idle();
  assert.deepEqual(slicesOf('ext').map((s) => s.metadata?.name), ['ext-1']);
});

test('the legacy Endpoints of a selector Service list its ready pods', async () => {
  const e = await c.until('Endpoints web', () => c.list<Endpoints>(R.endpoints, 'default').find((x) => x.metadata?.name === 'web' && (x.subsets?.[0]?.addresses?.length ?? 0) === 2));
  assert.deepEqual(e.subsets?.[0]?.ports, [{ name: '', port: 8080, protocol: 'TCP' }]);
});

test('hand-written Endpoints of a selectorless Service are mirrored into a slice', async () => {
  await c.client.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'default' }, spec: { ports: [{ port: 5432 }] } });
  await c.client.create(R.endpoints, { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'db', namespace: 'default' }, subsets: [{ addresses: [{ ip: '192.0.2.20' }], ports: [{ port: 5432 }] }] } as Endpoints);
  const s = await c.until('mirrored slice', () => slicesOf('db').find((x) => x.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'] === 'endpointslicemirroring-controller.k8s.io'));
  assert.deepEqual(s.endpoints.map((e) => e.addresses[0]), ['192.0.2.20']);
  assert.equal(s.metadata?.ownerReferences?.[0]?.kind, 'Endpoints');
});

test('the manager exposes workqueue and reconcile metrics per controller', async () => {
  const text = await c.manager.metrics();
  assert.match(text, /^workqueue_adds_total\{name="endpointslice"\} [1-9]/m);
  assert.match(text, /^workqueue_depth\{name="scheduler"\} \d+/m);
  assert.match(text, /^controller_reconcile_duration_seconds_count\{controller="endpointslice"\} [1-9]/m);
  assert.match(text, /^controller_api_writes_total\{controller="endpointslice",verb="create"\} [1-9]/m);
});
