import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Node } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }], config: { clusterCIDR: '10.244.0.0/23', clusterCIDRv6: 'fd00:10:244::/63' } });
});
after(async () => c?.close());

test('with room for two /24s, two nodes get dual-stack podCIDRs and the third a CIDRNotAvailable warning', async () => {
  const ev = await c.until('CIDRNotAvailable', () => c.list<Event>(R.events, 'default').find((e) => e.reason === 'CIDRNotAvailable'));
  assert.equal(ev.type, 'Warning');
  const nodes = await c.until('two nodes allocated', () => {
    const n = c.list<Node>(R.nodes).filter((x) => x.spec?.podCIDR);
    return n.length === 2 && n;
  });
  assert.deepEqual(nodes.map((n) => n.spec?.podCIDRs).sort(), [
    ['10.244.0.0/24', 'fd00:10:244::/64'],
    ['10.244.1.0/24', 'fd00:10:244:1::/64'],
  ]);
  const without = c.list<Node>(R.nodes).find((n) => !n.spec?.podCIDR)!;
  assert.equal(ev.involvedObject.name, without.metadata?.name);
});

test('deleting an allocated node frees its subnet for the waiting one', async () => {
  const victim = c.list<Node>(R.nodes).find((n) => n.spec?.podCIDR)!;
  const waiting = c.list<Node>(R.nodes).find((n) => !n.spec?.podCIDR)!.metadata!.name!;
  await c.client.delete(R.nodes, undefined, victim.metadata!.name!);
  const n = await c.until('waiting node allocated', () => c.list<Node>(R.nodes).find((x) => x.metadata?.name === waiting && x.spec?.podCIDR));
  assert.equal(n.spec?.podCIDR, victim.spec?.podCIDR);
});
