import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Event, Node, Pod } from '../../api/types.js';
import { R } from '../../client/source.js';
import { startTestCluster, type TestCluster } from '../testing/cluster.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster({ nodes: [{ name: 'n1', zone: 'a' }, { name: 'n2', zone: 'a' }, { name: 'n3', zone: 'b' }] });
});
after(async () => c?.close());

const pod = (name: string, spec: Partial<Pod['spec']> = {}): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default', labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'x' }], ...spec } });
const get = (name: string) => c.list<Pod>(R.pods, 'default').find((p) => p.metadata?.name === name);

test('every node gets a distinct /24 podCIDR from 10.244.0.0/16', async () => {
  const nodes = await c.until('3 podCIDRs', () => {
    const n = c.list<Node>(R.nodes);
    return n.filter((x) => x.spec?.podCIDR).length === 3 && n;
  });
  const cidrs = nodes.map((n) => n.spec!.podCIDR!);
  assert.equal(new Set(cidrs).size, 3);
  assert.ok(cidrs.every((x) => /^10\.244\.\d+\.0\/24$/.test(x)));
  assert.deepEqual(nodes[0]!.spec?.podCIDRs, [nodes[0]!.spec?.podCIDR]);
});

test('a pod whose nodeSelector matches no node is Unschedulable with upstream wording, and is placed once a node matches', async () => {
  await c.client.create(R.pods, pod('picky', { nodeSelector: { disk: 'ssd' } }));
  const p = await c.until('PodScheduled=False', () => get('picky')?.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
  assert.equal(p.reason, 'Unschedulable');
  assert.equal(p.message, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
  const ev = await c.until('FailedScheduling', () => c.list<Event>(R.events, 'default').find((e) => e.reason === 'FailedScheduling' && e.involvedObject.name === 'picky'));
  assert.equal(ev.type, 'Warning');
  await c.client.patch(R.nodes, undefined, 'n2', { metadata: { labels: { disk: 'ssd' } } }, 'merge');
  assert.equal(await c.until('bound to n2', () => get('picky')?.spec?.nodeName), 'n2');
});

test('taints without tolerations and cordoned nodes are avoided; a Scheduled event names the node', async () => {
  await c.client.patch(R.nodes, undefined, 'n1', { spec: { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] } }, 'merge');
  await c.client.patch(R.nodes, undefined, 'n3', { spec: { unschedulable: true } }, 'merge');
  await c.client.create(R.pods, pod('plain'));
  assert.equal(await c.until('plain bound', () => get('plain')?.spec?.nodeName), 'n2');
  await c.client.create(R.pods, pod('tolerant', { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }], nodeSelector: { 'kubernetes.io/hostname': 'n1' } }));
  assert.equal(await c.until('tolerant bound', () => get('tolerant')?.spec?.nodeName), 'n1');
  await c.until('Scheduled event', () => c.list<Event>(R.events, 'default').find((e) => e.reason === 'Scheduled' && e.message === 'Successfully assigned default/plain to n2'));
  await c.client.create(R.pods, pod('stuck', { nodeSelector: { 'kubernetes.io/hostname': 'n3' } }));
  const cond = await c.until('stuck unschedulable', () => get('stuck')?.status?.conditions?.find((x) => x.type === 'PodScheduled' && x.status === 'False'));
  assert.equal(cond.message, "0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 1 node(s) had untolerated taint {dedicated: gpu}, 1 node(s) were unschedulable.");
});
