import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { ApiError, KubeClient } from './rest.js';
import { R } from './source.js';
import { startFakeServer, type FakeServer } from './testing/fakeserver.js';

let server: FakeServer;
let client: KubeClient;
before(async () => {
  server = await startFakeServer();
  client = new KubeClient({ server: server.url, token: 't0k' });
});
after(async () => {
  client.close();
  await server.close();
});

test('paths name core and grouped resources, namespaced and cluster-scoped', () => {
  assert.equal(client.path(R.pods, 'default', 'web', 'binding'), '/api/v1/namespaces/default/pods/web/binding');
  assert.equal(client.path(R.deployments, 'ns1'), '/apis/apps/v1/namespaces/ns1/deployments');
  assert.equal(client.path(R.nodes, 'ignored', 'n1'), '/api/v1/nodes/n1');
  assert.equal(client.path(R.endpointslices, undefined), '/apis/discovery.k8s.io/v1/endpointslices');
});

test('create, get, list, merge patch and delete round-trip through the server', async () => {
  const created = await client.create<KubeObject>(R.configmaps, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', namespace: 'default' }, data: { x: '1' } });
  assert.ok(created.metadata?.resourceVersion);
  const got = await client.get<{ data: Record<string, string> }>(R.configmaps, 'default', 'a');
  assert.deepEqual(got?.data, { x: '1' });
  const patched = await client.patch<{ data: Record<string, string> }>(R.configmaps, 'default', 'a', { data: { y: '2' } }, 'merge');
  assert.deepEqual(patched.data, { x: '1', y: '2' });
  const last = server.requests.at(-1)!;
  assert.equal(last.headers['content-type'], 'application/merge-patch+json');
  assert.equal(last.headers.authorization, 'Bearer t0k');
  const list = await client.list(R.configmaps, 'default');
  assert.deepEqual(list.items.map((i) => i.metadata?.name), ['a']);
  assert.ok(Number(list.resourceVersion) > 0);
  await client.delete(R.configmaps, 'default', 'a', { propagationPolicy: 'Foreground' });
  assert.deepEqual(JSON.parse(server.requests.at(-1)!.body), { kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Foreground' });
  assert.equal(await client.get(R.configmaps, 'default', 'a'), undefined);
});

test('deleting an object that is already gone resolves', async () => {
  await client.delete(R.configmaps, 'default', 'never-existed');
});

test('a server Status becomes an ApiError with its HTTP code and reason', async () => {
  await client.create(R.configmaps, { metadata: { name: 'dup', namespace: 'default' } });
  await assert.rejects(
    client.create(R.configmaps, { metadata: { name: 'dup', namespace: 'default' } }),
    (err: unknown) => err instanceof ApiError && err.status === 409 && err.reason === 'AlreadyExists' && /already exists/.test(err.message),
  );
});

test('an update with a stale resourceVersion is a Conflict', async () => {
  const a = await client.create(R.configmaps, { metadata: { name: 'c', namespace: 'default' } });
  await client.update(R.configmaps, a);
  await assert.rejects(client.update(R.configmaps, a), (err: unknown) => err instanceof ApiError && err.status === 409);
});

test('an apply patch without a fieldManager is refused before sending', () => {
  assert.throws(() => client.patch(R.configmaps, 'default', 'x', {}, 'apply'), TypeError);
});

test('watch delivers events in order and done resolves when the server ends the stream', async () => {
  const { resourceVersion } = await client.list(R.secrets, 'w');
  const seen: string[] = [];
  let resolveTwo!: () => void;
  const two = new Promise<void>((r) => (resolveTwo = r));
  const w = client.watch(R.secrets, 'w', resourceVersion, (ev) => {
    seen.push(`${ev.type} ${ev.object.metadata?.name}`);
    if (seen.length === 2) resolveTwo();
  });
  // The watch request must be registered before objects change.
  while (!server.requests.some((r) => r.url.includes('watch=true') && r.url.includes('/namespaces/w/secrets'))) await new Promise((r) => setImmediate(r));
  server.put('/api/v1/namespaces/w/secrets', { metadata: { name: 's1', namespace: 'w' } });
  server.del('/api/v1/namespaces/w/secrets', 's1');
  await two;
  assert.deepEqual(seen, ['ADDED s1', 'DELETED s1']);
  server.endWatches();
  await w.done;
});

test('an ERROR event with code 410 rejects done with a 410 ApiError', async () => {
  server.expireNextWatch();
  const w = client.watch(R.secrets, 'x', '1', () => {});
  await assert.rejects(w.done, (err: unknown) => err instanceof ApiError && err.status === 410);
});

test('an unreachable server is a KUBE_UNREACHABLE error naming the server', async () => {
  const c = new KubeClient({ server: 'http://127.0.0.1:1' });
  await assert.rejects(c.get(R.pods, 'default', 'x'), (err: unknown) => (err as { code?: string }).code === 'KUBE_UNREACHABLE' && /127\.0\.0\.1:1/.test((err as Error).message));
  c.close();
});
