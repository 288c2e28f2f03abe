import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Deployment, EndpointSlice, Event, Pod, ReplicaSet } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ nodes: [{ name: 'n1', zone: 'a' }, { name: 'n2', zone: 'b' }, { name: 'n3', zone: 'c' }] });
});
after(async () => c?.close());

const deploy = (replicas: number, image = 'nginx'): Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image, ports: [{ containerPort: 8080 }] }] } },
  },
});

const slices = () => c.list<EndpointSlice>(R.endpointslices, 'default').filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === 'web');
const readyEps = () => slices().flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
const dep = () => c.list<Deployment>(R.deployments, 'default').find((d) => d.metadata?.name === 'web');

test('a Deployment of 3 behind a Service gives 3 pods on 3 nodes, owned through a hashed ReplicaSet, and 3 ready endpoints', async () => {
  await c.client.create(R.services, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default' }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } });
  await c.client.create(R.deployments, deploy(3));
  await c.until('3 ready endpoints', () => readyEps() === 3);
  const pods = c.list<Pod>(R.pods, 'default');
  assert.equal(new Set(pods.map((p) => p.spec?.nodeName)).size, 3);
  const [rs] = c.list<ReplicaSet>(R.replicasets, 'default');
  const hash = rs!.metadata?.labels?.['pod-template-hash'];
  assert.ok(hash && rs!.metadata?.name === `web-${hash}`);
  assert.ok(pods.every((p) => p.metadata?.ownerReferences?.[0]?.uid === rs!.metadata?.uid && p.metadata?.ownerReferences?.[0]?.controller === true));
  assert.ok(pods.every((p) => p.metadata?.labels?.['pod-template-hash'] === hash && p.metadata?.name?.startsWith(`${rs!.metadata?.name}-`)));
  const d = await c.until('deployment complete', () => {
    const d = dep();
    return d?.status?.conditions?.find((x) => x.type === 'Progressing')?.reason === 'NewReplicaSetAvailable' && d;
  });
  assert.equal(d.status?.observedGeneration, d.metadata?.generation);
  assert.deepEqual([d.status?.replicas, d.status?.updatedReplicas, d.status?.readyReplicas, d.status?.availableReplicas], [3, 3, 3, 3]);
  assert.equal(d.status?.conditions?.find((x) => x.type === 'Available')?.status, 'True');
});

test('scaling to 250 splits the endpoints into slices of at most 100', async () => {
  await c.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 250 } }, 'merge');
  await c.until('250 ready endpoints', () => readyEps() === 250, 60_000);
  const sizes = slices().map((s) => s.endpoints?.length ?? 0);
  assert.ok(sizes.every((n) => n <= 100), `slice sizes ${sizes}`);
  assert.equal(sizes.length, 3);
  await c.client.patch(R.deployments, 'default', 'web', { spec: { replicas: 3 } }, 'merge');
  await c.until('back to 3 pods', () => c.list<Pod>(R.pods, 'default').length === 3 && readyEps() === 3, 60_000);
});

test('a template change rolls to a new ReplicaSet and scales the old one to zero', async () => {
  const before = c.list<ReplicaSet>(R.replicasets, 'default')[0]!.metadata!.name!;
  await c.client.patch(R.deployments, 'default', 'web', { spec: { template: { spec: { containers: [{ name: 'c', image: 'nginx:2', ports: [{ containerPort: 8080 }] }] } } } }, 'merge');
  const d = await c.until('rolled', () => {
    const d = dep();
    return d && d.status?.observedGeneration === d.metadata?.generation && d.status?.updatedReplicas === 3 && d.status.replicas === 3 && d.status.availableReplicas === 3 && d.status.conditions?.some((x) => x.reason === 'NewReplicaSetAvailable') && d;
  }, 60_000);
  const sets = c.list<ReplicaSet>(R.replicasets, 'default');
  assert.equal(sets.length, 2);
  assert.equal(sets.find((s) => s.metadata?.name === before)?.spec?.replicas, 0);
  assert.ok(c.list<Pod>(R.pods, 'default').every((p) => p.spec?.containers[0]?.image === 'nginx:2'));
  assert.ok(d);
  const events = c.list<Event>(R.events, 'default').filter((e) => e.reason === 'ScalingReplicaSet');
  assert.ok(events.some((e) => e.message === `Scaled down replica set ${before} from 3 to 0` || /Scaled down replica set/.test(e.message ?? '')));
});

test('revisionHistoryLimit 0 removes old ReplicaSets once they are empty', async () => {
  await c.client.patch(R.deployments, 'default', 'web', { spec: { revisionHistoryLimit: 0, template: { spec: { containers: [{ name: 'c', image: 'nginx:3', ports: [{ containerPort: 8080 }] }] } } } }, 'merge');
  const sets = await c.until('one ReplicaSet left', () => {
    const s = c.list<ReplicaSet>(R.replicasets, 'default');
    return s.length === 1 && s;
  }, 60_000);
  assert.equal(sets[0]!.spec?.template?.spec?.containers[0]?.image, 'nginx:3');
});
