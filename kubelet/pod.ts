// One pod on this node, from network to processes and back: sandbox (netns + CNI ADD, resolv.conf,
// hosts), init containers in order, then the containers; status written as it changes; teardown
// with the grace period, CNI DEL and netns removal.
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import type { Container, Pod } from '../api/types.js';
import { errorMessage } from '../api/errors.js';
import { deleteNetns, ensureNetns, netnsPids } from '../host/netns.js';
import { listAddrs } from '../host/link.js';
import { stopDialer } from '../host/relay.js';
import type { PodNetworkDriver, Attachment } from './cni.js';
import { ContainerRunner } from './container.js';
import { containerEnv, expandContainer, type EnvLookup } from './env.js';
import type { KubeletMetrics } from './metrics.js';
import { buildHosts, podHostname } from './hosts.js';
import { podNetnsName } from './names.js';
import { baseEnv, signalGroup } from './process.js';
import type { ProbeTarget } from './probe.js';
import { buildResolvConf, type DNSConfig } from './resolv.js';
import { buildPodStatus, type PodView } from './status.js';
import { planContainer, type RunPlan } from './workloads/images.js';
import { ensureUts, removeUts } from './uts.js';

export interface PodContext {
  readonly nodeName: string;
  readonly nodeNetns: string;
  readonly nodeIP: string;
  /** The node's UTS namespace file (hostname = node name), shared by hostNetwork pods. */
  readonly nodeUts?: string;
  readonly cluster: string;
  readonly stateDir: string;
  readonly clusterDNS: string;
  readonly clusterDomain: string;
  readonly nodeResolv: () => DNSConfig;
  readonly network: PodNetworkDriver;
  readonly dial: ProbeTarget['dial'];
  /** argv that runs the built-in workloads entry (node + script). */
  readonly workloadArgv: readonly string[];
  /** argv that runs podnet's own CLI (node + bin). */
  readonly podnetArgv: readonly string[];
  readonly repoRoot: string;
  readonly lookup?: EnvLookup;
  readonly metrics?: KubeletMetrics;
  writeStatus(pod: Pod): Promise<void>;
  /** See KubeletOptions.podNetworkReady. */
  readonly networkReady?: (pod: Pod) => Promise<void>;
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** Something about hostPorts may have changed. */
  hostPortsChanged(): void;
}

export const DEFAULT_GRACE_SECONDS = 30;
const NETWORK_READY_TIMEOUT_MS = 5000;

// `ip netns list` costs a process and grows with the number of pods; the mount point says the same.
function netnsMounted(name: string): boolean {
  return fs.existsSync(`/run/netns/${name}`);
}

export class PodWorker {
  pod: Pod;
  readonly uid: string;
  readonly netns: string;
  podIP?: string;
  private init: ContainerRunner[] = [];
  private containers: ContainerRunner[] = [];
  private ephemeral: ContainerRunner[] = [];
  private initialized = false;
  private sandboxReady = false;
  private startTime = new Date().toISOString();
  private readonly seenAt = performance.now();
  private startObserved = false;
  private lastStatus = '';
  private statusChain: Promise<void> = Promise.resolve();
  private statusQueued = false;
  // A pod that has finished (Succeeded/Failed) gives its IP back, as the kubelet kills the sandbox
  // of terminated pods; its logs stay until the pod is deleted.
  private released: Promise<void> = Promise.resolve();
  private networkReleased = false;
  terminating = false;
  private stopped = false;

  constructor(pod: Pod, private readonly ctx: PodContext) {
    this.pod = pod;
    this.uid = pod.metadata?.uid ?? `${pod.metadata?.namespace}/${pod.metadata?.name}`;
    this.netns = pod.spec?.hostNetwork ? ctx.nodeNetns : podNetnsName(ctx.cluster, this.uid);
    if (pod.status?.startTime) this.startTime = pod.status.startTime;
  }

  get key(): string {
    return `${this.pod.metadata?.namespace ?? 'default'}/${this.pod.metadata?.name}`;
  }
  get hostNetwork(): boolean {
    return this.pod.spec?.hostNetwork ?? false;
  }
  get dir(): string {
    return path.join(this.ctx.stateDir, 'pods', this.uid);
  }
  /** The UTS namespace file processes of this pod run in (the node's for hostNetwork pods). */
  get uts(): string | undefined {
    return this.hostNetwork ? this.ctx.nodeUts : path.join(this.dir, 'uts');
  }
  get etcDir(): string {
    return path.join('/etc/netns', this.netns);
  }
  runner(name?: string): ContainerRunner | undefined {
    const all = [...this.containers, ...this.init, ...this.ephemeral];
    return name ? all.find((r) => r.name === name) : (this.containers[0] ?? all[0]);
  }
  runners(): readonly ContainerRunner[] {
    return [...this.init, ...this.containers, ...this.ephemeral];
  }

  /**
   * Starts the debug containers `kubectl debug` added since the last look (once the sandbox is up):
   * each runs once in the pod's namespaces, never restarted, and is never stopped before the pod.
   */
  syncEphemeral(): void {
    if (!this.sandboxReady || this.stopped || this.terminating) return;
    const started = new Set(this.ephemeral.map((r) => r.name));
    const added = (this.pod.spec?.ephemeralContainers ?? []).filter((c) => !started.has(c.name));
    for (const c of added) {
      const r = this.makeRunner(c as Container, false, 0, true);
      this.ephemeral.push(r);
      r.start();
    }
    if (added.length) this.changed();
  }
  /** The app containers (not init containers), in spec order. */
  appContainers(): readonly ContainerRunner[] {
    return this.containers;
  }

  private attachment(): Attachment {
    return { containerId: this.uid, netns: this.netns, ifname: 'eth0', podName: this.pod.metadata?.name ?? '', podNamespace: this.pod.metadata?.namespace ?? 'default' };
  }

  /** Sets up the sandbox and starts containers; `adopt` reuses an existing netns (kubelet restart). */
  async start(adopt: boolean): Promise<void> {
    const existed = fs.existsSync(this.dir);
    fs.mkdirSync(this.dir, { recursive: true });
    fs.writeFileSync(path.join(this.dir, 'pod.json'), JSON.stringify({ namespace: this.pod.metadata?.namespace, name: this.pod.metadata?.name, netns: this.netns }));
    if (existed) await this.killLeftovers();
    this.changed();
    if (this.hostNetwork) {
      this.podIP = this.ctx.nodeIP;
      if (!existed) this.ctx.metrics?.startedPods.inc();
    } else {
      // A netns of this pod that already has its address is adopted whatever the caller thought:
      // a kubelet restart races with pod updates, and a second CNI ADD would fail on eth0.
      if (netnsMounted(this.netns)) {
        this.podIP = (await listAddrs(this.netns, 'eth0'))[0]?.split('/')[0];
      }
      if (!this.podIP) {
        const t0 = performance.now();
        await ensureNetns(this.netns);
        try {
          this.podIP = (await this.ctx.network.add(this.attachment())).ips[0];
          this.ctx.metrics?.sandbox((performance.now() - t0) / 1000);
          this.ctx.metrics?.startedPods.inc();
        } catch (e) {
          this.ctx.metrics?.sandboxError();
          this.ctx.metrics?.startedPodErrors.inc();
          this.ctx.event(this.pod, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${errorMessage(e)}`);
          await deleteNetns(this.netns).catch(() => {});
          throw e;
        }
      }
      this.writeEtcFiles();
      await ensureUts(this.uts!, podHostname(this.pod));
    }
    if (this.stopped) return;
    this.sandboxReady = true;
    this.reportUnsupported();
    const spec = this.pod.spec;
    const carried = new Map((this.pod.status?.containerStatuses ?? []).map((s) => [s.name, s.restartCount] as const));
    this.init = (spec?.initContainers ?? []).map((c) => this.makeRunner(c, true, 0));
    this.containers = (spec?.containers ?? []).map((c) => this.makeRunner(c, false, adopt ? (carried.get(c.name) ?? 0) : 0));
    this.changed();
    // Not awaited: an init container may run for a long time, and a deletion must not wait for it.
    void this.runContainers();
    this.syncEphemeral();
  }

  private async runContainers(): Promise<void> {
    await this.announceNetwork();
    if (this.stopped) return;
    for (const r of this.init) {
      const exitCode = await r.runToCompletion();
      if (exitCode !== 0 || this.stopped) return;
    }
    if (this.stopped) return;
    this.initialized = true;
    for (const r of this.containers) r.start();
    this.ctx.hostPortsChanged();
    this.changed();
  }

  private async announceNetwork(): Promise<void> {
    const hook = this.ctx.networkReady;
    if (!hook || this.hostNetwork || !this.podIP) return;
    const pod: Pod = { ...this.pod, status: { ...this.pod.status, podIP: this.podIP, podIPs: [{ ip: this.podIP }], hostIP: this.ctx.nodeIP } };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(() => {
      process.stderr.write(`kubelet: pod "${this.key}": podNetworkReady did not answer within 5s; starting its containers\n`);
      resolve();
    }, NETWORK_READY_TIMEOUT_MS)));
    try {
      await Promise.race([hook(pod), timeout]);
    } catch (e) {
      process.stderr.write(`kubelet: pod "${this.key}": podNetworkReady: ${errorMessage(e)}\n`);
    } finally {
      clearTimeout(timer);
    }
  }

  private async killLeftovers(): Promise<void> {
    // Processes of an earlier kubelet run: the netns' own pids, and pid files (hostNetwork pods).
    if (!this.hostNetwork && netnsMounted(this.netns)) for (const pid of await netnsPids(this.netns)) signalGroup(pid, 'SIGKILL');
    if (!fs.existsSync(this.dir)) return;
    for (const c of fs.readdirSync(this.dir)) {
      const pidFile = path.join(this.dir, c, 'pid');
      if (!fs.existsSync(pidFile)) continue;
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      if (pid > 1) signalGroup(pid, 'SIGKILL');
      fs.rmSync(pidFile, { force: true });
    }
  }

  private writeEtcFiles(): void {
    const r = buildResolvConf(this.pod, this.ctx.nodeResolv(), { clusterDNS: this.ctx.clusterDNS, clusterDomain: this.ctx.clusterDomain });
    for (const w of r.warnings) this.ctx.event(this.pod, 'Warning', 'DNSConfigForming', w);
    fs.mkdirSync(this.etcDir, { recursive: true });
    fs.writeFileSync(path.join(this.etcDir, 'resolv.conf'), r.text);
    fs.writeFileSync(path.join(this.etcDir, 'hosts'), buildHosts(this.pod, this.podIP, { clusterDomain: this.ctx.clusterDomain }));
    fs.writeFileSync(path.join(this.etcDir, 'hostname'), `${podHostname(this.pod)}\n`);
  }

  private reportUnsupported(): void {
    const sctp = (this.pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).filter((p) => p.protocol === 'SCTP');
    if (sctp.length) {
      this.ctx.event(this.pod, 'Warning', 'SCTPUnsupported', `SCTP port(s) ${sctp.map((p) => p.containerPort).join(', ')} are not served: this kernel has no SCTP support`);
    }
  }

  private plan(c: Container, env: Record<string, string>): { argv: string[]; env: Record<string, string>; cwd?: string } {
    const expanded = expandContainer(c, env);
    const plan: RunPlan = planContainer(this.pod, expanded);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? 'TCP'}`).join(',');
    const hint = { PODNET_POD_NAME: this.pod.metadata?.name ?? '', PODNET_POD_NAMESPACE: this.pod.metadata?.namespace ?? 'default', PODNET_HOSTNAME: podHostname(this.pod), PODNET_PORTS: ports };
    const fullEnv = { ...baseEnv(), ...env };
    if (plan.kind === 'host') {
      const cwd = c.workingDir && fs.existsSync(c.workingDir) ? c.workingDir : '/';
      return { argv: [...plan.argv], env: fullEnv, cwd };
    }
    if (plan.kind === 'podnet') return { argv: [...this.ctx.podnetArgv, ...plan.args], env: { ...fullEnv, ...hint }, cwd: this.ctx.repoRoot };
    if (plan.note) this.ctx.event(this.pod, 'Normal', 'BuiltinWorkload', plan.note, `spec.containers{${c.name}}`);
    return { argv: [...this.ctx.workloadArgv, plan.workload, ...plan.args], env: { ...fullEnv, ...hint }, cwd: this.ctx.repoRoot };
  }

  private makeRunner(c: Container, init: boolean, restartCount: number, ephemeral = false): ContainerRunner {
    const problems: string[] = [];
    const env = containerEnv(this.pod, c, { podIP: this.podIP, hostIP: this.ctx.nodeIP, nodeName: this.ctx.nodeName, lookup: this.ctx.lookup, problems });
    const field = `spec.${init ? 'initContainers' : ephemeral ? 'ephemeralContainers' : 'containers'}{${c.name}}`;
    for (const p of problems) this.ctx.event(this.pod, 'Warning', 'Failed', `Error: ${p}`, field);
    const p = this.plan(c, env);
    return new ContainerRunner(
      {
        spec: c,
        argv: p.argv,
        env: p.env,
        cwd: p.cwd,
        netns: this.netns,
        uts: this.uts,
        restartPolicy: ephemeral ? 'Never' : (this.pod.spec?.restartPolicy ?? 'Always'),
        logDir: path.join(this.dir, c.name),
        probeTarget: { nodeNetns: this.ctx.nodeNetns, podNetns: this.netns, podUts: this.uts, podIP: this.podIP ?? '127.0.0.1', dial: this.ctx.dial },
        init,
        restartCount,
      },
      {
        changed: () => this.changed(),
        event: (t, r, m, f) => this.ctx.event(this.pod, t, r, m, f),
        observe: (what, seconds) => {
          const m = this.ctx.metrics;
          if (!m) return;
          const type = init ? 'init_container' : 'container';
          if (what === 'started') m.startedContainer(type);
          else if (what === 'start-error') m.containerStartError(type);
          else if (what === 'restarted') m.restarts.inc();
          else {
            const [, probeType, result] = what.split(':');
            m.probes.inc({ probe_type: probeType, result });
            if (seconds !== undefined) m.probeSeconds.observe({ probe_type: probeType }, seconds);
          }
        },
      },
    );
  }

  view(): PodView {
    return {
      podIP: this.podIP,
      hostIP: this.ctx.nodeIP,
      startTime: this.startTime,
      sandboxReady: this.sandboxReady,
      initialized: this.initialized || (this.pod.spec?.initContainers ?? []).length === 0 && this.containers.length > 0,
      initContainers: this.init.map((r) => r.view()),
      ephemeralContainers: this.ephemeral.map((r) => r.view()),
      containers: this.containers.length
        ? this.containers.map((r) => r.view())
        : (this.pod.spec?.containers ?? []).map((c) => ({ name: c.name, image: c.image ?? '', state: { kind: 'waiting' as const, reason: 'ContainerCreating' }, restartCount: 0, ready: false, started: false, willRestart: false })),
    };
  }

  /** Coalesces status writes: at most one in flight, the latest state wins. */
  changed(): void {
    if (this.statusQueued || this.terminating) return;
    this.statusQueued = true;
    this.statusChain = this.statusChain.then(async () => {
      await new Promise((r) => setImmediate(r));
      this.statusQueued = false;
      const status = buildPodStatus(this.pod, this.view(), new Date().toISOString());
      if (!this.startObserved && status.phase === 'Running' && this.containers.length && this.containers.every((r) => r.running)) {
        this.startObserved = true;
        this.ctx.metrics?.podStart.observe((performance.now() - this.seenAt) / 1000);
      }
      if ((status.phase === 'Succeeded' || status.phase === 'Failed') && !this.networkReleased) {
        this.networkReleased = true;
        this.sandboxReady = false;
        this.released = this.releaseNetwork().catch((e) => void process.stderr.write(`kubelet: releasing pod "${this.key}": ${errorMessage(e)}\n`));
      }
      const text = JSON.stringify(status);
      if (text === this.lastStatus) return;
      this.lastStatus = text;
      try {
        await this.ctx.writeStatus({ ...this.pod, status });
      } catch (e) {
        this.lastStatus = '';
        process.stderr.write(`kubelet: cannot write status of pod "${this.key}": ${errorMessage(e)}\n`);
      }
    });
  }

  /** Waits for pending status writes. */
  async flushStatus(): Promise<void> {
    await this.statusChain;
    await this.released;
  }

  /** Stops every container within `graceSeconds` (SIGTERM, then SIGKILL). */
  async stopContainers(graceSeconds: number): Promise<void> {
    this.stopped = true;
    await Promise.all(this.runners().map((r) => r.stop(graceSeconds * 1000)));
  }

  /** Removes the sandbox: CNI DEL, the netns, the UTS namespace, its /etc/netns files and the state folder. */
  async removeSandbox(keepState = false): Promise<void> {
    await this.statusChain;
    await this.released;
    await this.releaseNetwork();
    if (!keepState) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async releaseNetwork(): Promise<void> {
    if (this.hostNetwork) return;
    // A dial relay (probes, port-forward) left in the netns would keep it alive after the delete.
    await stopDialer(this.netns);
    for (const pid of await netnsPids(this.netns)) signalGroup(pid, 'SIGKILL');
    await this.ctx.network.del(this.attachment()).catch((e) => process.stderr.write(`kubelet: ${errorMessage(e)}\n`));
    await deleteNetns(this.netns);
    await removeUts(this.uts!);
    fs.rmSync(this.etcDir, { recursive: true, force: true });
  }
}

/** The grace period of a deletion: the request's, else the pod's, else 30 s. */
export function graceSeconds(pod: Pod): number {
  return pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
}
