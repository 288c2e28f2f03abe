// @kubernetes/client-node (the official JavaScript client) lists, creates, watches through an
// informer and execs against the apiserver over HTTPS with the cluster CA and token.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { MemoryStorage } from '../storage/memory.js';
import type { PodStreams } from './podstreams.js';
import { startTestServer, type TestServer } from './testkit.js';

const streams: PodStreams = {
  async logs() {
    throw new Error('not used');
  },
  async exec(req) {
    req.stdout?.write(`ran ${req.command.join(' ')}\n`);
    return { exitCode: 0 };
  },
  async portForward() {
    throw new Error('not used');
  },
};

describe('@kubernetes/client-node', () => {
  let server: TestServer;
  let kc: k8s.KubeConfig;
  before(async () => {
    server = await startTestServer(new MemoryStorage(), { podStreams: streams });
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfig);
  });
  after(async () => {
    await server?.close();
  });

  test('lists namespaces and creates a namespace without apiVersion/kind in the body', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'from-js' } } });
    const list = await core.listNamespace();
    assert.ok(list.items.some((n) => n.metadata?.name === 'from-js'));
  });

  test('an informer sees existing objects, then additions and updates', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'before' }, data: { a: '1' } } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/default/configmaps', () => core.listNamespacedConfigMap({ namespace: 'default' }));
    const seen: string[] = [];
    let notify!: () => void;
    const updated = new Promise<void>((r) => (notify = r));
    informer.on('add', (cm: k8s.V1ConfigMap) => seen.push(`add ${cm.metadata?.name}`));
    informer.on('update', (cm: k8s.V1ConfigMap) => {
      seen.push(`update ${cm.metadata?.name} ${cm.data?.a}`);
      if (cm.metadata?.name === 'after') notify();
    });
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'after' }, data: { a: '1' } } });
      await core.replaceNamespacedConfigMap({ name: 'after', namespace: 'default', body: { metadata: { name: 'after' }, data: { a: '2' } } });
      await updated;
    } finally {
      await informer.stop();
    }
    assert.ok(seen.includes('add before'));
    assert.ok(seen.includes('add after'));
    assert.ok(seen.includes('update after 2'));
  });

  test('a JSON patch (client-node’s default patch type) changes the object', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'patched' }, data: { a: '1' } } });
    const res = await core.patchNamespacedConfigMap({ name: 'patched', namespace: 'default', body: [{ op: 'replace', path: '/data/a', value: '9' }] });
    assert.equal(res.data?.a, '9');
  });

  test('exec over the WebSocket channel protocol returns output and a Success status', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({ namespace: 'default', body: { metadata: { name: 'js-pod' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } });
    let out = '';
    const stdout = new Writable({
      write(chunk, _enc, cb) {
        out += chunk.toString();
        cb();
      },
    });
    const status = await new Promise<k8s.V1Status>((resolve, reject) => {
      new k8s.Exec(kc).exec('default', 'js-pod', 'c', ['echo', 'hi'], stdout, null, null, false, (s) => resolve(s)).catch(reject);
    });
    assert.equal(status.status, 'Success');
    assert.equal(out, 'ran echo hi\n');
  });
});
