// The node agent: registers the Node and keeps it alive, runs the pods scheduled here (one
// PodWorker each, operations on one pod serialized), adopts what an earlier run left behind and
// removes what no pod claims, and serves PodStreams for logs/exec/attach/port-forward.
import type { NodeUsage } from '../apiserver/usage.js';
import { usageSampler } from './usage.js';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type net from 'node:net';
import type { ConfigMap, Node, Pod, Secret, Service } from '../api/types.js';
import type { EnvLookup } from './env.js';
import { KubeletMetrics } from './metrics.js';
import { errorMessage } from '../api/errors.js';
import { R, type Change, type ObjectSource } from '../client/source.js';
import { nodeArgv } from '../host/entry.js';
import { deleteNetns, netnsPids } from '../host/netns.js';
import { realNft, type Nft } from '../host/nft.js';
import { dialInNetns, stopDialer } from '../host/relay.js';
import { cniDriver, type PodNetworkDriver } from './cni.js';
import { podEvent } from './events.js';
import { applyHostPorts, type HostPortMapping } from './hostport.js';
import { clusterFromNodeNetns } from './names.js';
import { buildNode, HEARTBEAT_MS } from './node.js';
import { graceSeconds, PodWorker, type PodContext } from './pod.js';
import { signalGroup } from './process.js';
import { parseResolvConf, type DNSConfig } from './resolv.js';
import { podStreams, type KubeletStreams } from './streams.js';
import type { KubeletWriter, NodeNetworkLike } from './types.js';
import { ensureUts, removeUts } from './uts.js';

export interface KubeletOptions {
  readonly node: NodeNetworkLike;
  readonly source: ObjectSource;
  readonly writer: KubeletWriter;
  /** Where pod state (logs, CNI results, pid files) lives; the kubelet uses `<stateDir>/kubelet/<node>`. */
  readonly stateDir: string;
  readonly clusterDNS: string;
  readonly clusterDomain: string;
  /** podnet's CLI entry (bin/podnet), for podnet/coredns and podnet/ingress containers. */
  readonly podnetBin: string;
  /** Defaults to the name in the node netns `pn-<cluster>-<node>`. */
  readonly cluster?: string;
  readonly zone?: string;
  readonly controlPlane?: boolean;
  /** Defaults to running the CNI plugins of node.cniConfDir. */
  readonly network?: PodNetworkDriver;
  /** The node's resolv.conf (dnsPolicy Default); defaults to node.resolvConf, else /etc/netns/<node netns>/resolv.conf. */
  readonly nodeResolvConf?: string;
  readonly nft?: Nft;
  readonly dial?: (netns: string, ip: string, port: number) => Promise<net.Socket>;
  readonly heartbeatMs?: number;
  /**
   * Called when a pod's sandbox has its IP (in `pod.status.podIP(s)`), before any of its containers
   * starts: the node's NetworkPolicy enforcer learns the IP here, so the pod's first packets are not
   * dropped as coming from an unknown pod. Waited for at most 5 s; a rejection is logged.
   */
  readonly podNetworkReady?: (pod: Pod) => Promise<void>;
}

export interface Kubelet {
  /** Stops the agent. Pods' processes are stopped; their netns stay for the next run to adopt, unless `removePods`. */
  stop(opts?: { removePods?: boolean }): Promise<void>;
  readonly podStreams: KubeletStreams;
  /** IP of a pod running here (tests, CLI). */
  podIP(namespace: string, name: string): string | undefined;
  /** The pod's netns name (for `podnet exec` and tests). */
  podNetns(namespace: string, name: string): string | undefined;
  /** Resolves when no pod operation is in flight (tests, benchmarks). */
  idle(): Promise<void>;
  /** Prometheus registry (kubelet_pod_start_duration_seconds, kubelet_running_pods, prober_probe_total …). */
  readonly metrics: KubeletMetrics;
  /** The metrics in the Prometheus text format, for the daemon's metrics endpoint. */
  kubeletMetrics(): Promise<string>;
  /** CPU and memory of the node and its running pods (served as metrics.k8s.io for `kubectl top`). */
  usage(): Promise<NodeUsage>;
}

const here = path.dirname(fileURLToPath(import.meta.url));
const TERMINAL = new Set(['Succeeded', 'Failed']);

export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const n = opts.node;
  const cluster = opts.cluster ?? clusterFromNodeNetns(n.netns, n.name);
  const stateDir = path.join(opts.stateDir, 'kubelet', n.name);
  fs.mkdirSync(path.join(stateDir, 'pods'), { recursive: true });
  // The simulated node's own hostname (its Node name, as its Hostname address says), which its
  // hostNetwork pods share; pods get one each.
  const nodeUts = path.join(stateDir, 'uts');
  await ensureUts(nodeUts, n.name);
  const network = opts.network ?? cniDriver({ nodeNetns: n.netns, confDir: n.cniConfDir, cacheDir: n.cniCacheDir ?? path.join(stateDir, 'cni') });
  const nft = opts.nft ?? realNft;
  const dial = opts.dial ?? dialInNetns;
  const resolvPath = opts.nodeResolvConf ?? n.resolvConf ?? `/etc/netns/${n.netns}/resolv.conf`;
  const nodeResolv = (): DNSConfig => (fs.existsSync(resolvPath) ? parseResolvConf(fs.readFileSync(resolvPath, 'utf8')) : { nameservers: [], searches: [], options: [] });
  const workers = new Map<string, PodWorker>();
  const ops = new Map<string, Promise<void>>();
  // Failed sandbox setups are retried with back-off (1 s doubling to 30 s), not on every pod update.
  const retry = new Map<string, { delayMs: number; timer?: NodeJS.Timeout }>();
  let stopping = false;
  let hostPortsUsed = false;
  let hostPortChain: Promise<void> = Promise.resolve();

  // Created before source.start() so they are part of the initial sync.
  const configMaps = opts.source.informer(R.configmaps);
  const secrets = opts.source.informer(R.secrets);
  const services = opts.source.informer(R.services);
  const lookup: EnvLookup = {
    configMap: (ns, name) => configMaps.get(ns, name) as ConfigMap | undefined,
    secret: (ns, name) => secrets.get(ns, name) as Secret | undefined,
    services: (ns) => services.list(ns) as unknown as Service[],
  };

  const metrics = new KubeletMetrics(
    {
      pods: () => [...workers.values()].filter((w) => !w.terminating).length,
      containers: () => {
        const counts: Record<string, number> = { created: 0, running: 0, exited: 0, unknown: 0 };
        for (const w of workers.values()) for (const r of w.runners()) {
          const v = r.view();
          // A container waiting for its first start does not exist in a runtime yet; one in
          // back-off is an exited container there.
          if (v.state.kind === 'running') counts.running!++;
          else if (v.state.kind === 'terminated' || v.lastState) counts.exited!++;
        }
        return counts;
      },
    },
    n.name,
  );
  const ctx: PodContext = {
    lookup,
    metrics,
    nodeName: n.name,
    nodeNetns: n.netns,
    nodeIP: n.ip,
    nodeUts,
    cluster,
    stateDir,
    clusterDNS: opts.clusterDNS,
    clusterDomain: opts.clusterDomain,
    nodeResolv,
    network,
    dial,
    workloadArgv: nodeArgv(new URL('./workloads/main.js', import.meta.url)),
    podnetArgv: [process.execPath, opts.podnetBin],
    repoRoot: path.resolve(here, here.includes(`${path.sep}dist${path.sep}`) ? '../..' : '..'),
    writeStatus: (pod) => opts.writer.updatePodStatus(pod),
    networkReady: opts.podNetworkReady,
    event: (pod, type, reason, message, fieldPath) => {
      opts.writer.createEvent(podEvent(pod, n.name, type, reason, message, fieldPath)).catch(() => {});
    },
    hostPortsChanged: () => {
      hostPortChain = hostPortChain.then(syncHostPorts).catch((e) => void process.stderr.write(`kubelet: hostPort rules: ${errorMessage(e)}\n`));
    },
  };

  async function syncHostPorts(): Promise<void> {
    const maps: HostPortMapping[] = [];
    for (const w of workers.values()) {
      if (w.hostNetwork || !w.podIP || w.terminating) continue;
      for (const c of w.pod.spec?.containers ?? []) {
        for (const p of c.ports ?? []) {
          if (!p.hostPort || p.protocol === 'SCTP') continue;
          maps.push({ hostPort: p.hostPort, hostIP: p.hostIP, protocol: p.protocol === 'UDP' ? 'udp' : 'tcp', podIP: w.podIP, containerPort: p.containerPort, pod: w.key });
        }
      }
    }
    if (!maps.length && !hostPortsUsed) return;
    hostPortsUsed = maps.length > 0;
    await applyHostPorts(nft, n.netns, maps);
  }

  const pods = opts.source.informer(R.pods);
  const mine = (p: Pod) => p.spec?.nodeName === n.name;
  const uidOf = (p: Pod) => p.metadata?.uid ?? `${p.metadata?.namespace}/${p.metadata?.name}`;

  function serialize(uid: string, fn: () => Promise<void>): void {
    const prev = ops.get(uid) ?? Promise.resolve();
    const next = prev.then(fn).catch((e) => void process.stderr.write(`kubelet: pod ${uid}: ${errorMessage(e)}\n`));
    ops.set(uid, next);
    void next.then(() => ops.get(uid) === next && ops.delete(uid));
  }

  async function terminate(w: PodWorker, grace: number, finalDelete: boolean): Promise<void> {
    if (w.terminating) return;
    w.terminating = true;
    await w.stopContainers(grace);
    ctx.hostPortsChanged();
    await w.removeSandbox();
    workers.delete(w.uid);
    if (finalDelete) await opts.writer.deletePod(w.pod.metadata?.namespace ?? 'default', w.pod.metadata?.name ?? '', w.uid);
  }

  function reconcile(pod: Pod, adopt = false): void {
    const uid = uidOf(pod);
    serialize(uid, async () => {
      if (stopping) return;
      const w = workers.get(uid);
      if (pod.metadata?.deletionTimestamp) {
        if (w) await terminate(w, graceSeconds(pod), true);
        else await opts.writer.deletePod(pod.metadata.namespace ?? 'default', pod.metadata.name ?? '', uid);
        return;
      }
      if (w) {
        w.pod = pod;
        w.syncEphemeral();
        return;
      }
      if (TERMINAL.has(pod.status?.phase ?? '')) return;
      const r = retry.get(uid);
      if (r?.timer) return;
      const worker = new PodWorker(pod, ctx);
      workers.set(uid, worker);
      try {
        await worker.start(adopt);
        retry.delete(uid);
      } catch (e) {
        workers.delete(uid);
        await worker.removeSandbox().catch(() => {});
        const delayMs = Math.min((r?.delayMs ?? 500) * 2, 30_000);
        const timer = setTimeout(() => {
          retry.set(uid, { delayMs });
          const latest = pods.get(pod.metadata?.namespace, pod.metadata?.name ?? '') as Pod | undefined;
          if (latest && uidOf(latest) === uid && !stopping) reconcile(latest, adopt);
        }, delayMs);
        retry.set(uid, { delayMs, timer });
        throw e;
      }
    });
  }

  function onChange(change: Change): void {
    if (stopping) return;
    const c = { type: change.type, object: change.object as Pod };
    if (c.type === 'DELETED') {
      const uid = uidOf(c.object);
      serialize(uid, async () => {
        const w = workers.get(uid);
        if (w) await terminate(w, Math.min(graceSeconds(c.object), 2), false);
      });
      return;
    }
    if (mine(c.object)) reconcile(c.object);
  }

  // Pods of an earlier run whose pod no longer exists: stop what is left and remove the sandbox.
  async function cleanupOrphans(live: Set<string>): Promise<void> {
    const dir = path.join(stateDir, 'pods');
    for (const uid of fs.readdirSync(dir)) {
      if (live.has(uid)) continue;
      try {
        const rec = JSON.parse(fs.readFileSync(path.join(dir, uid, 'pod.json'), 'utf8')) as { namespace: string; name: string; netns: string };
        for (const c of fs.readdirSync(path.join(dir, uid))) {
          const pidFile = path.join(dir, uid, c, 'pid');
          if (fs.existsSync(pidFile)) signalGroup(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGKILL');
        }
        if (rec.netns !== n.netns) {
          await stopDialer(rec.netns);
          for (const pid of await netnsPids(rec.netns)) signalGroup(pid, 'SIGKILL');
          await network.del({ containerId: uid, netns: rec.netns, ifname: 'eth0', podName: rec.name, podNamespace: rec.namespace }).catch(() => {});
          await deleteNetns(rec.netns);
          fs.rmSync(path.join('/etc/netns', rec.netns), { recursive: true, force: true });
        }
      } catch (e) {
        process.stderr.write(`kubelet: cleaning up pod ${uid}: ${errorMessage(e)}\n`);
      }
      try {
        // Unmounted first: a bound namespace file cannot be removed (EBUSY).
        await removeUts(path.join(dir, uid, 'uts'));
        fs.rmSync(path.join(dir, uid), { recursive: true, force: true });
      } catch (e) {
        process.stderr.write(`kubelet: cleaning up pod ${uid}: ${errorMessage(e)}\n`);
      }
    }
  }

  const unsubscribe = pods.onChange(onChange);
  await opts.source.start();

  const readySince = new Date().toISOString();
  const nodeObject = (): Node => buildNode(n, { zone: opts.zone, controlPlane: opts.controlPlane }, new Date().toISOString(), readySince);
  await opts.writer.upsertNode(nodeObject());
  const heartbeat = setInterval(() => {
    opts.writer.updateNodeStatus(nodeObject()).catch((e) => process.stderr.write(`kubelet: heartbeat: ${errorMessage(e)}\n`));
  }, opts.heartbeatMs ?? HEARTBEAT_MS);

  const current = (pods.list() as unknown as Pod[]).filter(mine);
  await cleanupOrphans(new Set(current.filter((p) => !p.metadata?.deletionTimestamp).map(uidOf)));
  for (const p of current) reconcile(p, true);

  const findPod = (ns: string, name: string) => [...workers.values()].find((w) => w.pod.metadata?.namespace === ns && w.pod.metadata?.name === name && !w.terminating);

  async function idle(): Promise<void> {
    while (ops.size) await Promise.all([...ops.values()]);
    await hostPortChain;
    await Promise.all([...workers.values()].map((w) => w.flushStatus()));
  }

  const usage = usageSampler(n.name, n.netns, () =>
    [...workers.values()]
      .filter((w) => !w.terminating && w.pod.status?.phase === 'Running')
      .map((w) => ({
        namespace: w.pod.metadata?.namespace ?? 'default',
        name: w.pod.metadata?.name ?? '',
        ...(w.hostNetwork ? {} : { netns: w.netns }),
        containers: w.appContainers().map((r) => ({ name: r.name, pid: r.pid })),
      })),
  );

  return {
    podStreams: podStreams({ findPod, nodeNetns: n.netns, dial }),
    usage: () => usage.report(),
    podIP: (ns, name) => findPod(ns, name)?.podIP,
    podNetns: (ns, name) => findPod(ns, name)?.netns,
    idle,
    metrics,
    kubeletMetrics: () => metrics.text(),
    async stop(o = {}) {
      stopping = true;
      clearInterval(heartbeat);
      for (const r of retry.values()) clearTimeout(r.timer);
      unsubscribe();
      await Promise.all([...ops.values()]);
      await Promise.all(
        [...workers.values()].map(async (w) => {
          await w.stopContainers(o.removePods ? 0 : 2);
          await w.flushStatus();
          if (o.removePods) await w.removeSandbox();
        }),
      );
      if (o.removePods) {
        workers.clear();
        await syncHostPorts().catch(() => {});
        await removeUts(nodeUts).catch((e) => void process.stderr.write(`kubelet: ${errorMessage(e)}\n`));
      }
    },
  };
}
