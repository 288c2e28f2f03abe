import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, expandContainer, expandVars } from './env.js';

test('$(VAR) expands from earlier entries, $$ escapes, unknown stays', () => {
  assert.equal(expandVars('$(A)-$$(A)-$(B)', { A: 'x' }), 'x-$(A)-$(B)');
});

test('fieldRef values come from the pod and the kubelet', () => {
  const pod = { metadata: { name: 'web-1', namespace: 'shop', labels: { app: 'web' } }, spec: { containers: [], nodeName: 'n1' } };
  const env = containerEnv(pod, {
    name: 'c',
    env: [
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'GREETING', value: 'hi $(POD) at $(IP)' },
    ],
  }, { podIP: '10.244.1.9', hostIP: '172.18.0.2', nodeName: 'n1' });
  assert.deepEqual(env, { HOSTNAME: 'web-1', POD: 'web-1', IP: '10.244.1.9', APP: 'web', GREETING: 'hi web-1 at 10.244.1.9' });
  assert.deepEqual(expandContainer({ name: 'c', args: ['--name=$(POD)'] }, env).args, ['--name=web-1']);
});
