// End to end, as root: `podnet up` builds a 2-node cluster; real kubectl applies a Deployment and a
// Service; a pod reaches the Service's ClusterIP and lands on pods of both nodes; a Service without
// endpoints refuses at once; after `kill -9` of the daemon, `podnet up` adopts the same pods with
// the same IPs; `podnet down` leaves no namespace, process or file behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { run } from '../host/exec.js';
import { parsePrometheusText } from './promtext.js';
import { KUBECTL, clusterSkip, testCluster, waitFor } from './testing/cluster.js';

const pexec = promisify(execFile);
const skip = clusterSkip();
const cluster = testCluster();
const { name, home, kubeconfig, port, podnet, kubectl } = cluster;

const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: echo, namespace: default}
spec:
  replicas: 4
  selector: {matchLabels: {app: echo}}
  template:
    metadata: {labels: {app: echo}}
    spec:
      containers:
      - name: echo
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: ["netexec", "--http-port=8080"]
        ports: [{containerPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: echo, namespace: default}
spec:
  selector: {app: echo}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: nobody, namespace: default}
spec:
  selector: {app: nobody}
  ports: [{port: 80}]
`;

interface PodRow {
  name: string;
  ip: string;
  node: string;
}

async function runningPods(): Promise<PodRow[] | undefined> {
  const list = JSON.parse(await kubectl('get', 'pods', '-l', 'app=echo', '-o', 'json')) as { items: { metadata: { name: string }; spec: { nodeName?: string }; status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] } }[] };
  const ready = list.items.filter((p) => p.status.phase === 'Running' && p.status.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
  return ready.length === 4 ? ready.map((p) => ({ name: p.metadata.name, ip: p.status.podIP!, node: p.spec.nodeName! })).sort((a, b) => a.name.localeCompare(b.name)) : undefined;
}

before(async () => {
  if (skip) return;
  await podnet('up', '--name', name, '--nodes', '2', '--port', port, '--ui-port', '0');
});

after(() => cluster.destroy(!skip));

test('a pod reaches a ClusterIP Service and lands on pods of both nodes; no endpoints is refused at once', { skip }, async () => {
  await pexec('bash', ['-c', `cat <<'EOF' | ${KUBECTL} --kubeconfig ${kubeconfig} apply -f -\n${manifest}\nEOF`]);
  const pods = await waitFor('4 ready echo pods', runningPods, 90_000);
  assert.equal(new Set(pods.map((p) => p.node)).size, 2, 'the scheduler spreads the pods over both nodes');
  const clusterIP = (await kubectl('get', 'svc', 'echo', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const client = pods[0]!.name;
  const seen = new Set<string>();
  await waitFor('every backend answering through the ClusterIP', async () => {
    const out = await kubectl('exec', client, '--', 'curl', '-s', '--max-time', '3', `http://${clusterIP}/hostname`);
    seen.add(out.trim());
    return seen.size === 4 ? true : undefined;
  });
  assert.deepEqual([...seen].sort(), pods.map((p) => p.name));
  // Pod to pod across nodes keeps the client's address (no NAT).
  const remote = pods.find((p) => p.node !== pods[0]!.node)!;
  const clientIP = (await kubectl('exec', client, '--', 'curl', '-s', '--max-time', '3', `http://${remote.ip}:8080/clientip`)).trim();
  assert.equal(clientIP.split(':')[0], pods[0]!.ip);
  const nobody = (await kubectl('get', 'svc', 'nobody', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const started = Date.now();
  await assert.rejects(kubectl('exec', client, '--', 'curl', '-sS', '--max-time', '5', `http://${nobody}/`), /exit code 7|Couldn't connect|Connection refused/);
  assert.ok(Date.now() - started < 5000, 'refused, not timed out');
});

test('the Prometheus endpoint of every component scrapes cleanly', { skip }, async () => {
  const status = JSON.parse(readFileSync(join(home, 'clusters', name, 'status.json'), 'utf8')) as { metrics: string };
  const paths = (await (await fetch(status.metrics)).text()).trim().split('\n');
  for (const want of ['apiserver', 'controllers', 'kubelet/node-1', 'proxy/node-1', 'netpol/node-1', 'kubelet/node-2', 'observe']) {
    assert.ok(paths.includes(`/metrics/${want}`), `missing /metrics/${want} in ${paths.join(' ')}`);
  }
  const base = status.metrics.replace(/\/metrics$/, '');
  const names = new Set<string>();
  for (const p of paths) {
    const res = await fetch(base + p);
    assert.equal(res.status, 200, p);
    for (const s of parsePrometheusText(await res.text())) names.add(s.name);
  }
  // Upstream names where they exist.
  for (const n of ['apiserver_request_total', 'workqueue_depth', 'kubeproxy_sync_proxy_rules_duration_seconds_count', 'kubelet_running_pods']) {
    assert.ok(names.has(n), `no ${n}`);
  }
});

test('after kill -9 of the daemon, podnet up adopts the same pods with the same IPs', { skip }, async () => {
  const before = await waitFor('ready pods', runningPods);
  const pid = Number(readFileSync(join(home, 'clusters', name, 'daemon.pid'), 'utf8'));
  process.kill(pid, 'SIGKILL');
  await waitFor('the daemon to be gone', async () => (existsSync(`/proc/${pid}`) ? undefined : true));
  await podnet('up', '--name', name, '--nodes', '2', '--port', port, '--ui-port', '0');
  const afterRestart = await waitFor('ready pods after restart', runningPods);
  assert.deepEqual(afterRestart, before);
  const podNetns = (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`pn-${name}-pod-`));
  const allPods = (await kubectl('get', 'pods', '-A', '--no-headers')).trim().split('\n');
  assert.equal(podNetns.length, allPods.length, 'one network namespace per pod: nothing duplicated, nothing leaked');
});

test('podnet down leaves no namespace, process or state behind', { skip }, async () => {
  await podnet('down', '--name', name);
  const netns = (await run('ip', ['netns', 'list'])).stdout;
  assert.ok(!netns.includes(`pn-${name}-`), `leftover namespaces:\n${netns}`);
  assert.ok(!existsSync(join(home, 'clusters', name)));
  const ps = (await run('ps', ['-eo', 'args'])).stdout;
  assert.ok(!ps.includes(`pn-${name}-`), 'no process runs in a cluster namespace');
});
