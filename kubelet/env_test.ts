import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerEnv, expandContainer, expandVars, serviceEnv } from './env.js';

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

test('Service link variables follow the kubelet naming', () => {
  const env = serviceEnv([{ metadata: { name: 'redis-primary' }, spec: { clusterIP: '10.96.0.11', ports: [{ name: 'redis', port: 6379 }, { port: 53, protocol: 'UDP' }] } }, { metadata: { name: 'headless' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } }]);
  assert.equal(env.REDIS_PRIMARY_SERVICE_HOST, '10.96.0.11');
  assert.equal(env.REDIS_PRIMARY_SERVICE_PORT, '6379');
  assert.equal(env.REDIS_PRIMARY_SERVICE_PORT_REDIS, '6379');
  assert.equal(env.REDIS_PRIMARY_PORT, 'tcp://10.96.0.11:6379');
  assert.equal(env.REDIS_PRIMARY_PORT_53_UDP, 'udp://10.96.0.11:53');
  assert.equal(env.REDIS_PRIMARY_PORT_53_UDP_ADDR, '10.96.0.11');
  assert.equal(env.HEADLESS_SERVICE_HOST, undefined);
});

test('envFrom and key refs read ConfigMaps and Secrets; a missing key is a problem', () => {
  const problems: string[] = [];
  const lookup = {
    configMap: (_ns: string, name: string) => (name === 'cfg' ? { data: { MODE: 'fast', LEVEL: '3' } } : undefined),
    secret: (_ns: string, name: string) => (name === 'sec' ? { data: { token: Buffer.from('s3cr3t').toString('base64') } } : undefined),
    services: () => [],
  };
  const env = containerEnv({ metadata: { name: 'p', namespace: 'shop' }, spec: { containers: [] } }, {
    name: 'c',
    envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'APP_' }],
    env: [
      { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'sec', key: 'token' } } },
      { name: 'NOPE', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'missing' } } },
      { name: 'OPT', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'missing', optional: true } } },
    ],
  }, { hostIP: 'h', nodeName: 'n', lookup, problems });
  assert.equal(env.APP_MODE, 'fast');
  assert.equal(env.TOKEN, 's3cr3t');
  assert.equal('NOPE' in env, false);
  assert.deepEqual(problems, ['couldn\'t find key missing in ConfigMap shop/cfg']);
});
