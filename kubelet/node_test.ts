import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildNode } from './node.js';

const net = { name: 'worker-1', netns: 'pn-c1-worker-1', ip: '172.18.0.3', podCIDR: '10.244.1.0/24', cniConfDir: '/x' };

test('a node registers its addresses, labels and a Ready condition with heartbeat', () => {
  const n = buildNode(net, { zone: 'zone-a', controlPlane: true }, 't2', 't1');
  assert.deepEqual(n.status?.addresses, [{ type: 'InternalIP', address: '172.18.0.3' }, { type: 'Hostname', address: 'worker-1' }]);
  assert.equal(n.metadata?.labels?.['kubernetes.io/hostname'], 'worker-1');
  assert.equal(n.metadata?.labels?.['topology.kubernetes.io/zone'], 'zone-a');
  assert.equal(n.metadata?.labels?.['node-role.kubernetes.io/control-plane'], '');
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'True');
  assert.equal(ready?.lastHeartbeatTime, 't2');
  assert.equal(ready?.lastTransitionTime, 't1');
  assert.equal(n.status?.capacity?.pods, '110');
});

test('a worker without zone has neither zone nor role labels', () => {
  const n = buildNode(net, {}, 't', 't');
  assert.equal(n.metadata?.labels?.['topology.kubernetes.io/zone'], undefined);
  assert.equal(n.metadata?.labels?.['node-role.kubernetes.io/control-plane'], undefined);
});
