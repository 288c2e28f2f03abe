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

test('a single-stack IPv4 cluster: families and policy are defaulted, dual-stack and IPv6 are refused naming the field', () => {
  const a = new ServiceAllocator();
  const plain = reserve(a, svc('plain'));
  assert.deepEqual([plain.spec!.ipFamilies, plain.spec!.ipFamilyPolicy], [['IPv4'], 'SingleStack']);
  const prefer = reserve(a, svc('prefer', { ipFamilyPolicy: 'PreferDualStack' }));
  assert.deepEqual([prefer.spec!.ipFamilies, prefer.spec!.ipFamilyPolicy, prefer.spec!.clusterIPs!.length], [['IPv4'], 'PreferDualStack', 1]);
  const messages = (s: Service) => {
    const r = a.reserve(s);
    assert.ok(Array.isArray(r), 'refused');
    return r.map((e) => `${e.field}: ${e.message}`);
  };
  assert.deepEqual(messages(svc('require', { ipFamilyPolicy: 'RequireDualStack' })), [
    'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
  ]);
  assert.deepEqual(messages(svc('v6', { ipFamilies: ['IPv6'] })), ['spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster']);
  assert.deepEqual(messages(svc('v6ip', { clusterIP: 'fd00::10', clusterIPs: ['fd00::10'] })), [
    'spec.clusterIPs[0]: Invalid value: []string{"fd00::10"}: IPv6 is not configured on this cluster',
  ]);
  // A refused Service took nothing: its would-be address is still free.
  assert.equal(reserve(a, svc('again', { clusterIP: '10.96.7.7', clusterIPs: ['10.96.7.7'] })).spec!.ipFamilies![0], 'IPv4');
});

test('a headless Service without a selector may name both families; with a selector it is single-stack', () => {
  const a = new ServiceAllocator();
  const bare = reserve(a, { metadata: { name: 'bare', namespace: 'default' }, spec: { clusterIP: 'None', clusterIPs: ['None'] } });
  assert.deepEqual([bare.spec!.ipFamilies, bare.spec!.ipFamilyPolicy], [['IPv4', 'IPv6'], 'RequireDualStack']);
  const selected = reserve(a, svc('sel', { clusterIP: 'None', clusterIPs: ['None'], selector: { app: 'x' } }));
  assert.deepEqual([selected.spec!.ipFamilies, selected.spec!.ipFamilyPolicy], [['IPv4'], 'SingleStack']);
});

test('an update without a policy keeps the stored one', () => {
  const a = new ServiceAllocator();
  const first = reserve(a, svc('p', { ipFamilyPolicy: 'PreferDualStack' }));
  const { ipFamilyPolicy: _drop, ...rest } = first.spec!;
  const updated = reserve(a, { ...first, spec: rest }, first);
  assert.equal(updated.spec!.ipFamilyPolicy, 'PreferDualStack');
});

test('ports with the same number share one node port; a named one is honoured for its twins', () => {
  const a = new ServiceAllocator();
  const dns = reserve(a, svc('dns', { type: 'NodePort', ports: [{ name: 'udp', port: 53, protocol: 'UDP' }, { name: 'tcp', port: 53, protocol: 'TCP' }, { name: 'web', port: 80 }] }));
  const [u, t, w] = dns.spec!.ports!.map((p) => p.nodePort!);
  assert.equal(u, t);
  assert.notEqual(u, w);
  const named = reserve(a, svc('named', { type: 'NodePort', ports: [{ name: 'udp', port: 53, protocol: 'UDP' }, { name: 'tcp', port: 53, protocol: 'TCP', nodePort: 31053 }] }));
  assert.deepEqual(named.spec!.ports!.map((p) => p.nodePort), [31053, 31053]);
});

test('dynamic values come from the upper band at random; the lower band is left for values asked by name', () => {
  const a = new ServiceAllocator('10.96.0.0/24');
  const ips = Array.from({ length: 40 }, (_, i) => Number(reserve(a, svc(`s${i}`)).spec!.clusterIP!.split('.')[3]));
  // /24: 256 addresses, a lower band of 16 offsets (1..16).
  assert.ok(ips.every((o) => o > 16 && o < 255), ips.join(','));
  assert.notDeepEqual(ips, [...ips].sort((x, y) => x - y), 'not handed out in order');
  const ports = Array.from({ length: 40 }, (_, i) => reserve(a, svc(`n${i}`, { type: 'NodePort' })).spec!.ports![0]!.nodePort!);
  // 30000-32767: 2,768 ports, a lower band of 86.
  assert.ok(ports.every((p) => p >= 30086 && p <= 32767), ports.join(','));
  assert.equal(new Set(ports).size, 40);
});

test('when the upper band is full, allocation falls back to the lower band', () => {
  const a = new ServiceAllocator('10.96.0.0/27');
  // /27: offsets 2..30 usable minus .10; the lower band is 16 offsets. NodePorts: 20 ports, band 16.
  const ips = Array.from({ length: 28 }, (_, i) => reserve(a, svc(`s${i}`)).spec!.clusterIP);
  assert.equal(new Set(ips).size, 28);
  assert.ok(Array.isArray(a.reserve(svc('full'))));
  const b = new ServiceAllocator('10.96.0.0/16', [30000, 30019]);
  const ports = Array.from({ length: 20 }, (_, i) => reserve(b, svc(`n${i}`, { type: 'NodePort' })).spec!.ports![0]!.nodePort);
  assert.equal(new Set(ports).size, 20);
});
