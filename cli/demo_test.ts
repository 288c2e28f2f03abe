// The quick start's demo, checked line by line as root: `podnet up --demo` on 2 nodes, then what it
// tells the user to try — the policy matrix predicted and measured (they agree), Frontend → Database
// blocked and explained, a microservice reaching another by DNS name, and the host reaching the
// backend through 127.0.0.1 → LoadBalancer → Ingress (with a rewrite) → Service → pod, each step
// visible in `podnet observe` (DNS and HTTP as L7 flows).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import http from 'node:http';
import { promisify } from 'node:util';
import { readStatus } from './daemonctl.js';
import { clusterPaths } from './paths.js';
import { clusterSkip, testCluster, waitFor } from './testing/cluster.js';

const pexec = promisify(execFile);
const skip = clusterSkip();
const cluster = testCluster({ prefix: 'd', podnetTimeoutMs: 240_000 });
const { name, env, bin, port, kubectl } = cluster;
// The test reads the cluster's status.json through the same paths podnet uses.
process.env.PODNET_HOME = cluster.home;

/** `podnet COMMAND --name <cluster> ARGS…`, with its exit code instead of a rejection. */
async function podnet(...args: string[]): Promise<{ stdout: string; code: number }> {
  try {
    const [command, ...rest] = args;
    const { stdout } = await pexec(process.execPath, [bin, command!, '--name', name, ...rest], { env, timeout: 240_000 });
    return { stdout, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: `${e.stdout ?? ''}${e.stderr ?? ''}`, code: typeof e.code === 'number' ? e.code : 1 };
  }
}

const eventually = <T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 90_000) => waitFor(what, fn, timeoutMs, 300);

/** GET with a Host header (fetch() drops Host: it is a forbidden header name in the Fetch spec). */
function get(url: string, host: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { Host: host }, timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

let upOutput = '';
before(async () => {
  if (skip) return;
  const { stdout, code } = await pexec(process.execPath, [bin, 'up', '--name', name, '--nodes', '2', '--port', port, '--ui-port', '0', '--demo'], { env, timeout: 240_000 })
    .then((r) => ({ stdout: r.stdout, code: 0 }))
    .catch((e: { stdout?: string; code?: number }) => ({ stdout: e.stdout ?? '', code: e.code ?? 1 }));
  upOutput = stdout;
  assert.equal(code, 0, upOutput);
  await eventually('every demo pod ready', async () => {
    const out = await kubectl('get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{"\\n"}{end}');
    const states = out.trim().split('\n');
    return states.length >= 13 && states.every((s) => s === 'True') ? true : undefined;
  });
});

after(() => cluster.destroy(!skip));

test('the demo prints what to try, naming real pods', { skip }, () => {
  assert.match(upOutput, /Try:/);
  assert.match(upOutput, /podnet explain --name \S+ --from shop\/frontend-\S+ --to shop\/db-0:5432/);
});

test('the policy matrix measured with real connections matches the prediction', { skip }, async () => {
  const { stdout, code } = await podnet('reach', '-n', 'shop', '--port', '8080', '--live', '--compare');
  assert.equal(code, 0, stdout);
  assert.match(stdout, /prediction matches measurement on every cell/);
});

test('Frontend → Database is blocked, and explain names the policy', { skip }, async () => {
  const frontend = (await kubectl('get', 'pod', '-n', 'shop', '-l', 'app=frontend', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
  const { stdout } = await podnet('explain', '--from', `shop/${frontend}`, '--to', 'shop/db-0:5432');
  assert.match(stdout, /DENIED/);
  assert.match(stdout, /db-policy/);
  const probe = await podnet('exec', `shop/${frontend}`, '--', 'curl', '-sS', '--max-time', '2', 'http://db-0.db:5432/');
  assert.notEqual(probe.code, 0, 'the connection must not get through');
});

test('microservices find each other by DNS name through their Service', { skip }, async () => {
  const user = (await kubectl('get', 'pod', '-n', 'shop', '-l', 'app=user', '-o', 'jsonpath={.items[0].metadata.name}')).trim();
  const { stdout, code } = await podnet('exec', `shop/${user}`, '--', 'curl', '-s', '--max-time', '3', 'http://order:8080/hostname');
  assert.equal(code, 0, stdout);
  assert.match(stdout.trim(), /^order-/);
  // The cluster DNS reports the lookup as an L7 flow.
  const flows = await eventually('the DNS query as an L7 flow', async () => {
    const out = (await podnet('observe', '--protocol', 'dns', '--pod', user)).stdout;
    return /order\.shop\.svc\.cluster\.local\.\s+NOERROR/.test(out) ? out : undefined;
  }, 15_000);
  assert.match(flows, /kube-system\/coredns-/);
});

test('the host reaches the backend through 127.0.0.1, the LoadBalancer and the Ingress', { skip }, async () => {
  const url = await eventually('the ingress published on 127.0.0.1', async () =>
    readStatus(clusterPaths(name))?.published?.find((p) => p.service === 'podnet-ingress/ingress' && p.url.startsWith('http:'))?.url,
  );
  const body = await eventually('a backend answering through the ingress', async () => {
    const res = await get(`${url}/api/hostname`, 'shop.localtest');
    return res.status === 200 && res.body.startsWith('backend-') ? res.body : undefined;
  });
  assert.match(body, /^backend-/);
  // The ingress reports the request as an L7 flow, with the backend pod it went to.
  const flows = await eventually('the HTTP request as an L7 flow', async () => {
    const out = (await podnet('observe', '--protocol', 'http')).stdout;
    return /shop\/backend-\S+\s.*GET shop\.localtest\/api\/hostname 200/.test(out) ? out : undefined;
  }, 15_000);
  assert.ok(flows);
  const miss = await get(`${url}/`, 'unknown.localtest');
  assert.equal(miss.status, 404);
});
