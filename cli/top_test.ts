// End to end, as root: `kubectl top` on a `podnet up` cluster. A pod spinning a shell loop uses
// about a core and an idle nginx next to it almost none; the resource metrics API reports both
// (per container too), the node's usage includes its pods, selectors follow the Pod objects, and
// a pod that does not exist is a 404 naming it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSkip, testCluster, waitFor } from './testing/cluster.js';

const skip = clusterSkip();
const cluster = testCluster({ prefix: 'top', kubectlTimeoutMs: 90_000 });
const { name, port, podnet, kubectl } = cluster;

/** "975m" → 0.975, "1" → 1, "12345n" → 0.000012345. */
function cores(q: string): number {
  const m = /^(\d+(?:\.\d+)?)([nm]?)$/.exec(q);
  assert.ok(m, `a CPU quantity: ${q}`);
  return Number(m[1]) / (m[2] === 'n' ? 1e9 : m[2] === 'm' ? 1e3 : 1);
}

before(async () => {
  if (skip) return;
  await podnet('up', '--name', name, '--nodes', '1', '--port', port, '--ui-port', '0');
  await kubectl('run', 'burn', '--image=busybox', '--labels=role=burner', '--', 'sh', '-c', 'while true; do :; done');
  await kubectl('run', 'idle', '--image=nginx', '--labels=role=idle');
  await kubectl('wait', '--for=condition=Ready', 'pod/burn', 'pod/idle', '--timeout=90s');
});

after(() => cluster.destroy(!skip));

test('kubectl top pod: the busy pod uses far more CPU than the idle one; --containers and -l work', { skip }, async () => {
  const rows = await waitFor('both pods in kubectl top', async () => {
    const out = await kubectl('top', 'pod', '--no-headers');
    const map = new Map(out.trim().split('\n').map((l) => l.trim().split(/\s+/)).map(([n, cpu, mem]) => [n!, { cpu: cores(cpu!), mem: mem! }]));
    return map.has('burn') && map.has('idle') ? map : undefined;
  });
  assert.ok(rows.get('burn')!.cpu > 0.1, `the loop burns CPU: ${rows.get('burn')!.cpu}`);
  assert.ok(rows.get('burn')!.cpu > 5 * rows.get('idle')!.cpu, `burn ${rows.get('burn')!.cpu} vs idle ${rows.get('idle')!.cpu}`);
  assert.match(rows.get('idle')!.mem, /^[1-9]\d*Mi$/, 'the nginx stand-in holds memory');
  assert.match(await kubectl('top', 'pod', 'burn', '--containers', '--no-headers'), /^burn\s+burn\s+\d+m\s+\d+Mi\s*$/);
  const selected = await kubectl('top', 'pod', '-l', 'role=idle', '--no-headers');
  assert.deepEqual(selected.trim().split('\n').map((l) => l.split(/\s+/)[0]), ['idle']);
});

test('kubectl top node: the node reports at least what its pods use', { skip }, async () => {
  const out = await kubectl('top', 'node', '--no-headers');
  const [node, cpu, pct] = out.trim().split(/\s+/);
  assert.equal(node, 'node-1');
  assert.ok(cores(cpu!) > 0.1, out);
  assert.match(pct!, /^\d+%$/);
});

test('the metrics.k8s.io API: PodMetrics by name, a window and usage; an unknown pod is a 404 naming it', { skip }, async () => {
  const pm = JSON.parse(await kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/burn'));
  assert.equal(pm.kind, 'PodMetrics');
  assert.equal(pm.metadata.labels.role, 'burner');
  assert.match(pm.window, /^\d+(\.\d+)?s$/);
  assert.deepEqual(pm.containers.map((c: { name: string }) => c.name), ['burn']);
  assert.match(pm.containers[0].usage.cpu, /^\d+n$/);
  assert.match(pm.containers[0].usage.memory, /^\d+Ki$/);
  await assert.rejects(kubectl('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/ghost'), /podmetrics\.metrics\.k8s\.io "default\/ghost" not found/);
  const groups = JSON.parse(await kubectl('get', '--raw', '/apis'));
  assert.ok(groups.groups.some((g: { name: string }) => g.name === 'metrics.k8s.io'));
});
