// The cluster daemon: one process per cluster that owns storage, the apiserver, the controllers and
// (as root) the data plane of every node. Started by `podnet up`, stopped by `podnet down`.
// Components are started in dependency order and stopped in reverse; a failure to start stops what
// already started and reports the error through status.json.
import { mkdirSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { clusterPaths, type ClusterPaths } from './paths.js';
import { writeJsonAtomic, type ClusterConfig, type DaemonStatus } from './daemonctl.js';
import { progressTo, type Progress } from './progress.js';
import { startControlPlane, type ControlPlane } from './controlplane.js';
import { errorMessage } from '../api/errors.js';
import { prepareRootlessNamespace } from './rootless.js';
import { useRelaySocketDir } from '../host/relay.js';
import { join } from 'node:path';

export interface Stoppable {
  readonly name: string;
  stop(): Promise<void> | void;
}

export async function runDaemon(name: string): Promise<void> {
  const paths = clusterPaths(name);
  mkdirSync(paths.dir, { recursive: true });
  useRelaySocketDir(join(paths.dir, 'relay'));
  const config = JSON.parse(readFileSync(paths.config, 'utf8')) as ClusterConfig;
  const progress = progressTo(paths.progress);
  const startedAt = new Date().toISOString();
  const stack: Stoppable[] = [];
  let status: DaemonStatus = { phase: 'starting', pid: process.pid, startedAt };
  const setStatus = (s: Partial<DaemonStatus>) => {
    status = { ...status, ...s };
    writeJsonAtomic(paths.status, status);
  };
  setStatus({});

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    setStatus({ phase: 'stopping' });
    process.stdout.write(`received ${signal}, stopping ${stack.length} components\n`);
    for (const c of [...stack].reverse()) {
      try {
        await c.stop();
      } catch (err) {
        process.stdout.write(`stopping ${c.name}: ${errorMessage(err)}\n`);
      }
    }
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  try {
    if (config.rootless) {
      progress('Rootless: running in a private user, network and mount namespace');
      await prepareRootlessNamespace(paths);
    }
    const cp = await startControlPlane(config, paths, progress, stack);
    const extra = await startDataPlane(config, paths, progress, stack, cp, setStatus);
    setStatus({ phase: 'ready', apiserver: cp.url, kubeconfig: paths.kubeconfig, metrics: cp.metrics.url, ...extra });
    progress('ready');
  } catch (err) {
    const message = errorMessage(err);
    process.stdout.write(`startup failed: ${(err as Error)?.stack ?? message}\n`);
    setStatus({ phase: 'failed', error: message });
    progress(`failed: ${message}`);
    for (const c of [...stack].reverse()) {
      try {
        await c.stop();
      } catch {
        /* best effort while failing */
      }
    }
    process.exit(1);
  }
}

/** The nodes' data plane; filled in by cli/dataplane.ts when running as root with networking on. */
async function startDataPlane(
  config: ClusterConfig,
  paths: ClusterPaths,
  progress: Progress,
  stack: Stoppable[],
  cp: ControlPlane,
  setStatus: (s: Partial<DaemonStatus>) => void,
): Promise<Partial<DaemonStatus>> {
  if (!config.network) {
    progress('data plane off (--no-network): the apiserver and controllers run; pods are scheduled but not started');
    return {};
  }
  const { startDataPlane: start } = await import('./dataplane.js');
  return start(config, paths, progress, stack, cp, setStatus);
}
