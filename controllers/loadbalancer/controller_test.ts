import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Service } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';
import { firstFree, inPools, parsePools } from './pool.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ config: { lbPools: ['172.18.255.200-172.18.255.201'] } });
});
after(async () => c?.close());

const lb = (name: string, extra: Partial<Service['spec']> = {}, annotations?: Record<string, string>): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec: { type: 'LoadBalancer', selector: { app: name }, ports: [{ port: 80 }], ...extra },
});
const ipOf = (name: string) => c.list<Service>(R.services, 'default').find((s) => s.metadata?.name === name)?.status?.loadBalancer?.ingress?.[0];

test('pools parse ranges and CIDRs, and the lowest free address is chosen', () => {
  const pools = parsePools(['172.18.255.200-172.18.255.202', '192.0.2.0/31']);
  assert.equal(firstFree(pools, new Set(['172.18.255.200'])), '172.18.255.201');
  assert.equal(firstFree(pools, new Set(['172.18.255.200', '172.18.255.201', '172.18.255.202'])), '192.0.2.0');
  assert.ok(inPools(pools, '192.0.2.1'));
  assert.ok(!inPools(pools, '192.0.2.2'));
  assert.throws(() => parsePools(['172.18.255.9-172.18.255.1']), /not an ascending range/);
});

test('LoadBalancer Services get pool addresses; when the pool runs out one stays pending with an event; deleting one frees it', async () => {
  await c.client.create(R.services, lb('a', {}, { 'metallb.universe.tf/loadBalancerIPs': '172.18.255.201' }));
  await c.client.create(R.services, lb('b'));
  const a = await c.until('a has its requested IP', () => ipOf('a'));
  assert.deepEqual(a, { ip: '172.18.255.201', ipMode: 'VIP' });
  assert.equal((await c.until('b has an IP', () => ipOf('b'))).ip, '172.18.255.200');
  await c.client.create(R.services, lb('c'));
  const ev = await c.until('AllocationFailed for c', () => c.list<Event>(R.events, 'default').find((e) => e.reason === 'AllocationFailed' && e.involvedObject.name === 'c'));
  assert.equal(ev.type, 'Warning');
  assert.match(ev.message ?? '', /no available IPs/);
  assert.equal(ipOf('c'), undefined);
  await c.client.delete(R.services, 'default', 'b');
  assert.equal((await c.until('c gets the freed IP', () => ipOf('c'))).ip, '172.18.255.200');
});

test('a Service of another loadBalancerClass is left alone, and a type change releases the address', async () => {
  await c.client.create(R.services, lb('other', { loadBalancerClass: 'example.com/lb' }));
  await c.manager.idle();
  assert.equal(ipOf('other'), undefined);
  await c.client.patch(R.services, 'default', 'c', { spec: { type: 'ClusterIP' } }, 'merge');
  await c.until('c released', () => ipOf('c') === undefined);
});
