import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Balancer, chooseBackend, readCookie } from './balance.js';
import { DEFAULT_POLICY } from './annotations.js';
import type { Route } from './table.js';

test('least_request picks the endpoint with the fewest requests in flight, round-robin among ties', () => {
  const b = new Balancer();
  const backend = { namespace: 'ns', service: 's', endpoints: ['10.0.0.1', '10.0.0.2', '10.0.0.3'].map((ip) => ({ ip, port: 80, key: `${ip}:80` })) };
  const none = new Set<string>();
  const busy1 = b.begin(backend.endpoints[0]!);
  const busy2 = b.begin(backend.endpoints[1]!);
  for (let i = 0; i < 4; i++) assert.equal(b.pick(backend, 'least_request', none)?.ip, '10.0.0.3');
  busy1();
  busy2();
  const picks = new Set(Array.from({ length: 3 }, () => b.pick(backend, 'least_request', none)?.ip));
  assert.equal(picks.size, 3);
});

test('weighted backends and canary weights follow a supplied random source', () => {
  const be = (service: string) => ({ namespace: 'ns', service, endpoints: [] });
  const route: Route = { id: 'r', owner: { kind: 'HTTPRoute', namespace: 'ns', name: 'r' }, kind: 'Prefix', path: '', backends: [{ backend: be('a'), weight: 80 }, { backend: be('b'), weight: 20 }], canaries: [], policy: DEFAULT_POLICY, filters: [] };
  assert.equal(chooseBackend(route, {}, () => 0.79)?.backend.service, 'a');
  assert.equal(chooseBackend(route, {}, () => 0.81)?.backend.service, 'b');
  route.canaries.push({ owner: route.owner, policy: { weight: 10, weightTotal: 100 }, backend: be('canary') });
  assert.equal(chooseBackend(route, {}, () => 0.05)?.backend.service, 'canary');
  assert.equal(chooseBackend(route, {}, () => 0.5)?.canary, false);
});

test('cookies are read by exact name', () => {
  assert.equal(readCookie('a=1; route=abc; routex=2', 'route'), 'abc');
  assert.equal(readCookie('routex=2', 'route'), undefined);
});
