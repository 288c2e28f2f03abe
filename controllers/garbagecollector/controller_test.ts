import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Namespace, Pod, ReplicaSet } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ nodes: [{ name: 'n1' }, { name: 'n2' }] });
});
after(async () => c?.close());

const rs = (name: string, ns: string, replicas = 2): ReplicaSet => ({
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  metadata: { name, namespace: ns },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
});
const podsOf = (ns: string, app: string) => c.list<Pod>(R.pods, ns).filter((p) => p.metadata?.labels?.app === app);

test('deleting a ReplicaSet in the background deletes its pods', async () => {
  await c.client.create(R.replicasets, rs('bg', 'default'));
  await c.until('2 pods', () => podsOf('default', 'bg').length === 2);
  await c.client.delete(R.replicasets, 'default', 'bg', { propagationPolicy: 'Background' });
  await c.until('pods gone', () => podsOf('default', 'bg').length === 0);
});

test('orphan deletion removes the ReplicaSet and leaves its pods without an owner', async () => {
  await c.client.create(R.replicasets, rs('orph', 'default'));
  await c.until('2 pods', () => podsOf('default', 'orph').filter((p) => p.status?.phase === 'Running').length === 2);
  await c.client.delete(R.replicasets, 'default', 'orph', { propagationPolicy: 'Orphan' });
  await c.until('rs gone', () => !c.list<ReplicaSet>(R.replicasets, 'default').some((r) => r.metadata?.name === 'orph'));
  await c.manager.idle();
  const pods = podsOf('default', 'orph');
  assert.equal(pods.length, 2);
  assert.ok(pods.every((p) => (p.metadata?.ownerReferences ?? []).length === 0));
});

test('foreground deletion deletes the pods before the ReplicaSet', async () => {
  await c.client.create(R.replicasets, rs('fg', 'default'));
  await c.until('2 pods', () => podsOf('default', 'fg').length === 2);
  let rsGoneWhilePods = false;
  const off = c.view.informer(R.replicasets).onChange((ch) => {
    if (ch.type === 'DELETED' && ch.object.metadata?.name === 'fg' && podsOf('default', 'fg').length > 0) rsGoneWhilePods = true;
  });
  await c.client.delete(R.replicasets, 'default', 'fg', { propagationPolicy: 'Foreground' });
  await c.until('rs gone', () => !c.list<ReplicaSet>(R.replicasets, 'default').some((r) => r.metadata?.name === 'fg'));
  off();
  assert.equal(rsGoneWhilePods, false);
  assert.equal(podsOf('default', 'fg').length, 0);
});

test('deleting a namespace removes everything in it, then the namespace', async () => {
  await c.client.create(R.namespaces, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
  await c.client.create(R.replicasets, rs('app', 'team', 3));
  await c.client.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'app', namespace: 'team' }, spec: { selector: { app: 'app' }, ports: [{ port: 80 }] } });
  await c.until('3 pods', () => podsOf('team', 'app').filter((p) => p.status?.phase === 'Running').length === 3);
  await c.client.delete(R.namespaces, undefined, 'team');
  await c.until('namespace gone', () => !c.list<Namespace>(R.namespaces).some((n) => n.metadata?.name === 'team'), 30_000);
  assert.equal(c.list(R.pods, 'team').length, 0);
  assert.equal(c.list(R.services, 'team').length, 0);
  assert.equal(c.list(R.endpointslices, 'team').length, 0);
});
