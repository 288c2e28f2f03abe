// One container of a running pod: its process (started, watched, restarted with back-off), its
// probes, its logs, and the state the pod status is built from.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChildProcess } from 'node:child_process';
import type { Container, core } from '../api/types.js';
import { nextBackoff, shouldRestart, type Backoff } from './backoff.js';
import { ContainerLog } from './logs.js';
import { signalGroup, spawnInNetns } from './process.js';
import { runProbe, type ProbeTarget } from './probe.js';
import type { ContainerView, RunState } from './status.js';

export interface ContainerHost {
  /** Called whenever anything status-relevant changed. */
  changed(): void;
  event(type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  /** Metrics hooks (optional, so tests can leave them out). */
  observe?(what: 'started' | 'restarted' | 'start-error' | `probe:${string}:${'successful' | 'failed'}`, seconds?: number): void;
}

export interface ContainerSetup {
  readonly spec: Container;
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** The netns the process runs in (the pod's, or the node's for hostNetwork pods). */
  readonly netns: string;
  /** The pod's UTS namespace file (the node's for hostNetwork pods). */
  readonly uts?: string;
  readonly restartPolicy: string;
  readonly logDir: string;
  readonly probeTarget: Omit<ProbeTarget, 'container' | 'env'>;
  readonly init: boolean;
  /** Restart count carried over from an earlier kubelet run (adoption). */
  readonly restartCount?: number;
}

type ProbeKind = 'startup' | 'liveness' | 'readiness';

export class ContainerRunner extends EventEmitter {
  readonly log: ContainerLog;
  private child?: ChildProcess;
  private state: RunState = { kind: 'waiting', reason: 'ContainerCreating' };
  private lastState?: RunState;
  private restartCount: number;
  private ready = false;
  private started = false;
  private willRestart = false;
  private backoff: Backoff = { crashes: 0 };
  private startedAtMs = 0;
  private timers = new Set<NodeJS.Timeout>();
  private stopping = false;
  private livenessKill = false;
  private runId = 0;

  constructor(readonly setup: ContainerSetup, private readonly host: ContainerHost) {
    super();
    this.log = new ContainerLog(setup.logDir);
    this.restartCount = setup.restartCount ?? 0;
  }

  get name(): string {
    return this.setup.spec.name;
  }
  get pid(): number | undefined {
    return this.child?.pid;
  }
  get stdin(): NodeJS.WritableStream | undefined {
    return this.child?.stdin ?? undefined;
  }
  get running(): boolean {
    return this.state.kind === 'running';
  }
  get fieldPath(): string {
    return `spec.${this.setup.init ? 'initContainers' : 'containers'}{${this.name}}`;
  }

  view(): ContainerView {
    return { name: this.name, image: this.setup.spec.image ?? '', state: this.state, lastState: this.lastState, restartCount: this.restartCount, ready: this.ready, started: this.started, willRestart: this.willRestart };
  }

  /** Starts and resolves with the exit code of the last run, once no restart follows (init containers). */
  runToCompletion(): Promise<number> {
    return new Promise((resolve) => {
      this.once('done', resolve);
      this.start();
    });
  }

  start(): void {
    if (this.stopping) return void this.emit('done', 137);
    const s = this.setup;
    const run = ++this.runId;
    this.log.rotate();
    const tty = s.spec.tty ?? false;
    let child: ChildProcess;
    try {
      child = spawnInNetns(s.netns, s.argv, { env: s.env, cwd: s.cwd, stdin: s.spec.stdin ?? false, tty, uts: s.uts });
    } catch (e) {
      this.host.observe?.('start-error');
      this.fail(`cannot start: ${(e as Error).message}`);
      return;
    }
    this.child = child;
    this.startedAtMs = Date.now();
    this.willRestart = false;
    this.livenessKill = false;
    const startedAt = new Date(this.startedAtMs).toISOString();
    this.state = { kind: 'running', startedAt };
    if (child.pid) fs.writeFileSync(path.join(s.logDir, 'pid'), String(child.pid));
    child.stdout?.on('data', (b: Buffer) => (this.log.write('stdout', b), this.emit('output', 'stdout', b)));
    child.stderr?.on('data', (b: Buffer) => (this.log.write('stderr', b), this.emit('output', 'stderr', b)));
    child.stdin?.on('error', () => {});
    child.on('error', (e) => this.log.write('stderr', `podnet: ${e.message}\n`));
    child.on('close', (code, signal) => this.exited(run, startedAt, code, signal));
    this.host.event('Normal', 'Pulled', `Container image "${s.spec.image}" already present on machine`, this.fieldPath);
    this.host.event('Normal', 'Created', `Created container ${this.name}`, this.fieldPath);
    this.host.event('Normal', 'Started', `Started container ${this.name}`, this.fieldPath);
    this.host.observe?.('started');
    const sp = s.spec;
    this.started = !sp.startupProbe;
    this.ready = !this.setup.init && !sp.readinessProbe && this.started;
    if (sp.startupProbe) this.probeLoop('startup', sp.startupProbe, run);
    else this.afterStartup(run);
    this.host.changed();
  }

  private afterStartup(run: number): void {
    const sp = this.setup.spec;
    if (this.setup.init) return;
    if (sp.livenessProbe) this.probeLoop('liveness', sp.livenessProbe, run);
    if (sp.readinessProbe) this.probeLoop('readiness', sp.readinessProbe, run);
    else if (!this.ready) (this.ready = true), this.host.changed();
  }

  private fail(message: string): void {
    const now = new Date().toISOString();
    this.state = { kind: 'terminated', exitCode: 128, reason: 'StartError', message, startedAt: now, finishedAt: now };
    this.host.event('Warning', 'Failed', `Error: ${message}`, this.fieldPath);
    this.host.changed();
    this.emit('done', 128);
  }

  private exited(run: number, startedAt: string, code: number | null, signal: NodeJS.Signals | null): void {
    if (run !== this.runId) return;
    this.log.flush();
    this.child = undefined;
    this.clearTimers();
    const sigNum = signal ? (({ SIGKILL: 9, SIGTERM: 15, SIGINT: 2 }) as Record<string, number>)[signal] ?? 1 : 0;
    const exitCode = code ?? 128 + sigNum;
    const finishedAt = new Date().toISOString();
    const reason = exitCode === 0 ? 'Completed' : 'Error';
    const term: RunState = { kind: 'terminated', exitCode, reason, startedAt, finishedAt, ...(sigNum ? { signal: sigNum } : {}) };
    this.ready = false;
    this.started = false;
    this.emit('exit', { exitCode });
    const restart = !this.stopping && (this.setup.init ? exitCode !== 0 && this.setup.restartPolicy !== 'Never' : shouldRestart(this.setup.restartPolicy, exitCode));
    if (!restart) {
      this.state = term;
      this.willRestart = false;
      this.host.changed();
      this.emit('done', exitCode);
      return;
    }
    const { delayMs, next } = nextBackoff(this.backoff, Date.now() - this.startedAtMs);
    this.backoff = next;
    this.lastState = term;
    this.willRestart = true;
    if (delayMs > 0) {
      this.state = { kind: 'waiting', reason: 'CrashLoopBackOff', message: `back-off ${Math.round(delayMs / 1000)}s restarting failed container=${this.name}` };
      this.host.event('Warning', 'BackOff', 'Back-off restarting failed container', this.fieldPath);
    } else {
      this.state = term;
    }
    this.host.changed();
    this.later(delayMs, () => {
      this.restartCount++;
      this.host.observe?.('restarted');
      this.start();
    });
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => (this.timers.delete(t), fn()), ms);
    this.timers.add(t);
  }

  private clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private probeLoop(kind: ProbeKind, p: core.Probe, run: number): void {
    const period = (p.periodSeconds ?? 10) * 1000;
    const success = kind === 'readiness' ? (p.successThreshold ?? 1) : 1;
    const failure = p.failureThreshold ?? 3;
    let ok = 0;
    let bad = 0;
    const target: ProbeTarget = { ...this.setup.probeTarget, container: this.setup.spec, env: this.setup.env };
    const tick = async (): Promise<void> => {
      if (run !== this.runId || this.stopping || this.state.kind !== 'running') return;
      const t0 = performance.now();
      const r = await runProbe(p, target);
      if (run !== this.runId || this.stopping || this.state.kind !== 'running') return;
      const type = kind === 'startup' ? 'Startup' : kind === 'liveness' ? 'Liveness' : 'Readiness';
      this.host.observe?.(`probe:${type}:${r.ok ? 'successful' : 'failed'}`, (performance.now() - t0) / 1000);
      if (r.ok) {
        bad = 0;
        ok++;
        if (ok >= success) this.probeSucceeded(kind, run);
        if (kind === 'startup' && this.started) return;
      } else {
        ok = 0;
        bad++;
        this.host.event('Warning', 'Unhealthy', `${kind[0]!.toUpperCase()}${kind.slice(1)} probe failed: ${r.message}`, this.fieldPath);
        if (bad >= failure) this.probeFailed(kind);
      }
      this.later(period, () => void tick());
    };
    this.later((p.initialDelaySeconds ?? 0) * 1000, () => void tick());
  }

  private probeSucceeded(kind: ProbeKind, run: number): void {
    if (kind === 'startup' && !this.started) {
      this.started = true;
      this.afterStartup(run);
      this.host.changed();
    } else if (kind === 'readiness' && !this.ready) {
      this.ready = true;
      this.host.changed();
    }
  }

  private probeFailed(kind: ProbeKind): void {
    if (kind === 'readiness') {
      if (this.ready) (this.ready = false), this.host.changed();
      return;
    }
    if (this.livenessKill) return;
    this.livenessKill = true;
    const why = kind === 'liveness' ? 'failed liveness probe' : 'failed startup probe';
    this.host.event('Normal', 'Killing', `Container ${this.name} ${why}, will be restarted`, this.fieldPath);
    void this.kill(this.graceMs());
  }

  private graceMs(): number {
    return 1000 * (this.setup.spec.livenessProbe?.terminationGracePeriodSeconds ?? 30);
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  private async kill(graceMs: number): Promise<void> {
    const child = this.child;
    if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise<void>((r) => child.once('close', () => r()));
    signalGroup(child.pid, 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = new Promise<void>((r) => {
      timer = setTimeout(() => (signalGroup(child.pid!, 'SIGKILL'), r()), graceMs);
    });
    await Promise.race([gone, forced]);
    clearTimeout(timer);
    await gone;
  }

  /** Stops for good: no more restarts or probes; SIGTERM, SIGKILL after the grace period. */
  async stop(graceMs: number, reason = 'Stopping container'): Promise<void> {
    this.stopping = true;
    this.clearTimers();
    if (this.child) this.host.event('Normal', 'Killing', `${reason} ${this.name}`, this.fieldPath);
    await this.kill(graceMs);
    this.ready = false;
    this.willRestart = false;
  }
}
