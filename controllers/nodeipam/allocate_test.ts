import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextFreeSubnet } from './allocate.js';

test('the lowest subnet no node holds is chosen', () => {
  assert.equal(nextFreeSubnet('10.244.0.0/16', 24, new Set()), '10.244.0.0/24');
  assert.equal(nextFreeSubnet('10.244.0.0/16', 24, new Set(['10.244.0.0/24', '10.244.2.0/24'])), '10.244.1.0/24');
});

test('an exhausted cluster CIDR yields nothing', () => {
  assert.equal(nextFreeSubnet('10.244.0.0/23', 24, new Set(['10.244.0.0/24', '10.244.1.0/24'])), undefined);
});

test('IPv6 cluster CIDRs give /64s', () => {
  assert.equal(nextFreeSubnet('fd00:10:244::/56', 64, new Set(['fd00:10:244::/64'])), 'fd00:10:244:1::/64');
});

test('a mask shorter than the cluster prefix is a configuration error', () => {
  assert.throws(() => nextFreeSubnet('10.244.0.0/16', 8, new Set()), /IPAM|shorter/);
});
