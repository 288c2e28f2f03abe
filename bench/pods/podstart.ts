// Pod start latency: create → status Running with a pod IP, for N pods on one kubelet (real netns,
// reference CNI bridge + host-local, real processes), p50/p99. The peer is the same work done by
// hand with no kubelet (ip netns add, CNI ADD, spawn the same echo server), so
// the ratio shows what the kubelet itself costs.
//   node dist/bench/pods/podstart.js [--pods 100] [--mode burst|serial]
import { performance } from 'node:perf_hooks';
import type { KubeObject, Pod } from '../../api/types.js';
import { MemorySource } from '../../client/memory.js';
import { R } from '../../client/source.js';
import { ensureNetns, deleteNetns, netnsPids } from '../../host/netns.js';
import { cniRuntime, resultIPs } from '../../cni/runtime.js';
import { startKubelet } from '../../kubelet/kubelet.js';
import { memoryWriter } from '../../kubelet/memorywriter.js';
import { makeTestNode } from '../../kubelet/testing.js';
import { nodeArgv } from '../../host/entry.js';
import { spawnInNetns, signalGroup } from '../../kubelet/process.js';
import path from 'node:path';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summary(name: string, ms: number[], wallMs: number): string {
  const s = [...ms].sort((a, b) => a - b);
  return `| ${name} | ${s.length} | ${pct(s, 50).toFixed(0)} | ${pct(s, 99).toFixed(0)} | ${s[s.length - 1]!.toFixed(0)} | ${(wallMs / 1000).toFixed(1)} |`;
}

async function kubeletRun(n: number, serial: boolean): Promise<{ ms: number[]; wall: number }> {
  const t = await makeTestNode('10.244.0.0/16');
  const source = new MemorySource();
  const writer = memoryWriter(source);
  const k = await startKubelet({ node: t.node, source, writer, stateDir: t.stateDir, clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', podnetBin: 'bin/podnet', cluster: t.cluster, nodeResolvConf: t.resolvConf });
  const created = new Map<string, number>();
  const ms: number[] = [];
  let waiters: (() => void)[] = [];
  const off = source.informer(R.pods).onChange((c) => {
    const p = c.object as Pod;
    const name = p.metadata?.name ?? '';
    if (p.status?.phase === 'Running' && p.status.podIP && created.has(name)) {
      ms.push(performance.now() - created.get(name)!);
      created.delete(name);
      waiters.forEach((w) => w());
    }
  });
  const until = (count: number) => new Promise<void>((resolve) => {
    const check = () => ms.length >= count && resolve();
    waiters.push(check);
    check();
  });
  const t0 = performance.now();
  try {
    for (let i = 0; i < n; i++) {
      const name = `p${i}`;
      created.set(name, performance.now());
      source.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'bench', uid: `bench-${i}` }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }] }] } } as KubeObject);
      if (serial) await until(i + 1);
    }
    await until(n);
    return { ms, wall: performance.now() - t0 };
  } finally {
    off();
    waiters = [];
    await k.stop({ removePods: true });
    await t.cleanup();
  }
}

/** The same steps without a kubelet: netns, CNI ADD, spawn the echo server. */
async function peerRun(n: number, serial: boolean): Promise<{ ms: number[]; wall: number }> {
  const t = await makeTestNode('10.244.0.0/16');
  const rt = cniRuntime({ confDir: t.node.cniConfDir, cacheDir: path.join(t.stateDir, 'peer-cni'), netns: t.node.netns });
  const argv = nodeArgv(new URL('../../kubelet/workloads/main.js', import.meta.url));
  const pids: number[] = [];
  const one = async (i: number): Promise<number> => {
    const start = performance.now();
    const ns = `pn-${t.cluster}-peer-${i}`;
    await ensureNetns(ns);
    const ip = resultIPs(await rt.add({ containerID: `peer-${i}`, netns: ns, ifname: 'eth0' }))[0];
    const child = spawnInNetns(ns, [...argv, 'echo'], { env: { PATH: process.env.PATH ?? '', PODNET_PORTS: '80/TCP', PODNET_POD_NAME: `p${i}` }, stdin: false, tty: false });
    pids.push(child.pid!);
    // Same point as the kubelet's "Running": the process has been started (not yet listening).
    await new Promise<void>((r) => child.once('spawn', () => r()));
    child.stdout!.resume();
    child.stderr!.resume();
    if (!ip) throw new Error('no IP');
    return performance.now() - start;
  };
  const t0 = performance.now();
  try {
    const ms: number[] = [];
    if (serial) for (let i = 0; i < n; i++) ms.push(await one(i));
    else ms.push(...(await Promise.all(Array.from({ length: n }, (_, i) => one(i)))));
    return { ms, wall: performance.now() - t0 };
  } finally {
    for (const p of pids) signalGroup(p, 'SIGKILL');
    for (let i = 0; i < n; i++) await deleteNetns(`pn-${t.cluster}-peer-${i}`).catch(() => {});
    for (const p of await netnsPids(t.node.netns)) signalGroup(p, 'SIGKILL');
    await t.cleanup();
  }
}

async function main(): Promise<void> {
  const n = Number(arg('pods', '100'));
  const mode = arg('mode', 'burst');
  const serial = mode === 'serial';
  const kub = await kubeletRun(n, serial);
  const peer = await peerRun(n, serial);
  const p50 = (x: number[]) => pct([...x].sort((a, b) => a - b), 50);
  console.log(`| what (${mode}, ${n} pods) | pods | p50 ms | p99 ms | max ms | wall s |`);
  console.log('|---|---|---|---|---|---|');
  console.log(summary('kubelet: create → Running with IP', kub.ms, kub.wall));
  console.log(summary('peer: netns + CNI ADD + spawn, no kubelet', peer.ms, peer.wall));
  console.log(`\nratio kubelet/peer p50: ${(p50(kub.ms) / p50(peer.ms)).toFixed(2)}`);
}

main().then(() => process.exit(0), (e) => {
  console.error(e);
  process.exit(1);
});
