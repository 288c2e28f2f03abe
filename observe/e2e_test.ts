// End to end, as root: a real 2-node cluster (podnet up, real kubectl), observe on its node
// namespaces. Real connections from pods become flows (forwarded through a ClusterIP, rejected
// without endpoints, dropped by a NetworkPolicy); `podnet trace` predicts each of those three and
// the kernel's trace of the same connection agrees; the map in Chromium shows the cluster's pods
// and a flow after traffic.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { run } from '../host/exec.js';
import { KubeClient, kubeSource, loadKubeconfig } from '../client/kube.js';
import type { ObjectSource } from '../client/source.js';
import { podNetnsName } from '../kubelet/names.js';
import { startObserve, type Observe } from './observe.js';
import type { Flow } from './types.js';
import type { TraceReport } from './trace.js';
import { screenshotDir } from './shots.js';
import { observeCommand } from './cli.js';
import type { ProbeResult } from './prober.js';
import { parsePrometheusText, type Sample } from '../cli/promtext.js';
import { KUBECTL, clusterSkip, testCluster, waitFor as waitUntil } from '../cli/testing/cluster.js';

const pexec = promisify(execFile);

const CHROMIUM = '/usr/bin/chromium';
const skip = clusterSkip();
const cluster = testCluster();
const { name, home, kubeconfig, port, podnet, kubectl } = cluster;
const waitFor = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000) => waitUntil(what, fn, timeoutMs);

const manifest = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Service
metadata: {name: empty, namespace: shop}
spec: {selector: {app: none}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: v1
kind: Pod
metadata: {name: client, namespace: default, labels: {app: client}}
spec:
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
---
apiVersion: v1
kind: Pod
metadata: {name: intruder, namespace: default, labels: {app: intruder}}
spec:
  containers: [{name: c, image: registry.k8s.io/e2e-test-images/agnhost:2.53, args: [netexec, --http-port=8080], ports: [{containerPort: 8080}]}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-from-client, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Ingress]
  ingress: [{from: [{namespaceSelector: {}, podSelector: {matchLabels: {app: client}}}]}]
`;

let source: ObjectSource | undefined;
let obs: Observe | undefined;
/** A second observe on the same cluster probing every 300 ms (the daemon's probes every 10 s), without capture. */
let probeObs: Observe | undefined;
let probeSource: ObjectSource | undefined;
let nodeNames: string[] = [];
let url = '';
const netnsOf = new Map<string, string>();
const ipOf = new Map<string, string>();

async function flows(q: string): Promise<Flow[]> {
  const text = await (await fetch(new URL(`/api/flows?${q}`, url))).text();
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Flow);
}

/** Connects from a pod until observe reports a matching flow (its followers start asynchronously). */
async function connectUntil(pod: string, target: string, q: string): Promise<Flow> {
  return waitFor(`a flow ${q} from ${pod}`, async () => {
    await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', target], { netns: netnsOf.get(pod)! });
    return (await flows(q)).find((f) => f.src.pod === pod.split('/')[1]);
  }, 30_000).catch(async (err: Error) => {
    const all = await flows('');
    const perNode = [...new Set(all.map((f) => f.node))].map((n) => `${n}: ${all.filter((f) => f.node === n).length}`);
    throw new Error(`${err.message}; flows per node ${perNode.join(', ')}; last of ${pod}: ${JSON.stringify((await flows(`pod=${pod}`)).slice(-2))}`);
  });
}

async function trace(from: string, to: string): Promise<TraceReport> {
  const r = await fetch(new URL(`/api/trace?${new URLSearchParams({ from, to })}`, url));
  assert.equal(r.status, 200);
  return (await r.json()) as TraceReport;
}

before(async () => {
  if (skip) return;
  await podnet('up', '--name', name, '--nodes', '2', '--port', port, '--ui-port', '0');
  await pexec('bash', ['-c', `cat <<'EOF' | ${KUBECTL} --kubeconfig ${kubeconfig} apply -f -\n${manifest}\nEOF`]);
  const status = JSON.parse(readFileSync(join(home, 'clusters', name, 'status.json'), 'utf8')) as { ui?: string; nodes: { name: string; netns: string }[] };
  await waitFor('ready pods and endpoints', async () => {
    const pods = JSON.parse(await kubectl('get', 'pods', '-A', '-o', 'json')) as { items: { metadata: { namespace: string; name: string; uid: string }; status: { podIP?: string; conditions?: { type: string; status: string }[] } }[] };
    const mine = pods.items.filter((p) => p.metadata.namespace === 'shop' || ['client', 'intruder'].includes(p.metadata.name));
    const ready = mine.filter((p) => p.status.podIP && p.status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
    if (ready.length !== 4) return undefined;
    for (const p of ready) {
      netnsOf.set(`${p.metadata.namespace}/${p.metadata.name}`, podNetnsName(name, p.metadata.uid));
      ipOf.set(`${p.metadata.namespace}/${p.metadata.name}`, p.status.podIP!);
    }
    const eps = await kubectl('get', 'endpointslices', '-n', 'shop', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}');
    return eps.trim().split(/\s+/).length === 2 ? true : undefined;
  });
  nodeNames = status.nodes.map((n) => n.name);
  probeSource = kubeSource(new KubeClient(loadKubeconfig(kubeconfig)));
  probeObs = await startObserve({ source: probeSource, nodes: status.nodes, listen: { host: '127.0.0.1', port: 0 }, capture: false, probeIntervalMs: 300 });
  if (status.ui) {
    // The daemon runs observe itself (the lead wires it): test that one.
    url = status.ui;
  } else {
    source = kubeSource(new KubeClient(loadKubeconfig(kubeconfig)));
    obs = await startObserve({ source, nodes: status.nodes, listen: { host: '127.0.0.1', port: 0 } });
    url = obs.url;
  }
});

after(async () => {
  await obs?.stop();
  source?.stop();
  await probeObs?.stop();
  probeSource?.stop();
  await cluster.destroy(!skip);
});

test('real connections become flows: forwarded via a ClusterIP, rejected without endpoints, dropped by policy', { skip }, async () => {
  const web = (await kubectl('get', 'svc', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const empty = (await kubectl('get', 'svc', '-n', 'shop', 'empty', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const fwd = await connectUntil('default/client', `http://${web}/`, 'service=shop/web&verdict=forwarded');
  assert.equal(fwd.dst.namespace, 'shop');
  assert.equal(fwd.dst.port, 8080);
  assert.equal(fwd.service?.ip, web);
  // (a Service whose endpoints the proxy has not programmed yet is rejected too: filter by Service)
  const rej = await connectUntil('default/client', `http://${empty}/`, 'verdict=rejected&service=shop/empty');
  assert.equal(rej.reason, 'Service shop/empty has no endpoints for port 80');
  const drop = await connectUntil('default/intruder', `http://${web}/`, 'verdict=dropped');
  assert.equal(drop.direction, 'ingress');
  assert.equal(drop.dst.namespace, 'shop');
  assert.match(drop.reason ?? '', /denied by NetworkPolicy \(ingress of shop\/web-/);
  const metrics = await (await fetch(new URL('/metrics', url))).text();
  assert.match(metrics, /podnet_service_connections_total\{namespace="shop",service="web",verdict="forwarded"\} [1-9]/);
  // Handshake times join two conntrack readers' events; dial until one is recorded.
  const handshakes = await waitFor('a Service handshake time', async () => {
    await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', `http://${web}/`], { netns: netnsOf.get('default/client')! });
    const n = (await samples(url, 'podnet_service_connect_latency_seconds_count')).find((x) => x.labels.namespace === 'shop' && x.labels.service === 'web');
    return n && n.value >= 1 ? n : undefined;
  }, 30_000);
  assert.ok(handshakes.value >= 1);
});

test('trace: an allowed ClusterIP connection is predicted as the kernel forwards it', { skip }, async () => {
  const t = await trace('default/client', 'web.shop');
  assert.equal(t.predicted.verdict, 'forwarded');
  assert.equal(t.match, true, JSON.stringify(t.hops, null, 1));
  assert.match(t.hops.find((h) => h.step === 'service')?.kernel ?? '', /^dnat to 10\.244\./);
  assert.match(t.hops.find((h) => h.step === 'ingress policy')?.kernel ?? '', /allowed by web-from-client ingress rule 0/);
});

test('trace: a policy-denied connection is predicted dropped and the kernel drops it', { skip }, async () => {
  const t = await trace('default/intruder', 'web.shop.svc.cluster.local:80');
  assert.equal(t.predicted.verdict, 'dropped');
  assert.equal(t.match, true, JSON.stringify(t.hops, null, 1));
  assert.match(t.hops.find((h) => h.step === 'ingress policy')?.kernel ?? '', /^dropped in in-/);
});

test('trace: a Service without endpoints is predicted rejected and the kernel rejects it', { skip }, async () => {
  const t = await trace('default/client', 'empty.shop:80/tcp');
  assert.equal(t.predicted.verdict, 'rejected');
  assert.equal(t.match, true, JSON.stringify(t.hops, null, 1));
  assert.match(t.hops.find((h) => h.step === 'service')?.kernel ?? '', /^reject in podnet-proxy/);
});

const browserSkip = skip || (existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed`);

/** A page in a fresh headless Chromium profile, closed and removed afterwards. */
async function withPage(fn: (page: Page) => Promise<void>): Promise<void> {
  const profile = mkdtempSync(join(tmpdir(), 'podnet-ui-'));
  let ctx: BrowserContext | undefined;
  try {
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM, headless: true, viewport: { width: 1400, height: 900 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    await fn(await ctx.newPage());
  } finally {
    await ctx?.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

test('the map shows the cluster and a flow after traffic', { skip: browserSkip }, async () => {
  await withPage(async (page) => {
    await page.goto(url);
    await page.waitForSelector('g[data-pod="default/client"]');
    await page.waitForSelector('g[data-svc="shop/web"]');
    await page.waitForSelector('g[data-svc="kube-system/kube-dns"]');
    const web = (await kubectl('get', 'svc', '-n', 'shop', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
    const row = page.locator('#flows tr', { hasText: 'default/intruder' }).filter({ hasText: 'DROPPED' });
    await waitFor('a drop row on the map', async () => {
      await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', `http://${web}/`], { netns: netnsOf.get('default/intruder')! });
      return (await row.count()) > 0 ? true : undefined;
    }, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; flows of intruder: ${JSON.stringify((await flows('pod=default/intruder')).slice(-3))}`);
    });
    await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', `http://${web}/`], { netns: netnsOf.get('default/client')! });
    await page.locator('#flows tr', { hasText: 'default/client' }).filter({ hasText: 'FORWARDED' }).first().waitFor();
    await page.screenshot({ path: join(screenshotDir(), 'live-cluster.png'), fullPage: true });
  });
});

async function probes(base: string): Promise<{ intervalMs: number; results: ProbeResult[] }> {
  return (await (await fetch(new URL('/api/probes', base))).json()) as { intervalMs: number; results: ProbeResult[] };
}

async function samples(base: string, name: string): Promise<Sample[]> {
  return parsePrometheusText(await (await fetch(new URL('/metrics', base))).text()).filter((s) => s.name === name);
}

const allPairs = () => nodeNames.flatMap((s) => nodeNames.map((d) => `${s}→${d}`)).sort();

/** What the cluster's policy lets a probe do: shop's web pods admit only default/client. */
const admitted = (r: ProbeResult) => !r.dst.startsWith('shop/') || r.src === 'default/client';
/** Every pair probed, answered where the policy admits it and timed out where it does not. */
const asPolicySays = (rs: readonly ProbeResult[]) =>
  rs.length === nodeNames.length ** 2 && rs.every((r) => (admitted(r) ? r.ok : r.outcome === 'timeout'));

test('latency probes measure every ordered node pair from inside pods', { skip }, async () => {
  const results = await waitFor('a probe of every node pair, as the policies allow', async () => {
    const r = (await probes(probeObs!.url)).results;
    return asPolicySays(r) ? r : undefined;
  }, 30_000).catch(async (err: Error) => {
    throw new Error(`${err.message}: ${JSON.stringify((await probes(probeObs!.url)).results)}`);
  });
  assert.deepEqual(results.map((r) => `${r.srcNode}→${r.dstNode}`).sort(), allPairs());
  const ok = results.filter((r) => r.ok);
  assert.ok(ok.length > 0);
  for (const r of ok) assert.ok(r.latencyMs! > 0 && r.latencyMs! < 1000, JSON.stringify(r));
  const counts = await samples(probeObs!.url, 'podnet_pod_probe_latency_seconds_count');
  for (const r of ok) assert.ok(counts.some((c) => c.labels.src_node === r.srcNode && c.labels.dst_node === r.dstNode && c.value >= 1), `${r.srcNode}→${r.dstNode}`);
  const out: string[] = [];
  assert.equal(await observeCommand(['--url', probeObs!.url, '--probes'], { out: (l) => out.push(l), err: (l) => out.push(l) }), 0);
  assert.match(out[0]!, new RegExp(`^SRC \\\\ DST\\s+${nodeNames.join('\\s+')}$`));
  for (const [i, n] of nodeNames.entries()) assert.match(out[i + 1]!, new RegExp(`^${n}(\\s+(\\d+(µs|\\.\\d\\dms)|✕ timeout)){${nodeNames.length}}$`));
  // The daemon's own observe probes too (default interval); its first rounds may predate the pods.
  const daemon = await waitFor('the daemon\'s probes of every node pair', async () => {
    const p = await probes(url);
    return asPolicySays(p.results) ? p : undefined;
  }, 30_000);
  assert.equal(daemon.intervalMs, 10_000);
});

test('a destination pod behind a default-deny NetworkPolicy turns its probes into timeouts', { skip }, async () => {
  const results = (await probes(probeObs!.url)).results;
  // A pod on another node, in a namespace whose pods no other policy admits (shop's web pods admit the client).
  const target = results.find((r) => r.srcNode !== r.dstNode && !r.dst.startsWith('shop/'));
  assert.ok(target, JSON.stringify(results));
  const ns = target.dst.split('/')[0]!;
  const deny = `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: probe-deny, namespace: ${ns}}\nspec: {podSelector: {}, policyTypes: [Ingress]}\n`;
  await pexec('bash', ['-c', `cat <<'EOF' | ${KUBECTL} --kubeconfig ${kubeconfig} apply -f -\n${deny}EOF`]);
  try {
    const blocked = await waitFor(`timeouts towards ${target.dst}`, async () => {
      const r = (await probes(probeObs!.url)).results.filter((x) => x.dst === target.dst && x.srcNode !== x.dstNode);
      return r.length === nodeNames.length - 1 && r.every((x) => !x.ok && x.outcome === 'timeout') ? r : undefined;
    }, 30_000).catch(async (err: Error) => {
      throw new Error(`${err.message}; probes: ${JSON.stringify((await probes(probeObs!.url)).results)}; policies: ${await kubectl('get', 'networkpolicy', '-A')}`);
    });
    assert.deepEqual(blocked.map((r) => r.latencyMs), blocked.map(() => undefined));
    const failures = await samples(probeObs!.url, 'podnet_pod_probe_failures_total');
    for (const src of blocked.map((r) => r.srcNode)) {
      assert.ok(failures.some((f) => f.labels.src_node === src && f.labels.dst_node === target.dstNode && f.labels.reason === 'timeout' && f.value >= 1), `${src}→${target.dstNode}: ${JSON.stringify(failures)}`);
    }
  } finally {
    await kubectl('delete', 'networkpolicy', '-n', ns, 'probe-deny');
  }
  await waitFor(`probes towards ${target.dst} answered again`, async () => {
    const r = (await probes(probeObs!.url)).results.filter((x) => x.dst === target.dst);
    return r.length > 0 && r.every((x) => x.ok) ? true : undefined;
  }, 30_000);
});

test('the map\'s latency view shows the node × node round trips', { skip: browserSkip }, async () => {
  await withPage(async (page) => {
    await page.goto(probeObs!.url);
    await page.click('nav button[data-view="probes"]');
    await page.waitForFunction(`document.querySelectorAll('#probes td.ok, #probes td.fail').length === ${nodeNames.length ** 2}`);
    const results = (await probes(probeObs!.url)).results;
    const ok = results.find((r) => r.ok)!;
    assert.match(await page.textContent(`#probes td.ok[data-src="${ok.srcNode}"][data-dst="${ok.dstNode}"]`) ?? '', /^\d+(\.\d\d)? (µs|ms)$/);
    await page.screenshot({ path: join(screenshotDir(), 'latency.png') });
  });
});
