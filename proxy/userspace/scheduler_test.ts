import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newSchedulerState, pickEndpoint, epKey } from './scheduler.js';
import type { EndpointView } from '../types.js';

const ep = (ip: string, weight = 1): EndpointView => ({ ip, port: 80, ready: true, serving: true, terminating: false, weight, base: ip });
const eps = [ep('10.0.0.1', 3), ep('10.0.0.2', 1), ep('10.0.0.3', 1)];
const ctx = { client: '10.1.0.5', service: '10.96.0.10:80' };

test('rr rotates through endpoints in order', () => {
  const s = newSchedulerState();
  assert.deepEqual(Array.from({ length: 6 }, () => pickEndpoint('rr', eps, s, ctx)!.ip), ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
});

test('wrr gives each endpoint its weight share, interleaved', () => {
  const s = newSchedulerState();
  const picks = Array.from({ length: 10 }, () => pickEndpoint('wrr', eps, s, ctx)!.ip);
  assert.equal(picks.filter((p) => p === '10.0.0.1').length, 6);
  assert.equal(picks.filter((p) => p === '10.0.0.2').length, 2);
  assert.notDeepEqual(picks.slice(0, 3), ['10.0.0.1', '10.0.0.1', '10.0.0.1']);
});

test('sh maps one client to one endpoint; dh maps one service address to one endpoint', () => {
  const s = newSchedulerState();
  const a = new Set(Array.from({ length: 20 }, () => pickEndpoint('sh', eps, s, ctx)!.ip));
  assert.equal(a.size, 1);
  const clients = new Set(Array.from({ length: 50 }, (_, i) => pickEndpoint('sh', eps, s, { ...ctx, client: `10.1.0.${i}` })!.ip));
  assert.equal(clients.size, 3);
  const d = new Set(Array.from({ length: 50 }, (_, i) => pickEndpoint('dh', eps, s, { ...ctx, client: `10.1.0.${i}` })!.ip));
  assert.equal(d.size, 1);
});

test('lc picks the endpoint with the fewest active connections; wlc divides by weight', () => {
  const s = newSchedulerState();
  s.active.set(epKey(eps[0]!), 2);
  s.active.set(epKey(eps[1]!), 1);
  assert.equal(pickEndpoint('lc', eps, s, ctx)!.ip, '10.0.0.3');
  s.active.set(epKey(eps[2]!), 1);
  // wlc: (2+1)/3 = 1 beats (1+1)/1 = 2
  assert.equal(pickEndpoint('wlc', eps, s, ctx)!.ip, '10.0.0.1');
});

test('no endpoints → undefined', () => {
  assert.equal(pickEndpoint('random', [], newSchedulerState(), ctx), undefined);
});
