// Starting, finding and stopping a cluster's daemon process. The daemon writes progress lines to
// progress.log and `ready` to status.json; `podnet up` follows them so the user sees what happens.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { clusterPaths, packageRoot, podnetHome, type ClusterPaths } from './paths.js';

export interface ClusterConfig {
  readonly name: string;
  readonly store: string;
  readonly nodes: number;
  readonly backend: 'bridge' | 'host-gw' | 'vxlan';
  readonly apiPort: number;
  readonly proxyMode: 'nftables' | 'iptables' | 'userspace';
  /** nftables mode's layout (proxy/README.md); absent in configs written before it existed: global. */
  readonly proxyLayout?: 'global' | 'kube';
  readonly scheduler?: string;
  readonly zones: number;
  readonly network: boolean;
  readonly uiPort: number;
  /** Port of the Prometheus endpoints on 127.0.0.1 (0: any free port). */
  readonly metricsPort?: number;
  /** Without root: the daemon runs in its own user + network + mount namespace (see cli/rootless.ts). */
  readonly rootless?: boolean;
}

export interface DaemonStatus {
  readonly phase: 'starting' | 'ready' | 'failed' | 'stopping';
  readonly pid: number;
  readonly startedAt: string;
  readonly apiserver?: string;
  readonly kubeconfig?: string;
  readonly ui?: string;
  readonly metrics?: string;
  readonly error?: string;
  readonly nodes?: { name: string; ip: string; podCIDR: string; netns: string }[];
  readonly published?: { service: string; port: number; url: string }[];
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid of the cluster's running daemon, or undefined (a stale pid file is ignored). */
export function runningPid(paths: ClusterPaths): number | undefined {
  if (!existsSync(paths.pidFile)) return undefined;
  const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0 || !pidAlive(pid)) return undefined;
  // Guard against pid reuse: the process must be ours (its cmdline names this cluster's daemon).
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (!cmd.includes('__daemon')) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

export function readStatus(paths: ClusterPaths): DaemonStatus | undefined {
  try {
    return JSON.parse(readFileSync(paths.status, 'utf8')) as DaemonStatus;
  } catch {
    return undefined;
  }
}

export function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  // rename is atomic on one filesystem, so readers never see half a file.
  renameSync(tmp, path);
}

/** Starts the daemon detached; `argv` replaces the plain `node bin/podnet __daemon` command line (rootless). */
export function spawnDaemon(config: ClusterConfig, argv?: readonly string[]): number {
  const paths = clusterPaths(config.name);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  writeJsonAtomic(paths.config, config);
  rmSync(paths.status, { force: true });
  writeFileSync(paths.progress, '');
  const log = openSync(paths.log, 'a');
  const cmd = argv ?? [process.execPath, join(packageRoot(), 'bin', 'podnet'), '__daemon', '--name', config.name];
  const child = spawn(cmd[0]!, cmd.slice(1), {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, PODNET_HOME: podnetHome() },
  });
  child.unref();
  writeFileSync(paths.pidFile, `${child.pid}\n`);
  return child.pid!;
}

/** Follows progress.log, printing new lines, until the daemon is ready, fails, or dies. */
export async function waitForReady(paths: ClusterPaths, pid: number, opts: { timeoutMs: number; print: (line: string) => void }): Promise<DaemonStatus> {
  const deadline = Date.now() + opts.timeoutMs;
  let printed = 0;
  for (;;) {
    if (existsSync(paths.progress) && statSync(paths.progress).size > printed) {
      const text = readFileSync(paths.progress, 'utf8');
      const fresh = text.slice(printed);
      const lastNl = fresh.lastIndexOf('\n');
      if (lastNl >= 0) {
        for (const line of fresh.slice(0, lastNl).split('\n')) if (line) opts.print(line);
        printed += Buffer.byteLength(fresh.slice(0, lastNl + 1));
      }
    }
    const status = readStatus(paths);
    if (status?.phase === 'ready' || status?.phase === 'failed') return status;
    if (!pidAlive(pid)) {
      return { phase: 'failed', pid, startedAt: '', error: `the daemon exited; see ${paths.log}` };
    }
    if (Date.now() > deadline) {
      return { phase: 'failed', pid, startedAt: '', error: `timed out waiting for the cluster; see ${paths.log}` };
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Sends SIGTERM to the daemon (our own pid from the pid file) and waits for it to exit; SIGKILL after the grace. */
export async function stopDaemon(paths: ClusterPaths, graceMs = 20000): Promise<boolean> {
  const pid = runningPid(paths);
  if (!pid) return false;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
  while (pidAlive(pid)) await new Promise((r) => setTimeout(r, 20));
  return true;
}
