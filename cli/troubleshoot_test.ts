// End to end, as root: the troubleshooting commands on a `podnet up` cluster.
// `kubectl top`: a pod spinning a shell loop uses about a core and an idle nginx next to it almost
// none; the resource metrics API reports both (per container too), the node's usage includes its
// pods, selectors follow the Pod objects, and a pod that does not exist is a 404 naming it.
// `kubectl debug`: an ephemeral container joins a running pod's network namespace (kubectl 1.27
// and 1.33), its status and logs are the pod's, and `debug node/…` runs a pod in the node's.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSkip, KUBECTL, testCluster, waitFor } from './testing/cluster.js';

const skip = clusterSkip();
const cluster = testCluster({ prefix: 'ts', kubectlTimeoutMs: 90_000 });
const { name, port, podnet, kubectl, kubectlPiped } = cluster;

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

test('kubectl debug: an ephemeral container shares the pod network namespace and shows in its status and logs', { skip }, async () => {
  const ip = (await kubectl('get', 'pod', 'idle', '-o', 'jsonpath={.status.podIP}')).trim();
  const r = await kubectlPiped(['debug', '-i', 'idle', '--image=busybox', '--container=dbg', '--target=idle'], 'ip -4 -o addr show eth0\nwget -qO- http://localhost/ | grep title\nexit\n');
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  assert.match(r.stdout, new RegExp(`inet ${ip.replace(/\./g, '\\.')}/`), 'the same eth0 as the pod');
  assert.match(r.stdout, /<title>Welcome to nginx!<\/title>/, "localhost is the pod's nginx");
  const statuses = JSON.parse(await kubectl('get', 'pod', 'idle', '-o', 'jsonpath={.status.ephemeralContainerStatuses}'));
  assert.deepEqual(statuses.map((s: { name: string }) => s.name), ['dbg']);
  assert.match(await kubectl('logs', 'idle', '-c', 'dbg'), /Welcome to nginx!/);
  // An ephemeral container may not be changed or removed, and never through the pod itself.
  const bad = await kubectlPiped(['patch', 'pod', 'idle', '--subresource=ephemeralcontainers', '--type=json', '-p', '[{"op":"remove","path":"/spec/ephemeralContainers/0"}]'], '');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /existing ephemeral containers "dbg" may not be removed/);
});

test('kubectl 1.27 debug works too, and debug node/… runs a pod in the node network namespace', { skip }, async () => {
  const old = KUBECTL.replace(/1\.33$/, '1.27');
  const { execFile } = await import('node:child_process');
  const out = await new Promise<string>((resolve, reject) => {
    const child = execFile(old, ['--kubeconfig', cluster.kubeconfig, 'debug', '-i', 'idle', '--image=busybox', '--container=dbg27'], { timeout: 90_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    child.stdin!.end('hostname\nexit\n');
  });
  assert.match(out, /^idle$/m);
  const node = await kubectlPiped(['debug', '-i', 'node/node-1', '--image=busybox'], 'hostname\nexit\n');
  assert.equal(node.code, 0, node.stderr);
  assert.match(node.stdout, /^node-1$/m);
  const pods = JSON.parse(await kubectl('get', 'pods', '-o', 'json')).items as { metadata: { name: string }; spec: { hostNetwork?: boolean; nodeName: string } }[];
  const dbg = pods.find((p) => p.metadata.name.startsWith('node-debugger-node-1-'));
  assert.ok(dbg?.spec.hostNetwork && dbg.spec.nodeName === 'node-1');
});

test('services/proxy and pods/proxy carry HTTP to the pod (what kubectl proxy and cluster-info links use)', { skip }, async () => {
  await kubectl('expose', 'pod', 'idle', '--port=8000', '--target-port=80', '--name=idle-svc');
  const page = await waitFor('the Service proxies to nginx', async () => {
    const out = await kubectl('get', '--raw', '/api/v1/namespaces/default/services/idle-svc:8000/proxy/').catch(() => '');
    return out.includes('Welcome to nginx!') ? out : undefined;
  });
  assert.match(page, /<h1>Welcome to nginx!<\/h1>/);
  assert.match(await kubectl('get', '--raw', '/api/v1/namespaces/default/pods/idle:80/proxy/index.html?x=1'), /<title>Welcome to nginx!<\/title>/);
  await assert.rejects(kubectl('get', '--raw', '/api/v1/namespaces/default/pods/idle/proxy/missing'), /NotFound/);
  await kubectl('create', 'service', 'clusterip', 'nobody', '--tcp=80:80');
  await assert.rejects(kubectl('get', '--raw', '/api/v1/namespaces/default/services/nobody/proxy/'), /no endpoints available for service "nobody"/);
  assert.match(await kubectl('cluster-info'), /CoreDNS is running at https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/kube-system\/services\/kube-dns:dns\/proxy/);
});
