import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planServiceRules } from './plan.js';
import { staleUdpIPs } from './conntrack_plan.js';
import { svc, slice } from './fixtures.js';

const node = { name: 'n1', ips: ['172.18.0.2'] };
const config = { clusterCIDR: '10.244.0.0/16' };
const dns = svc('dns', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] });
const web = svc('web', { clusterIP: '10.96.0.20' });
const eps = (ips: string[]) => [
  slice('dns', ips.map((ip) => ({ ip })), [{ name: 'dns', port: 5353, protocol: 'UDP' }]),
  slice('web', ips.map((ip) => ({ ip }))),
];

test('a removed UDP endpoint and a UDP Service that just got endpoints need conntrack flushes; TCP does not', () => {
  const a = planServiceRules({ services: [dns, web], slices: eps(['10.244.1.11', '10.244.1.12']), node, config });
  const b = planServiceRules({ services: [dns, web], slices: eps(['10.244.1.11']), node, config });
  assert.deepEqual(staleUdpIPs(a, b), ['10.244.1.12']);
  const none = planServiceRules({ services: [dns, web], slices: [], node, config });
  assert.deepEqual(staleUdpIPs(none, b), ['10.96.0.10']);
  assert.deepEqual(staleUdpIPs(undefined, b), []);
  assert.deepEqual(staleUdpIPs(b, b), []);
});
