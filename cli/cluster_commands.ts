// `podnet up`, `down`, `status`, `kubeconfig`: the cluster lifecycle as the user sees it.
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs, UsageError, type FlagSpecs } from './args.js';
import { clusterPaths, checkClusterName, podnetHome } from './paths.js';
import { readStatus, runningPid, spawnDaemon, stopDaemon, waitForReady, type ClusterConfig } from './daemonctl.js';
import { isRoot } from '../host/exec.js';
import { rootlessDaemonArgv, spawnForwarder, stopNamespaceProcesses, userNamespaceOf } from './rootless.js';
import type { CommandIO } from './io.js';

export const UP_FLAGS: FlagSpecs = {
  name: { type: 'string', default: 'podnet', help: 'cluster name (several clusters can run side by side)' },
  store: { type: 'string', default: 'sqlite', help: 'storage: sqlite (a file in the state dir) or etcd://HOST:PORT' },
  nodes: { type: 'number', default: 1, help: 'number of nodes' },
  backend: { type: 'string', help: 'cross-node pod network: bridge | host-gw | vxlan (default: bridge for 1 node, host-gw otherwise)' },
  zones: { type: 'number', default: 1, help: 'spread nodes over this many zones (topology.kubernetes.io/zone)' },
  port: { type: 'number', default: 6443, help: 'apiserver port on 127.0.0.1' },
  'proxy-mode': { type: 'string', default: 'nftables', help: 'service proxy: nftables | iptables | userspace' },
  'proxy-layout': { type: 'string', default: 'global', help: "nftables mode: global (plain Services as map elements) | kube (kube-proxy's per-endpoint chains for every Service)" },
  scheduler: { type: 'string', help: 'default load-balancing algorithm: random | rr | wrr | sh | dh (| lc | wlc in userspace mode)' },
  network: { type: 'boolean', default: true, help: 'build the data plane (needs root); --no-network runs the control plane only' },
  'ui-port': { type: 'number', default: 8090, help: 'port of the web map on 127.0.0.1' },
  'metrics-port': { type: 'number', default: 0, help: 'port of the Prometheus endpoints on 127.0.0.1 (0: any free port)' },
  demo: { type: 'boolean', default: false, help: 'apply the demo application in examples/ and print what to try' },
  timeout: { type: 'number', default: 180, help: 'seconds to wait for the cluster to be ready' },
};

export async function upCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseArgs(argv, UP_FLAGS);
  const name = checkClusterName(String(flags.name));
  const nodes = Number(flags.nodes);
  if (!Number.isInteger(nodes) || nodes < 1 || nodes > 50) throw new UsageError(`--nodes must be between 1 and 50, got ${flags.nodes}`);
  const backend = (flags.backend as string | undefined) ?? (nodes === 1 ? 'bridge' : 'host-gw');
  if (!['bridge', 'host-gw', 'vxlan'].includes(backend)) throw new UsageError(`--backend must be bridge, host-gw or vxlan, got "${backend}"`);
  if (backend === 'bridge' && nodes > 1) throw new UsageError('--backend bridge connects pods of one node only; use host-gw or vxlan with --nodes > 1');
  const proxyMode = String(flags['proxy-mode']);
  if (!['nftables', 'iptables', 'userspace'].includes(proxyMode)) throw new UsageError(`--proxy-mode must be nftables, iptables or userspace, got "${proxyMode}"`);
  const proxyLayout = String(flags['proxy-layout']);
  if (proxyLayout !== 'global' && proxyLayout !== 'kube') throw new UsageError(`--proxy-layout must be global or kube, got "${proxyLayout}"`);
  const store = String(flags.store);
  if (store !== 'sqlite' && !/^etcd:\/\/[^/]+$/.test(store)) throw new UsageError(`--store must be sqlite or etcd://HOST:PORT, got "${store}"`);
  const network = Boolean(flags.network);
  // Without root, the daemon gets its own user + network + mount namespace and a forwarder
  // carries 127.0.0.1 ports in from outside (cli/rootless.ts).
  const rootless = network && !isRoot();
  const paths = clusterPaths(name);
  const config: ClusterConfig = {
    name,
    store,
    nodes,
    backend: backend as ClusterConfig['backend'],
    apiPort: Number(flags.port),
    proxyMode: proxyMode as ClusterConfig['proxyMode'],
    proxyLayout,
    scheduler: flags.scheduler as string | undefined,
    zones: Number(flags.zones),
    network,
    uiPort: Number(flags['ui-port']),
    metricsPort: Number(flags['metrics-port']),
    rootless,
  };
  let pid = runningPid(paths);
  if (pid) {
    io.out(`Cluster "${name}" is already running (pid ${pid}).`);
  } else {
    io.out(`Starting cluster "${name}" (${nodes} node${nodes > 1 ? 's' : ''}, ${network ? `${backend} network, ${proxyMode} proxy${rootless ? ', rootless' : ''}` : 'control plane only'}, ${store} storage)`);
    pid = spawnDaemon(config, rootless ? rootlessDaemonArgv(name) : undefined);
    if (rootless) spawnForwarder(config, pid);
  }
  const status = await waitForReady(paths, pid, { timeoutMs: Number(flags.timeout) * 1000, print: (l) => io.out(`  • ${l}`) });
  if (status.phase !== 'ready') {
    io.err(`podnet: cluster "${name}" did not start: ${status.error ?? 'unknown error'}`);
    const taken = /EADDRINUSE[^\n]*:(\d+)/.exec(status.error ?? '')?.[1];
    if (taken) {
      const flag = taken === String(config.apiPort) ? '--port' : taken === String(config.uiPort) ? '--ui-port' : 'its port flag';
      io.err(`  Port ${taken} on 127.0.0.1 is taken (another cluster or server?): choose a free one with ${flag} (\`podnet up --help\`).`);
    }
    io.err(`  The daemon's log is ${paths.log}; \`podnet down --name ${name}\` cleans up.`);
    return 1;
  }
  io.out('');
  io.out(`Cluster "${name}" is ready. Point kubectl at it:`);
  io.out(`  export KUBECONFIG=${paths.kubeconfig}`);
  io.out('  kubectl get nodes -o wide');
  if (status.ui) io.out(`The live map: ${status.ui}`);
  if (status.metrics) io.out(`Prometheus metrics: ${status.metrics}`);
  for (const p of status.published ?? []) io.out(`Published ${p.service} on ${p.url}`);
  if (flags.demo) {
    const { applyDemo } = await import('./demo.js');
    return applyDemo(name, io);
  }
  return 0;
}

export const NAME_FLAG: FlagSpecs = { name: { type: 'string', default: 'podnet', help: 'cluster name' } };

export async function downCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseArgs(argv, { ...NAME_FLAG, all: { type: 'boolean', default: false, help: 'stop every cluster' } });
  const names = flags.all ? listClusters() : [checkClusterName(String(flags.name))];
  for (const name of names) {
    const paths = clusterPaths(name);
    // A rootless daemon's namespaces hold everything it started; find them before it goes.
    const pid = runningPid(paths);
    const daemonChild = pid ? childPid(pid) : undefined;
    const userns = daemonChild ? userNamespaceOf(daemonChild) : undefined;
    const existed = existsSync(paths.dir);
    const stopped = await stopDaemon(paths);
    if (userns && userns !== userNamespaceOf(process.pid)) await stopNamespaceProcesses(userns);
    const { teardownClusterNetwork, unmountUnder } = await import('./teardown.js');
    if (!existed && !stopped) {
      // Nothing to report, but namespaces a crashed run may have left under this name still go.
      await teardownClusterNetwork(name, paths, { out: () => {}, err: (s: string) => io.err(s) });
      io.out(`No cluster "${name}" to remove (${podnetHome()} has none by that name; \`podnet status\` lists them).`);
      continue;
    }
    io.out(stopped ? `Stopped the daemon of cluster "${name}".` : `Cluster "${name}" was not running.`);
    await teardownClusterNetwork(name, paths, io);
    await unmountUnder(paths.dir);
    rmSync(paths.dir, { recursive: true, force: true });
    io.out(`Removed cluster "${name}" and its state (${paths.dir}).`);
  }
  return 0;
}

export function listClusters(): string[] {
  const dir = join(podnetHome(), 'clusters');
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

export async function statusCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseArgs(argv, { ...NAME_FLAG, output: { type: 'string', short: 'o', default: 'text', help: 'text | json' } });
  const names = argv.some((a) => a.startsWith('--name')) ? [checkClusterName(String(flags.name))] : listClusters();
  const rows = names.map((name) => {
    const paths = clusterPaths(name);
    const pid = runningPid(paths);
    const status = readStatus(paths);
    return { name, running: Boolean(pid), pid, ...(status ?? {}), phase: pid ? (status?.phase ?? 'starting') : 'stopped' };
  });
  if (flags.output === 'json') {
    io.out(JSON.stringify({ clusters: rows }, null, 2));
    return 0;
  }
  if (rows.length === 0) {
    io.out('No clusters. Start one with `podnet up`.');
    return 0;
  }
  for (const r of rows) {
    io.out(`${r.name}: ${r.phase}${r.pid ? ` (pid ${r.pid})` : ''}`);
    if (r.apiserver) io.out(`  apiserver   ${r.apiserver}`);
    if (r.kubeconfig) io.out(`  kubeconfig  ${r.kubeconfig}`);
    if (r.ui) io.out(`  map         ${r.ui}`);
    if (r.metrics) io.out(`  metrics     ${r.metrics}`);
    for (const n of r.nodes ?? []) io.out(`  node        ${n.name} ${n.ip} podCIDR ${n.podCIDR} (netns ${n.netns})`);
    for (const p of r.published ?? []) io.out(`  published   ${p.service} → ${p.url}`);
    if (r.error) io.out(`  error       ${r.error}`);
  }
  return 0;
}

export async function kubeconfigCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseArgs(argv, NAME_FLAG);
  const paths = clusterPaths(String(flags.name));
  if (!existsSync(paths.kubeconfig)) {
    io.err(`podnet: cluster "${flags.name}" has no kubeconfig yet; start it with \`podnet up --name ${flags.name}\``);
    return 1;
  }
  io.out(paths.kubeconfig);
  return 0;
}

/** The first child of a process (the daemon under `unshare --fork`), or the process itself. */
function childPid(pid: number): number {
  try {
    const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    return children[0] ?? pid;
  } catch {
    return pid;
  }
}
