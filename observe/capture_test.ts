// Root: capture in a real namespace. A "node" netns with a "pod" behind a veth, a DNAT'ed Service
// address, a rejecting one without endpoints and a logged policy drop, written as the proxy and the
// enforcer write them; the flows observe reports must say what the kernel did to each connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { MemorySource } from '../client/memory.js';
import { rootTestsEnabled, run, runOk } from '../host/exec.js';
import { cleanupNetnsPrefix, testPrefix } from '../host/testutil.js';
import { startObserve, type Observe } from './observe.js';
import { OBSERVE_TABLE } from './capture.js';
import { isProbePort, PROBE_PORT_FIRST } from './probeplan.js';
import { parsePrometheusText } from '../cli/promtext.js';
import type { KubeObject } from '../api/types.js';
import type { Flow, FlowFilter } from './types.js';

const skip = rootTestsEnabled() ? false : 'needs root';
const prefix = testPrefix();
const NODE = `${prefix}node`;
const POD = `${prefix}pod`;
let obs: Observe | undefined;
let server: ChildProcess | undefined;

const RULES = `
table ip podnet-proxy {
  chain nat-prerouting {
    type nat hook prerouting priority -100;
    ip daddr 10.96.0.20 tcp dport 80 dnat to 10.244.1.1:8080
  }
  chain filter-forward {
    type filter hook forward priority -110;
    ct state new ip daddr 10.96.0.21 tcp dport 80 reject with tcp reset
  }
}
table ip podnet-netpol {
  chain input {
    type filter hook input priority 0;
    tcp dport 9090 counter log prefix "podnet-drop:shop/server:ingress:" drop
  }
}
`;

function objects(): KubeObject[] {
  const pod = (ns: string, name: string, ip: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels: { app: name } }, spec: { nodeName: 'node-1', containers: [] }, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] } }) as KubeObject;
  const svc = (name: string, ip: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name }, spec: { clusterIP: ip, clusterIPs: [ip], ports: [{ port: 80, protocol: 'TCP' }] } }) as KubeObject;
  return [pod('default', 'client', '10.244.1.2'), pod('shop', 'server', '10.244.1.1'), svc('web', '10.96.0.20'), svc('empty', '10.96.0.21')];
}

before(async () => {
  if (skip) return;
  for (const ns of [NODE, POD]) await runOk('ip', ['netns', 'add', ns]);
  await runOk('ip', ['-n', NODE, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', POD]);
  await runOk('ip', ['-n', NODE, 'addr', 'add', '10.244.1.1/24', 'dev', 'veth0']);
  await runOk('ip', ['-n', NODE, 'link', 'set', 'veth0', 'up']);
  await runOk('ip', ['-n', NODE, 'link', 'set', 'lo', 'up']);
  // Service addresses route somewhere, as in a node, so that rejects happen in forward.
  // (no dummy module here: a veth pair with both ends in the node serves)
  await runOk('ip', ['-n', NODE, 'link', 'add', 'svc0', 'type', 'veth', 'peer', 'name', 'svc1']);
  await runOk('ip', ['-n', NODE, 'link', 'set', 'svc0', 'up']);
  await runOk('ip', ['-n', NODE, 'link', 'set', 'svc1', 'up']);
  await runOk('ip', ['-n', NODE, 'route', 'add', '10.96.0.0/12', 'dev', 'svc0']);
  await runOk('sysctl', ['-qw', 'net.ipv4.ip_forward=1'], { netns: NODE });
  await runOk('ip', ['-n', POD, 'addr', 'add', '10.244.1.2/24', 'dev', 'eth0']);
  await runOk('ip', ['-n', POD, 'link', 'set', 'eth0', 'up']);
  await runOk('ip', ['-n', POD, 'link', 'set', 'lo', 'up']);
  await runOk('ip', ['-n', POD, 'route', 'add', 'default', 'via', '10.244.1.1']);
  await runOk('nft', ['-f', '-'], { netns: NODE, input: RULES });
  server = spawn('ip', ['netns', 'exec', NODE, 'python3', '-m', 'http.server', '8080', '--bind', '10.244.1.1'], { stdio: 'ignore' });
  const source = new MemorySource();
  for (const o of objects()) source.apply(o);
  obs = await startObserve({ source, nodes: [{ name: 'node-1', netns: NODE }], listen: { host: '127.0.0.1', port: 0 }, onError: () => {} });
});

after(async () => {
  await obs?.stop();
  if (server?.pid) server.kill('SIGKILL');
  if (!skip) await cleanupNetnsPrefix(prefix);
});

/** Dials until observe reports a matching flow: its followers subscribe asynchronously. */
async function dialUntil(args: string[], filter: FlowFilter, pred: (f: Flow) => boolean = () => true): Promise<Flow> {
  for (let i = 0; i < 100; i++) {
    await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', ...args], { netns: POD });
    for (let j = 0; j < 10; j++) {
      const hit = obs!.flows(filter).find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  throw new Error(`no flow matching ${JSON.stringify(filter)}`);
}

test('a connection to a Service address is a forwarded flow naming the Service and the real endpoint', { skip }, async () => {
  const f = await dialUntil(['http://10.96.0.20/'], { service: 'shop/web', verdict: 'forwarded' });
  assert.equal(f.src.pod, 'client');
  assert.equal(f.dst.pod, 'server');
  assert.equal(f.dst.port, 8080);
  assert.equal(f.service?.ip, '10.96.0.20');
  // Flushing the entry ends the connection: the DESTROY event carries its byte counters.
  await run('conntrack', ['-D', '-s', '10.244.1.2', '-p', 'tcp'], { netns: NODE });
  const end = await dialUntil([], { service: 'shop/web' }, (x) => x.event === 'end');
  assert.ok((end.bytes ?? 0) > 0, `bytes counted: ${JSON.stringify(end)}`);
  assert.ok((end.packets ?? 0) > 0);
});

test('a Service without endpoints is a rejected flow saying so', { skip }, async () => {
  const f = await dialUntil(['http://10.96.0.21/'], { verdict: 'rejected' });
  assert.equal(f.service?.name, 'empty');
  assert.equal(f.reason, 'Service shop/empty has no endpoints for port 80');
});

test('a policy drop is a dropped flow with the pod and direction from the log prefix', { skip }, async () => {
  const f = await dialUntil(['http://10.244.1.1:9090/'], { verdict: 'dropped' });
  assert.equal(f.direction, 'ingress');
  assert.equal(f.dst.pod, 'server');
  assert.match(f.reason ?? '', /NetworkPolicy \(ingress of shop\/server\)/);
});

test('a connection to a Service records its handshake time under the Service', { skip }, async () => {
  const count = async () => parsePrometheusText(await obs!.hub.metrics.registry.metrics())
    .find((x) => x.name === 'podnet_service_connect_latency_seconds_count' && x.labels.namespace === 'shop' && x.labels.service === 'web')?.value ?? 0;
  // The SYN_RECV reader starts asynchronously: dial until a handshake is joined.
  for (let i = 0; i < 100 && (await count()) === 0; i++) {
    await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', 'http://10.96.0.20/'], { netns: POD });
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok((await count()) >= 1);
  const sum = parsePrometheusText(await obs!.hub.metrics.registry.metrics()).find((x) => x.name === 'podnet_service_connect_latency_seconds_sum' && x.labels.service === 'web')!;
  assert.ok(sum.value >= 0 && sum.value < 1, String(sum.value));
});

test('connections from the probe source ports are neither flows nor traced drops', { skip }, async () => {
  // Sent before an ordinary connection: events arrive in order, so once that one is a flow these would be too.
  await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', '--local-port', String(PROBE_PORT_FIRST), 'http://10.96.0.20/'], { netns: POD });
  await run('curl', ['-s', '-o', '/dev/null', '--max-time', '1', '--local-port', String(PROBE_PORT_FIRST + 1), 'http://10.244.1.1:9090/'], { netns: POD });
  const marker = await dialUntil(['http://10.96.0.21/'], { verdict: 'rejected' }, (f) => f.time > new Date(Date.now() - 5000).toISOString());
  assert.ok(marker);
  const probeFlows = obs!.flows({}).filter((f) => isProbePort(f.src.port));
  assert.deepEqual(probeFlows, []);
});

test('stopping observe removes its table from the node', { skip }, async () => {
  await obs!.stop();
  obs = undefined;
  const r = await run('nft', ['list', 'table', 'ip', OBSERVE_TABLE], { netns: NODE });
  assert.notEqual(r.code, 0);
});
