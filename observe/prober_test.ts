// Root: the prober in real namespaces. Two "pods" (one per "node") joined by a veth; one listens on
// its declared port, the other declares none (its closed port answers with a RST). Every ordered
// pair gets a round trip; a drop rule in one pod turns the pairs towards it into timeouts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { rootTestsEnabled, runOk } from '../host/exec.js';
import { cleanupNetnsPrefix, testPrefix } from '../host/testutil.js';
import { parsePrometheusText } from '../cli/promtext.js';
import type { Pod } from '../api/types.js';
import { flowMetrics } from './metrics.js';
import { startProber, type Prober } from './prober.js';
import { isProbePort } from './probeplan.js';

const skip = rootTestsEnabled() ? false : 'needs root';
const prefix = testPrefix();
const A = `${prefix}a`;
const B = `${prefix}b`;
let server: ChildProcess | undefined;
let prober: Prober | undefined;
const metrics = flowMetrics();

function pod(name: string, node: string, ip: string, ports: number[]): Pod {
  return {
    metadata: { namespace: 'probe', name, uid: name, creationTimestamp: '2026-01-01T00:00:00Z' },
    spec: { nodeName: node, containers: [{ name: 'c', ports: ports.map((containerPort) => ({ containerPort })) }] },
    status: { phase: 'Running', podIP: ip },
  } as Pod;
}
const pods = [pod('a', 'node-1', '10.250.0.1', []), pod('b', 'node-2', '10.250.0.2', [8080])];

before(async () => {
  if (skip) return;
  for (const ns of [A, B]) await runOk('ip', ['netns', 'add', ns]);
  await runOk('ip', ['-n', A, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', B]);
  for (const [ns, ip] of [[A, '10.250.0.1'], [B, '10.250.0.2']] as const) {
    await runOk('ip', ['-n', ns, 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
    await runOk('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    await runOk('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
  }
  server = spawn('ip', ['netns', 'exec', B, 'python3', '-m', 'http.server', '8080', '--bind', '10.250.0.2'], { stdio: 'ignore' });
  // The listener may not be up for the first rounds: the first test repeats rounds until it answers.
  prober = startProber({ pods: () => pods, nodes: ['node-1', 'node-2'], podNetns: (uid) => `${prefix}${uid}`, intervalMs: 60_000, timeoutMs: 1500, metrics });
});

after(async () => {
  await prober?.stop();
  if (server?.pid) server.kill('SIGKILL');
  if (!skip) await cleanupNetnsPrefix(prefix);
});

test('every ordered node pair gets a handshake round trip: SYN/ACK from a listener, RST from a closed port', { skip }, async () => {
  // Pairs from different sources are probed concurrently, so until the listener is up a round can
  // see it from one source and not yet from the other: wait for a round where every probe to it connects.
  const listening = (rs: Awaited<ReturnType<Prober['round']>>) => rs.filter((r) => r.dstNode === 'node-2').every((r) => r.outcome === 'connected');
  const deadline = Date.now() + 20_000;
  let results = await prober!.round();
  while (!listening(results) && Date.now() < deadline) results = await prober!.round();
  assert.deepEqual(results.map((r) => `${r.srcNode}→${r.dstNode} ${r.outcome}`), [
    'node-1→node-1 refused', 'node-1→node-2 connected', 'node-2→node-1 refused', 'node-2→node-2 connected',
  ]);
  for (const r of results) assert.ok(r.ok && r.latencyMs! > 0 && r.latencyMs! < 1500, JSON.stringify(r));
  assert.deepEqual(prober!.results(), results);
  const samples = parsePrometheusText(await metrics.registry.metrics());
  const count = (src: string, dst: string) => samples.find((s) => s.name === 'podnet_pod_probe_latency_seconds_count' && s.labels.src_node === src && s.labels.dst_node === dst)?.value ?? 0;
  for (const [s, d] of [['node-1', 'node-1'], ['node-1', 'node-2'], ['node-2', 'node-1'], ['node-2', 'node-2']]) assert.ok(count(s!, d!) >= 1, `${s}→${d}`);
});

test('probes come from the reserved source ports', { skip }, async () => {
  // Reset connections leave no socket to list; conntrack in the destination remembers them for a while.
  await runOk('nft', ['-f', '-'], { netns: B, input: 'table ip t {\n chain c {\n type filter hook input priority 0; policy accept;\n ct state new counter\n }\n}\n' });
  await prober!.round();
  const out = await runOk('conntrack', ['-L', '-p', 'tcp', '--dport', '8080'], { netns: B });
  const sports = [...out.matchAll(/sport=(\d+) dport=8080/g)].map((m) => Number(m[1]));
  assert.ok(sports.length > 0, out);
  assert.ok(sports.every(isProbePort), out);
});

test('a pod that drops the probes is reported as timeouts, counted by reason', { skip }, async () => {
  await runOk('nft', ['-f', '-'], { netns: B, input: 'table ip deny {\n chain in {\n type filter hook input priority 0; policy accept;\n tcp dport 8080 drop\n }\n}\n' });
  const results = await prober!.round();
  assert.deepEqual(results.map((r) => `${r.srcNode}→${r.dstNode} ${r.outcome}`), [
    'node-1→node-1 refused', 'node-1→node-2 timeout', 'node-2→node-1 refused', 'node-2→node-2 timeout',
  ]);
  assert.equal(results[1]!.latencyMs, undefined);
  const samples = parsePrometheusText(await metrics.registry.metrics());
  const failures = samples.filter((s) => s.name === 'podnet_pod_probe_failures_total' && s.labels.reason === 'timeout');
  assert.deepEqual(failures.map((s) => `${s.labels.src_node}→${s.labels.dst_node} ${s.value}`).sort(), ['node-1→node-2 1', 'node-2→node-2 1']);
});

test('a source pod whose namespace is gone fails its probes as "helper", saying which namespace', { skip }, async () => {
  const m = flowMetrics();
  const ghost = startProber({ pods: () => [pod('ghost', 'node-9', '10.250.0.9', [])], nodes: ['node-9'], podNetns: (uid) => `${prefix}${uid}`, intervalMs: 60_000, timeoutMs: 300, metrics: m });
  try {
    const [r, ...rest] = await ghost.round();
    assert.deepEqual(rest, []);
    assert.equal(r!.outcome, 'helper');
    assert.match(r!.detail ?? '', new RegExp(`netns "${prefix}ghost"`));
    const failures = parsePrometheusText(await m.registry.metrics()).filter((s) => s.name === 'podnet_pod_probe_failures_total');
    assert.deepEqual(failures.map((s) => [s.labels.reason, s.value >= 1]), [['helper', true]]);
  } finally {
    await ghost.stop();
  }
});
