import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Service } from '../api/types.js';
import { ServiceAllocator } from './allocator.js';

const svc = (name: string, spec: Service['spec'] = {}): Service => ({ metadata: { name, namespace: 'default' }, spec: { ports: [{ port: 80 }], ...spec } });

function reserve(a: ServiceAllocator, s: Service, old?: Service): Service {
  const r = a.reserve(s, old);
  if (Array.isArray(r)) throw new Error(JSON.stringify(r));
  r.commit();
  return r.service;
}

test('the first address is kept for the kubernetes Service and .10 is given only on request', () => {
  const a = new ServiceAllocator('10.96.0.0/28');
  assert.equal(a.firstIP(), '10.96.0.1');
  const ips = Array.from({ length: 12 }, (_, i) => reserve(a, svc(`s${i}`)).spec!.clusterIP);
  assert.ok(!ips.includes('10.96.0.1'));
  assert.ok(!ips.includes('10.96.0.10'));
  assert.deepEqual(a.reserve(svc('full'))!.constructor, Array);
});

test('an undone reservation frees what it took', () => {
  const a = new ServiceAllocator();
  const r = a.reserve(svc('x', { clusterIP: '10.96.5.5', type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }));
  assert.ok(!Array.isArray(r));
  r.undo();
  const again = reserve(a, svc('y', { clusterIP: '10.96.5.5', type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }));
  assert.equal(again.spec!.clusterIP, '10.96.5.5');
});

test('changing type to ClusterIP drops and releases node ports', () => {
  const a = new ServiceAllocator();
  const np = reserve(a, svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] }));
  const back = reserve(a, { ...np, spec: { ...np.spec, type: 'ClusterIP' } }, np);
  assert.equal(back.spec!.ports![0]!.nodePort, undefined);
  assert.equal(back.spec!.clusterIP, np.spec!.clusterIP);
  assert.equal(reserve(a, svc('other', { type: 'NodePort', ports: [{ port: 80, nodePort: 30500 }] })).spec!.ports![0]!.nodePort, 30500);
});

test('a node port outside the range is refused with the field and the range', () => {
  const a = new ServiceAllocator();
  const r = a.reserve(svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 80 }] }));
  assert.ok(Array.isArray(r));
  assert.equal(r[0]!.field, 'spec.ports[0].nodePort');
  assert.match(r[0]!.message, /30000-32767/);
});
