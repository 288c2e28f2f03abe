// Cross-node TCP throughput: a pod on node 1 → a pod on node 2 with the host-gw and the vxlan
// backend, against a bare veth pair between two namespaces (the peer), all in the same run.
// iperf3 (single TCP stream) in rounds that alternate between the three paths, median per path.
//   node --import tsx bench/pods/network.ts [--seconds 3] [--rounds 3] [--write]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import { run, isRoot } from '../../host/exec.js';
import { ensureNetns, deleteNetns } from '../../host/netns.js';
import { ensureVeth, ensureAddr } from '../../host/link.js';
import { pidAlive } from '../../host/netproc.js';
import { cniRuntime, resultIPs } from '../../cni/runtime.js';
import { pluginBinDir } from '../../cni/testutil.js';
import { ensureClusterNetwork, teardownCluster, type NodeNetwork } from '../../kubelet/topology.js';
import type { Backend } from '../../kubelet/topology_plan.js';

interface Path {
  readonly label: string;
  readonly serverNetns: string;
  readonly clientNetns: string;
  readonly serverIP: string;
}

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
}

/** Starts `iperf3 -s` in the namespace and resolves with its pid once it listens. */
function iperfServer(netns: string): Promise<number> {
  const child = spawn('ip', ['netns', 'exec', netns, 'iperf3', '-s', '-p', '5201', '--forceflush'], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('Server listening')) {
        clearTimeout(timer);
        resolve(child.pid!);
      }
    });
    child.once('exit', (code) => reject(new Error(`iperf3 -s in ${netns} exited (${code})`)));
    // iperf3 buffers its output when it is not a terminal; --forceflush makes the line appear.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`iperf3 -s in ${netns} did not start listening`));
    }, 10_000).unref();
  });
}

async function iperf(path: Path, seconds: number): Promise<number> {
  let lastError = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const r = await run('iperf3', ['-c', path.serverIP, '-p', '5201', '-t', String(seconds), '-J'], { netns: path.clientNetns, timeoutMs: (seconds + 20) * 1000 });
    const j = JSON.parse(r.stdout || '{}') as { error?: string; end?: { sum_received?: { bits_per_second: number } } };
    if (j.end?.sum_received) return j.end.sum_received.bits_per_second / 1e9;
    // The server takes a moment after one test before it accepts the next ("server is busy").
    lastError = j.error ?? r.stderr.trim();
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`iperf3 to ${path.serverIP} from ${path.clientNetns} failed: ${lastError}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function clusterPath(cluster: string, backend: Backend, stateDir: string, bin: string): Promise<Path> {
  const net = await ensureClusterNetwork({ cluster, backend, stateDir, nodes: [{ name: 'node1', podCIDR: '10.244.1.0/24' }, { name: 'node2', podCIDR: '10.244.2.0/24' }] });
  const pod = async (node: NodeNetwork, name: string) => {
    const netns = `pn-${cluster}-pod-${name}`;
    await ensureNetns(netns);
    const rt = cniRuntime({ confDir: node.cniConfDir, cacheDir: node.cniCacheDir, netns: node.netns, binDirs: [bin] });
    return { netns, ip: resultIPs(await rt.add({ containerID: name, netns }))[0]! };
  };
  const client = await pod(net.nodes[0]!, 'client');
  const server = await pod(net.nodes[1]!, 'server');
  return { label: `pod→pod across nodes, ${backend}`, clientNetns: client.netns, serverNetns: server.netns, serverIP: server.ip };
}

async function main(): Promise<void> {
  if (!isRoot()) throw new Error('bench/pods/network: needs root (it builds network namespaces)');
  const seconds = arg('seconds', 3);
  const rounds = arg('rounds', 3);
  const id = randomBytes(2).toString('hex');
  const stateDir = mkdtempSync(join(tmpdir(), 'pn-bench-net-'));
  const bin = pluginBinDir();
  const clusters = [`b${id}g`, `b${id}v`];
  const bare = { a: `pn-b${id}-a`, b: `pn-b${id}-b` };
  const servers: number[] = [];
  const load0 = loadavg()[0]!;
  try {
    await ensureNetns(bare.a);
    await ensureNetns(bare.b);
    await ensureVeth('veth0', bare.a, 'veth0', bare.b);
    await ensureAddr(bare.a, 'veth0', '10.250.0.1/24');
    await ensureAddr(bare.b, 'veth0', '10.250.0.2/24');
    const paths: Path[] = [
      { label: 'bare veth pair (peer)', clientNetns: bare.a, serverNetns: bare.b, serverIP: '10.250.0.2' },
      await clusterPath(clusters[0]!, 'host-gw', join(stateDir, 'g'), bin),
      await clusterPath(clusters[1]!, 'vxlan', join(stateDir, 'v'), bin),
    ];
    for (const p of paths) servers.push(await iperfServer(p.serverNetns));
    const results = new Map<string, number[]>(paths.map((p) => [p.label, []]));
    for (let r = 0; r < rounds; r++) {
      for (const p of paths) {
        const gbps = await iperf(p, seconds);
        results.get(p.label)!.push(gbps);
        process.stderr.write(`round ${r + 1}: ${p.label}: ${gbps.toFixed(2)} Gbit/s\n`);
      }
    }
    const peer = median(results.get(paths[0]!.label)!);
    const rows = paths.map((p) => {
      const xs = results.get(p.label)!;
      return `| ${p.label} | ${median(xs).toFixed(2)} | ${xs.map((x) => x.toFixed(2)).join(', ')} | ${(median(xs) / peer).toFixed(2)} |`;
    });
    const cmd = `node --import tsx bench/pods/network.ts --seconds ${seconds} --rounds ${rounds}${process.argv.includes('--write') ? ' --write' : ''}`;
    const section = [
      '## Network: cross-node pod-to-pod TCP throughput',
      '',
      `Command: \`${cmd}\` (as root, from the repository root). ${new Date().toISOString()}, ${cpus().length} × ${cpus()[0]?.model.trim()}, load average ${load0.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end.`,
      `iperf3, one TCP stream, ${seconds} s per measurement, ${rounds} rounds alternating between the paths; the median is the figure. Pods are attached by podnet-cni through the CNI runtime; each cluster has 2 nodes (netns) on the underlay bridge. The peer is a bare veth pair between two namespaces, measured in the same run.`,
      '',
      '| path | median Gbit/s | rounds | ÷ bare veth |',
      '|---|---|---|---|',
      ...rows,
      '',
      'What each path crosses: the peer is one veth pair. host-gw: pod veth → cni0 → node routing → node veth → underlay br0 → node veth → routing → cni0 → pod veth (4 veth pairs, 3 bridges, 2 forwarding hops, conntrack in each node for the egress masquerade table). vxlan: the same plus VXLAN encapsulation on both nodes (50 bytes per packet, pod MTU 1450). Every hop is CPU work on the same 2 cores that also run iperf3, so the ratios track how much per-packet work each path adds; on this shared machine single rounds vary by 2× or more, which is why the rounds are listed.',
      '',
    ].join('\n');
    process.stdout.write(section + '\n');
    if (process.argv.includes('--write')) {
      const file = join(dirname(fileURLToPath(import.meta.url)), 'RESULTS.md');
      const existing = existsSync(file) ? readFileSync(file, 'utf8') : '# bench/pods results\n\n';
      const start = existing.indexOf('## Network: cross-node');
      const end = start < 0 ? -1 : existing.indexOf('\n## ', start + 3);
      const next = start < 0 ? `${existing.trimEnd()}\n\n${section}` : `${existing.slice(0, start)}${section}${end < 0 ? '' : existing.slice(end + 1)}`;
      writeFileSync(file, next);
    }
  } finally {
    for (const pid of servers) if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const c of clusters) await teardownCluster(c, join(stateDir, c.endsWith('g') ? 'g' : 'v')).catch(() => undefined);
    await deleteNetns(bare.a);
    await deleteNetns(bare.b);
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
