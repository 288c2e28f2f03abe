// DNS benchmark: podnet's server vs Knot DNS (authoritative, same records as a zone file) for
// cluster names, and vs Unbound (cache) for forwarded names, all pinned to one core (taskset -c 0)
// with dnsperf on the other core, in the same run. Everything listens on 127.0.0.1 only.
//   node --import tsx bench/dns/run.ts [--services 1000] [--seconds 10] [--write]
import { freeLocalPort } from '../../host/testutil.js';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterQueries, clusterZone, externalQueries, objectsYaml, upstreamZone } from './fixtures.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const SERVICES = opt('services', 1000);
const SECONDS = opt('seconds', 10);
const MEMORY_SERVICES = opt('memory-services', 10_000);
const ROUNDS = opt('rounds', 3);
const dir = mkdtempSync(join(tmpdir(), 'pn-dnsbench-'));
const children: ChildProcess[] = [];

function start(cmd: string, argv: string[], readyLine?: RegExp): Promise<ChildProcess> {
  const child = spawn('taskset', ['-c', '0', cmd, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (readyLine?.test(out)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => reject(new Error(`${cmd} exited ${code}: ${out}`)));
    if (!readyLine) resolve(child);
  });
}

async function waitAnswer(port: number, name: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    try {
      const out = execFileSync('dig', ['@127.0.0.1', '-p', String(port), '+short', '+tries=1', '+time=1', name], { encoding: 'utf8' });
      if (out.trim()) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer for ${name} on port ${port}`);
}

interface PerfResult {
  qps: number;
  avgLatencyMs: number;
  lost: string;
}

function dnsperf(port: number, file: string, seconds: number): PerfResult {
  const out = execFileSync('taskset', ['-c', '1', 'dnsperf', '-s', '127.0.0.1', '-p', String(port), '-d', file, '-l', String(seconds), '-c', '8', '-q', '200', '-t', '2'], { encoding: 'utf8' });
  const qps = Number(/Queries per second:\s+([\d.]+)/.exec(out)?.[1]);
  const lat = Number(/Average Latency \(s\):\s+([\d.]+)/.exec(out)?.[1]) * 1000;
  const lost = /Queries lost:\s+(.*)/.exec(out)?.[1] ?? '?';
  return { qps, avgLatencyMs: lat, lost };
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** Bundles serve.ts to plain JS (what `dist/` runs), so tsx's loader and name helpers stay out of the numbers. */
function bundle(): string {
  const out = join(dir, 'serve.cjs');
  execFileSync('node_modules/.bin/esbuild', ['bench/dns/serve.ts', '--bundle', '--platform=node', '--format=cjs', '--target=node20', `--outfile=${out}`, '--log-level=warning']);
  return out;
}

async function main() {
  const serveJs = bundle();
  const knotPort = await freeLocalPort();
  const unboundPort = await freeLocalPort();
  const podnetPort = await freeLocalPort();
  writeFileSync(join(dir, 'objects.yaml'), objectsYaml(SERVICES));
  writeFileSync(join(dir, 'cluster.local.zone'), clusterZone(SERVICES, 5));
  writeFileSync(join(dir, 'example.test.zone'), upstreamZone(SERVICES));
  writeFileSync(join(dir, 'cluster.txt'), clusterQueries(SERVICES));
  writeFileSync(join(dir, 'external.txt'), externalQueries(SERVICES));
  writeFileSync(
    join(dir, 'knot.conf'),
    `server:\n  rundir: "${dir}"\n  listen: 127.0.0.1@${knotPort}\n  udp-workers: 1\n  tcp-workers: 1\n  background-workers: 1\ndatabase:\n  storage: "${dir}"\nlog:\n  - target: stderr\n    any: error\nzone:\n  - domain: cluster.local\n    file: "${dir}/cluster.local.zone"\n  - domain: example.test\n    file: "${dir}/example.test.zone"\n`,
  );
  writeFileSync(
    join(dir, 'unbound.conf'),
    `server:\n  interface: 127.0.0.1@${unboundPort}\n  port: ${unboundPort}\n  do-daemonize: no\n  chroot: ""\n  username: ""\n  directory: "${dir}"\n  pidfile: "${dir}/unbound.pid"\n  num-threads: 1\n  do-not-query-localhost: no\n  use-syslog: no\n  verbosity: 0\n  module-config: "iterator"\n  access-control: 127.0.0.0/8 allow\n  outgoing-range: 256\n  local-zone: "test." nodefault\nforward-zone:\n  name: "example.test"\n  forward-addr: 127.0.0.1@${knotPort}\n`,
  );
  const corefile = `.:${podnetPort} {\n  bind 127.0.0.1\n  errors\n  kubernetes cluster.local in-addr.arpa ip6.arpa {\n    pods insecure\n    fallthrough in-addr.arpa ip6.arpa\n  }\n  forward . 127.0.0.1:${knotPort}\n  cache 30\n  loadbalance\n}\n`;
  writeFileSync(join(dir, 'Corefile'), corefile);

  const knot = await start('knotd', ['-c', join(dir, 'knot.conf')]);
  await waitAnswer(knotPort, 'svc-0.bench.svc.cluster.local');
  const unbound = await start('unbound', ['-d', '-c', join(dir, 'unbound.conf')]);
  await waitAnswer(unboundPort, 'host-0.example.test');
  const podnet = await start('node', [serveJs, join(dir, 'Corefile'), join(dir, 'objects.yaml')], /READY/);
  await waitAnswer(podnetPort, 'svc-0.bench.svc.cluster.local');

  // Warm caches (unbound, podnet's cache) and the JIT before measuring.
  for (const port of [podnetPort, unboundPort]) dnsperf(port, join(dir, 'external.txt'), 2);
  dnsperf(podnetPort, join(dir, 'cluster.txt'), 2);

  // Machines running other work are noisy: interleave the four runs for ROUNDS rounds, keep medians.
  const runs: Record<'clusterPodnet' | 'clusterKnot' | 'externalPodnet' | 'externalUnbound', PerfResult[]> = { clusterPodnet: [], clusterKnot: [], externalPodnet: [], externalUnbound: [] };
  for (let round = 0; round < ROUNDS; round++) {
    runs.clusterPodnet.push(dnsperf(podnetPort, join(dir, 'cluster.txt'), SECONDS));
    runs.clusterKnot.push(dnsperf(knotPort, join(dir, 'cluster.txt'), SECONDS));
    runs.externalPodnet.push(dnsperf(podnetPort, join(dir, 'external.txt'), SECONDS));
    runs.externalUnbound.push(dnsperf(unboundPort, join(dir, 'external.txt'), SECONDS));
  }
  const median = (l: PerfResult[]): PerfResult => [...l].sort((a, b) => a.qps - b.qps)[Math.floor(l.length / 2)]!;
  const results = { clusterPodnet: median(runs.clusterPodnet), clusterKnot: median(runs.clusterKnot), externalPodnet: median(runs.externalPodnet), externalUnbound: median(runs.externalUnbound) };
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  const mem = { podnet: rssMiB(podnet.pid!), knot: rssMiB(knot.pid!), unbound: rssMiB(unbound.pid!) };
  for (const c of [podnet, knot, unbound]) c.kill('SIGTERM');

  // Memory with MEMORY_SERVICES Services: podnet vs knot serving the same records.
  const memDir = mkdtempSync(join(tmpdir(), 'pn-dnsbench-mem-'));
  const memPort = await freeLocalPort();
  const memKnotPort = await freeLocalPort();
  writeFileSync(join(memDir, 'objects.yaml'), objectsYaml(MEMORY_SERVICES));
  writeFileSync(join(memDir, 'cluster.local.zone'), clusterZone(MEMORY_SERVICES, 5));
  writeFileSync(join(memDir, 'Corefile'), `.:${memPort} {\n  bind 127.0.0.1\n  kubernetes cluster.local\n}\n`);
  writeFileSync(
    join(memDir, 'knot.conf'),
    `server:\n  rundir: "${memDir}"\n  listen: 127.0.0.1@${memKnotPort}\n  udp-workers: 1\n  tcp-workers: 1\n  background-workers: 1\ndatabase:\n  storage: "${memDir}"\nlog:\n  - target: stderr\n    any: error\nzone:\n  - domain: cluster.local\n    file: "${memDir}/cluster.local.zone"\n`,
  );
  const memPodnet = await start('node', [serveJs, join(memDir, 'Corefile'), join(memDir, 'objects.yaml')], /READY/);
  const memKnot = await start('knotd', ['-c', join(memDir, 'knot.conf')]);
  await waitAnswer(memPort, `svc-${MEMORY_SERVICES - 1}.bench.svc.cluster.local`);
  await waitAnswer(memKnotPort, `svc-${MEMORY_SERVICES - 1}.bench.svc.cluster.local`);
  // Touch every name once so memoised answers count too.
  dnsperf(memPort, join(dir, 'cluster.txt'), 2);
  const mem10k = { podnet: rssMiB(memPodnet.pid!), knot: rssMiB(memKnot.pid!) };
  await Promise.all([memPodnet, memKnot].map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
  rmSync(memDir, { recursive: true, force: true });

  const heap = JSON.parse(execFileSync('node', ['--expose-gc', '--import', 'tsx', 'bench/dns/heap.ts', String(MEMORY_SERVICES)], { encoding: 'utf8' })) as { names: number; objectsMiB: number; serverMiB: number };
  const r = results;
  const f = (x: number) => x.toFixed(0);
  const report = `# DNS benchmark results

Command: \`node --import tsx bench/dns/run.ts --services ${SERVICES} --seconds ${SECONDS} --rounds ${ROUNDS} --write\` (as root; needs dnsperf, knotd, unbound, dig).
Each server pinned to CPU 0 (\`taskset -c 0\`), dnsperf on CPU 1 (\`-c 8 -q 200\`), ${SECONDS} s per run, the four runs
interleaved for ${ROUNDS} rounds (median shown; all rounds below), load average at the end ${load} (the machine is shared),
on ${execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim()} (${new Date().toISOString().slice(0, 10)}).
podnet runs the in-cluster plugin set (errors, kubernetes, forward, cache 30, loadbalance) over ${SERVICES} Services;
Knot serves the same A/SRV records from a zone file; Unbound is a cache forwarding example.test to Knot.

| workload | podnet QPS | peer | peer QPS | ratio | podnet avg latency | peer avg latency | lost (podnet / peer) |
|---|---|---|---|---|---|---|---|
| cluster names (A + SRV) | ${f(r.clusterPodnet.qps)} | knotd (authoritative) | ${f(r.clusterKnot.qps)} | ${(r.clusterPodnet.qps / r.clusterKnot.qps).toFixed(2)}× | ${r.clusterPodnet.avgLatencyMs.toFixed(3)} ms | ${r.clusterKnot.avgLatencyMs.toFixed(3)} ms | ${r.clusterPodnet.lost} / ${r.clusterKnot.lost} |
| forwarded names, cached | ${f(r.externalPodnet.qps)} | unbound (cache) | ${f(r.externalUnbound.qps)} | ${(r.externalPodnet.qps / r.externalUnbound.qps).toFixed(2)}× | ${r.externalPodnet.avgLatencyMs.toFixed(3)} ms | ${r.externalUnbound.avgLatencyMs.toFixed(3)} ms | ${r.externalPodnet.lost} / ${r.externalUnbound.lost} |

Goals: ≥ 40,000 QPS/core for cluster names (${r.clusterPodnet.qps >= 40_000 ? 'met' : 'NOT met'}); ≥ 0.5× the authoritative server (${r.clusterPodnet.qps / r.clusterKnot.qps >= 0.5 ? 'met' : 'NOT met'}).

All rounds (QPS): ${Object.entries(runs).map(([k, l]) => `${k} ${l.map((x) => x.qps.toFixed(0)).join('/')}`).join('; ')}.

Memory (RSS) after the runs above: podnet ${mem.podnet.toFixed(1)} MiB, knotd ${mem.knot.toFixed(1)} MiB, unbound ${mem.unbound.toFixed(1)} MiB.
Memory with ${MEMORY_SERVICES} Services (each with an EndpointSlice; all names queried once): podnet ${mem10k.podnet.toFixed(1)} MiB RSS, knotd with the same records ${mem10k.knot.toFixed(1)} MiB (${(mem10k.podnet / mem10k.knot).toFixed(1)}×).
Most of podnet's RSS is the file source's YAML parse peak and Node itself; the heap after GC (\`node --expose-gc --import tsx bench/dns/heap.ts ${MEMORY_SERVICES}\`)
holds ${heap.objectsMiB} MiB of Service/EndpointSlice objects (the informer cache) and ${heap.serverMiB} MiB for the DNS server's record table (${heap.names} names).
`;
  process.stdout.write(report);
  if (args.includes('--write')) writeFileSync(new URL('./RESULTS.md', import.meta.url), report);
}

main()
  .catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exitCode = 1;
  })
  .finally(async () => {
    const alive = children.filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(alive.map((c) => new Promise((r) => (c.once('exit', r), c.kill('SIGTERM')))));
    rmSync(dir, { recursive: true, force: true });
  });
