// Data-plane benchmark: connection rate and throughput to a ClusterIP vs the pod IP directly,
// with 10k other Services programmed (nftables mode), and userspace vs nftables throughput.
// Root only. Run: npx tsc -p . && [ROUNDS=3 SECS=2] node dist/bench/proxy/dataplane_bench.js [services]
import { spawn } from 'node:child_process';
import { MemorySource } from '../../client/memory.js';
import { runOk } from '../../host/exec.js';
import type { KubeObject } from '../../api/types.js';
import { startProxy, type Proxy } from '../../proxy/proxy.js';
import { svc, slice } from '../../proxy/fixtures.js';
import { createTopology, startServer } from '../../proxy/testing/topology.js';

const RATE = `
const net = require('net'); const [host, port, ms] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
let n = 0; const end = Date.now() + ms;
(function next() { if (Date.now() >= end) { console.log(n); return; }
  const s = net.connect({ host, port }); s.once('data', () => { n++; s.destroy(); next(); });
  s.once('error', () => { s.destroy(); next(); }); })();
`;

async function rate(netns: string, host: string, port: number, ms: number): Promise<number> {
  const out = await runOk('ip', ['netns', 'exec', netns, process.execPath, '-e', RATE, host, String(port), String(ms)]);
  return Number(out.trim()) / (ms / 1000);
}

async function iperf(netns: string, host: string, seconds: number): Promise<number> {
  const out = await runOk('ip', ['netns', 'exec', netns, 'iperf3', '-c', host, '-p', '5201', '-t', String(seconds), '-J']);
  const j = JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } };
  return j.end.sum_received.bits_per_second / 1e9;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const n = Number(process.argv[2] ?? 10000);
/** ROUNDS (default 3) alternated measurements of SECS (default 2) seconds each; medians are reported. */
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SECS = Number(process.env.SECS ?? 2);
const topo = await createTopology();
// Thousands of short connections from one client would exhaust its ports in TIME_WAIT and turn
// later rounds into a measurement of that; reuse them (namespaced sysctl, our own namespaces).
for (const ns of [topo.client.ns, topo.extNs]) await runOk('sysctl', ['-qw', 'net.ipv4.tcp_tw_reuse=1'], { netns: ns });
const [p1] = topo.pods;
const stopServer = await startServer(p1!, { tcp: [8080], udp: [] });
const iperfServer = spawn('ip', ['netns', 'exec', p1!.ns, 'iperf3', '-s'], { stdio: 'ignore' });
let proxy: Proxy | undefined;
try {
  const source = new MemorySource();
  for (let i = 0; i < n; i++) {
    source.apply(svc(`s${i}`, { clusterIP: `10.${97 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}` }) as KubeObject);
    source.apply(slice(`s${i}`, Array.from({ length: 10 }, (_, j) => ({ ip: `10.250.${((i * 10 + j) >> 8) & 255}.${(i * 10 + j) & 255}`, node: 'n1' }))) as unknown as KubeObject);
  }
  const bench = { name: 'bench', o: { ports: [{ name: 'http', port: 80 }, { name: 'iperf', port: 5201 }] } };
  source.apply(svc(bench.name, bench.o) as KubeObject);
  source.apply(slice('bench', [{ ip: p1!.ip, node: 'n1' }], [{ name: 'http', port: 8080 }, { name: 'iperf', port: 5201 }]) as unknown as KubeObject);
  const t0 = Date.now();
  proxy = await startProxy({ source, node: { name: 'n1', netns: topo.nodeNs, ips: [topo.nodeIP] }, mode: 'nftables', clusterCIDR: '10.244.0.0/16', minSyncPeriodMs: 0 });
  console.log(`programmed ${n + 1} Services in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const cl = topo.client.ns;
  const rd: number[] = [];
  const rs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    rd.push(await rate(cl, p1!.ip, 8080, SECS * 1000));
    rs.push(await rate(cl, '10.96.0.10', 80, SECS * 1000));
  }
  console.log(`connection rate: ClusterIP ${median(rs).toFixed(0)}/s vs pod IP ${median(rd).toFixed(0)}/s, ratio ${(median(rs) / median(rd)).toFixed(3)}`);
  const td: number[] = [];
  const ts: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    td.push(await iperf(cl, p1!.ip, SECS));
    ts.push(await iperf(cl, '10.96.0.10', SECS));
  }
  console.log(`throughput (client pod on the same bridge): ClusterIP ${median(ts).toFixed(2)} Gbit/s vs pod IP ${median(td).toFixed(2)} Gbit/s, ratio ${(median(ts) / median(td)).toFixed(3)}`);
  // From outside the node both paths are routed by the node, so only the proxy's work differs.
  const xd: number[] = [];
  const xs: number[] = [];
  const xrd: number[] = [];
  const xrs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    xd.push(await iperf(topo.extNs, p1!.ip, SECS));
    xs.push(await iperf(topo.extNs, '10.96.0.10', SECS));
    xrd.push(await rate(topo.extNs, p1!.ip, 8080, SECS * 1000));
    xrs.push(await rate(topo.extNs, '10.96.0.10', 80, SECS * 1000));
  }
  console.log(`throughput (client outside the node, both routed): ClusterIP ${median(xs).toFixed(2)} vs pod IP ${median(xd).toFixed(2)} Gbit/s, ratio ${(median(xs) / median(xd)).toFixed(3)}`);
  console.log(`connection rate (client outside the node): ClusterIP ${median(xrs).toFixed(0)}/s vs pod IP ${median(xrd).toFixed(0)}/s, ratio ${(median(xrs) / median(xrd)).toFixed(3)}`);
  await proxy.stop();
  proxy = undefined;
  // Userspace vs nftables, with only the benchmark Service.
  const small = new MemorySource();
  small.apply(svc(bench.name, bench.o) as KubeObject);
  small.apply(slice('bench', [{ ip: p1!.ip, node: 'n1' }], [{ name: 'http', port: 8080 }, { name: 'iperf', port: 5201 }]) as unknown as KubeObject);
  const results: Record<string, { tput: number; rate: number }> = {};
  for (const mode of ['nftables', 'userspace'] as const) {
    proxy = await startProxy({ source: small, node: { name: 'n1', netns: topo.nodeNs, ips: [topo.nodeIP] }, mode, clusterCIDR: '10.244.0.0/16', minSyncPeriodMs: 0 });
    const t: number[] = [];
    const r: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      t.push(await iperf(cl, '10.96.0.10', SECS));
      r.push(await rate(cl, '10.96.0.10', 80, SECS * 1000));
    }
    results[mode] = { tput: median(t), rate: median(r) };
    await proxy.stop();
    proxy = undefined;
  }
  const u = results.userspace!;
  const f = results.nftables!;
  console.log(
    `userspace vs nftables: throughput ${u.tput.toFixed(2)} vs ${f.tput.toFixed(2)} Gbit/s (ratio ${(u.tput / f.tput).toFixed(3)}), ` +
      `connection rate ${u.rate.toFixed(0)} vs ${f.rate.toFixed(0)}/s (ratio ${(u.rate / f.rate).toFixed(3)})`,
  );
} finally {
  await proxy?.stop().catch(() => {});
  iperfServer.kill();
  await stopServer();
  await topo.destroy();
}
