import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { DaemonSet, EndpointSlice, Pod, StatefulSet } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }] });
});
after(async () => c?.close());

const podNames = (prefix: string) =>
  c
    .list<Pod>(R.pods, 'default')
    .map((p) => p.metadata!.name!)
    .filter((n) => n.startsWith(prefix))
    .sort();

test('StatefulSet web with headless Service web gives web-0..2 in order, with hostnames in the slice', async () => {
  await c.client.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { clusterIP: 'None', selector: { app: 'sts' }, ports: [{ port: 80 }] } });
  const order: string[] = [];
  const off = c.view.informer(R.pods).onChange((ch) => ch.type === 'ADDED' && order.push(ch.object.metadata!.name!));
  await c.client.create(R.statefulsets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default' },
    spec: { serviceName: 'web', replicas: 3, selector: { matchLabels: { app: 'sts' } }, template: { metadata: { labels: { app: 'sts' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  } as StatefulSet);
  const eps = await c.until('3 hostnames in slice', () => {
    const e = c.list<EndpointSlice>(R.endpointslices, 'default').filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'web').flatMap((s) => s.endpoints ?? []);
    return e.filter((x) => x.conditions?.ready).length === 3 && e;
  });
  off();
  assert.deepEqual(order.filter((n) => n.startsWith('web-')), ['web-0', 'web-1', 'web-2'], 'created one after another');
  assert.deepEqual(eps.map((e) => e.hostname).sort(), ['web-0', 'web-1', 'web-2']);
  const p0 = c.list<Pod>(R.pods, 'default').find((p) => p.metadata?.name === 'web-0')!;
  assert.equal(p0.spec?.hostname, 'web-0');
  assert.equal(p0.spec?.subdomain, 'web');
  const sts = await c.until('status ready', () => c.list<StatefulSet>(R.statefulsets, 'default').find((s) => s.status?.readyReplicas === 3));
  assert.equal(sts.status?.replicas, 3);
});

test('OrderedReady waits for each pod to be Ready before creating the next', async () => {
  c.kubelet.hold('default/db-0');
  await c.client.create(R.statefulsets, {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db', namespace: 'default' },
    spec: { serviceName: 'db', replicas: 2, selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  } as StatefulSet);
  await c.until('db-0 scheduled', () => c.list<Pod>(R.pods, 'default').find((p) => p.metadata?.name === 'db-0' && p.spec?.nodeName));
  await c.manager.idle();
  assert.deepEqual(podNames('db-'), ['db-0'], 'db-1 waits for db-0 to be Ready');
});

test('scaling down removes the highest ordinals first', async () => {
  await c.client.patch(R.statefulsets, 'default', 'web', { spec: { replicas: 1 } }, 'merge');
  await c.until('only web-0 left', () => podNames('web-').join() === 'web-0');
});

test('a DaemonSet runs one pod on each schedulable node, pinned by nodeName', async () => {
  await c.client.patch(R.nodes, undefined, 'n3', { spec: { unschedulable: true } }, 'merge');
  await c.client.create(R.daemonsets, {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'agent', namespace: 'default' },
    spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
  } as DaemonSet);
  const ds = await c.until('ds ready on 2 nodes', () => c.list<DaemonSet>(R.daemonsets, 'default').find((d) => d.status?.numberReady === 2));
  assert.equal(ds.status?.desiredNumberScheduled, 2);
  const nodes = c.list<Pod>(R.pods, 'default').filter((p) => p.metadata?.name?.startsWith('agent-')).map((p) => p.spec?.nodeName).sort();
  assert.deepEqual(nodes, ['n1', 'n2']);
});
