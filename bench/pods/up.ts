// `podnet up --nodes 3` to Ready, against a peer in the same run: the same node network (underlay
// bridge, 3 node namespaces with veths, a cni0 bridge each, host-gw routes) built by a plain script
// of `ip` commands, with no control plane at all — the floor for "a 3-node network on this machine".
//   node dist/bench/pods/up.js [--rounds 5] [--write]
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../cli/paths.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 5;
const write = process.argv.includes('--write');
const bin = join(packageRoot(), 'bin', 'podnet');
const kubectl = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Starts `podnet up` and, while it runs, polls for 3 Ready nodes; both times are from the start. */
async function podnetUp(round: number): Promise<{ up: number; ready: number }> {
  const home = mkdtempSync(join(tmpdir(), 'podnet-bench-up-'));
  const env = { ...process.env, PODNET_HOME: home };
  const name = `bu${round}${Math.random().toString(36).slice(2, 5)}`;
  const kc = join(home, 'clusters', name, 'kubeconfig');
  const t0 = performance.now();
  try {
    const child = spawn(process.execPath, [bin, 'up', '--name', name, '--nodes', '3', '--port', String(30000 + round), '--ui-port', '0'], { env, stdio: 'ignore' });
    const upDone = new Promise<number>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`podnet up exited ${code}`)))));
    let ready = 0;
    while (!ready) {
      if (existsSync(kc)) {
        const out = spawnSync(kubectl, ['--kubeconfig', kc, 'get', 'nodes', '-o', 'jsonpath={range .items[*]}{.status.conditions[?(@.type=="Ready")].status}{" "}{end}'], { encoding: 'utf8' }).stdout ?? '';
        if (out.trim().split(' ').filter((s) => s === 'True').length === 3) ready = performance.now() - t0;
      }
      if (!ready) await new Promise((r) => setTimeout(r, 20));
    }
    return { up: await upDone, ready };
  } finally {
    execFileSync(process.execPath, [bin, 'down', '--name', name], { env, stdio: 'ignore' });
    rmSync(home, { recursive: true, force: true });
  }
}

function bareNetwork(round: number): number {
  const p = `pb${round}`;
  // One `ip -batch` per namespace (batch lines cannot switch namespaces).
  const host = [`netns add ${p}-net`, ...[1, 2, 3].flatMap((i) => [`netns add ${p}-n${i}`, `link add ${p}v${i} netns ${p}-net type veth peer name eth0 netns ${p}-n${i}`])];
  const underlay = ['link add br0 type bridge', 'addr add 172.18.0.1/16 dev br0', 'link set br0 up', ...[1, 2, 3].map((i) => `link set ${p}v${i} master br0 up`)];
  const node = (i: number) => [
    `addr add 172.18.0.${i + 1}/16 dev eth0`,
    'link set eth0 up',
    'link set lo up',
    'link add cni0 type bridge',
    `addr add 10.244.${i}.1/24 dev cni0`,
    'link set cni0 up',
    ...[1, 2, 3].filter((j) => j !== i).map((j) => `route add 10.244.${j}.0/24 via 172.18.0.${j + 1}`),
  ];
  const names = [`${p}-net`, `${p}-n1`, `${p}-n2`, `${p}-n3`];
  const t0 = performance.now();
  try {
  execFileSync('ip', ['-batch', '-'], { input: host.join('\n') });
  execFileSync('ip', ['-n', `${p}-net`, '-batch', '-'], { input: underlay.join('\n') });
  for (const i of [1, 2, 3]) {
    execFileSync('ip', ['-n', `${p}-n${i}`, '-batch', '-'], { input: node(i).join('\n') });
    execFileSync('ip', ['netns', 'exec', `${p}-n${i}`, 'sysctl', '-qw', 'net.ipv4.ip_forward=1']);
  }
  return performance.now() - t0;
  } finally {
    for (const ns of names) execFileSync('ip', ['netns', 'del', ns], { stdio: 'ignore' });
  }
}

const rows: { up: number; ready: number; bare: number }[] = [];
for (let r = 0; r < rounds; r++) {
  const bare = bareNetwork(r);
  const { up, ready } = await podnetUp(r);
  rows.push({ up, ready, bare });
  process.stdout.write(`round ${r + 1}: podnet up returned ${up.toFixed(0)} ms, 3 nodes Ready ${ready.toFixed(0)} ms; bare ip network ${bare.toFixed(0)} ms\n`);
}
const m = { up: median(rows.map((r) => r.up)), ready: median(rows.map((r) => r.ready)), bare: median(rows.map((r) => r.bare)) };
const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const report = `## podnet up --nodes 3 → Ready

Command: \`node dist/bench/pods/up.js --rounds ${rounds} --write\` (as root). Each round builds a fresh cluster
(new state dir: CA, SQLite store, apiserver, controllers, 3 node namespaces, host-gw routes, kubelets, proxies,
NetworkPolicy enforcers, DNS and ingress Deployments applied) and tears it down. The peer builds only the same
3-node network with one \`ip -batch\` (no control plane, no agents). Load average during the run: ${load}.

| measure (median of ${rounds}) | ms | ratio to the bare network |
|---|---|---|
| \`podnet up\` returns (it also waits for cluster DNS and the ingress controller to be Ready) | ${m.up.toFixed(0)} | ${(m.up / m.bare).toFixed(1)}× |
| all 3 Nodes Ready in kubectl (polled while \`up\` runs) | ${m.ready.toFixed(0)} | ${(m.ready / m.bare).toFixed(1)}× |
| bare \`ip -batch\` 3-node network (peer) | ${m.bare.toFixed(0)} | 1× |

Goal: < 2 s to Ready (kind reports 12–17 s for a cluster; kind is not installable here, so it is not measured).
`;
process.stdout.write(`\n${report}`);
if (write) {
  const file = join(packageRoot(), 'bench', 'pods', 'RESULTS.md');
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '# bench/pods\n';
  const cut = old.indexOf('## podnet up --nodes 3');
  const base = cut < 0 ? old : old.slice(0, cut).trimEnd() + '\n';
  const rest = cut < 0 ? '' : old.slice(cut).replace(/^## podnet up --nodes 3[\s\S]*?(?=\n## |$)/, '').trim();
  writeFileSync(file, `${base}\n${report}${rest ? `\n${rest}\n` : ''}`);
}
