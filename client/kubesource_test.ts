import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { kubeSource } from './kubesource.js';
import { KubeClient } from './rest.js';
import { R, type Change } from './source.js';
import { startFakeServer, type FakeServer } from './testing/fakeserver.js';

let server: FakeServer;
let client: KubeClient;
before(async () => {
  server = await startFakeServer({ unserved: ['httproutes'] });
  client = new KubeClient({ server: server.url });
});
after(async () => {
  client.close();
  await server.close();
});

const SVC = '/api/v1/namespaces/default/services';

function nextChange(changes: Change[], n: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => (changes.length >= n ? resolve() : setImmediate(check));
    check();
  });
}

test('start resolves after the first list, and watch events update the cache', async () => {
  server.put(SVC, { metadata: { name: 'a', namespace: 'default' } });
  const source = kubeSource(client);
  const inf = source.informer<KubeObject>(R.services);
  const changes: Change[] = [];
  inf.onChange((c) => changes.push(c));
  try {
    await source.start();
    assert.deepEqual(inf.list().map((o) => o.metadata?.name), ['a']);
    assert.equal(changes[0]?.type, 'ADDED');
    await waitForWatch(server, 'services');
    server.put(SVC, { metadata: { name: 'b', namespace: 'default' } });
    await nextChange(changes, 2);
    assert.ok(inf.get('default', 'b'));
  } finally {
    source.stop();
  }
});

test('after a 410 the informer relists and emits what it missed as ordinary events', async () => {
  server.put('/api/v1/namespaces/default/configmaps', { metadata: { name: 'keep', namespace: 'default' } });
  server.put('/api/v1/namespaces/default/configmaps', { metadata: { name: 'gone', namespace: 'default' } });
  const source = kubeSource(client);
  const inf = source.informer<KubeObject>(R.configmaps);
  const changes: Change[] = [];
  inf.onChange((c) => changes.push(c));
  try {
    await source.start();
    await waitForWatch(server, 'configmaps');
    // Change the world behind the watch's back, then make the re-watch fail with 410.
    const watches = server.requests.filter((r) => r.url.includes('configmaps') && r.url.includes('watch=true')).length;
    server.expireNextWatch();
    server.objects.delete('api/v1/configmaps/default/gone');
    server.objects.set('api/v1/configmaps/default/new', { metadata: { name: 'new', namespace: 'default', resourceVersion: '9999' } });
    server.endWatches();
    await nextChange(changes, 4);
    assert.deepEqual(changes.slice(2).map((c) => `${c.type} ${c.object.metadata?.name}`).sort(), ['ADDED new', 'DELETED gone']);
    assert.deepEqual(inf.list().map((o) => o.metadata?.name).sort(), ['keep', 'new']);
    assert.ok(server.requests.filter((r) => r.url.includes('configmaps') && r.url.includes('watch=true')).length > watches);
  } finally {
    source.stop();
  }
});

test('a resource the server does not serve counts as synced and empty', async () => {
  const source = kubeSource(client);
  const inf = source.informer(R.httproutes);
  try {
    await source.start();
    assert.deepEqual(inf.list(), []);
  } finally {
    source.stop();
  }
});

async function waitForWatch(s: FakeServer, plural: string): Promise<void> {
  while (!s.requests.some((r) => r.url.includes(`/${plural}?`) && r.url.includes('watch=true'))) await new Promise((r) => setImmediate(r));
}

test('per-resource selectors narrow both the list and the watch', async () => {
  const source = kubeSource(client, { selectors: { secrets: { fieldSelector: 'spec.nodeName=n1', labelSelector: 'a=b' } } });
  source.informer(R.secrets);
  try {
    await source.start();
    await waitForWatch(server, 'secrets');
    const urls = server.requests.filter((r) => r.url.includes('/secrets?')).map((r) => r.url);
    assert.ok(urls.some((u) => !u.includes('watch=true') && u.includes('fieldSelector=spec.nodeName%3Dn1') && u.includes('labelSelector=a%3Db')));
    assert.ok(urls.some((u) => u.includes('watch=true') && u.includes('fieldSelector=spec.nodeName%3Dn1')));
  } finally {
    source.stop();
  }
});
