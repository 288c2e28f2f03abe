// Where a cluster keeps its state: $PODNET_HOME (default ~/.podnet)/clusters/<name>/.
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './args.js';

export function podnetHome(): string {
  return resolve(process.env.PODNET_HOME || join(homedir(), '.podnet'));
}

const CLUSTER_NAME = /^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/;

/** Cluster names end up in netns and link names, so they are short DNS labels (≤ 12 chars). */
export function checkClusterName(name: string): string {
  if (!CLUSTER_NAME.test(name)) {
    throw new UsageError(`invalid cluster name "${name}": use 1–12 lowercase letters, digits or '-', starting and ending with a letter or digit`);
  }
  return name;
}

export interface ClusterPaths {
  readonly dir: string;
  readonly config: string;
  readonly pidFile: string;
  readonly log: string;
  readonly progress: string;
  readonly status: string;
  readonly kubeconfig: string;
  /** A kubeconfig for processes inside the cluster (pods reach the apiserver through the underlay). */
  readonly inClusterKubeconfig: string;
  readonly pki: string;
  readonly store: string;
  readonly apiSocket: string;
}

export function clusterPaths(name: string): ClusterPaths {
  const dir = join(podnetHome(), 'clusters', checkClusterName(name));
  return {
    dir,
    config: join(dir, 'cluster.json'),
    pidFile: join(dir, 'daemon.pid'),
    log: join(dir, 'daemon.log'),
    progress: join(dir, 'progress.log'),
    status: join(dir, 'status.json'),
    kubeconfig: join(dir, 'kubeconfig'),
    inClusterKubeconfig: join(dir, 'kubeconfig.in-cluster'),
    pki: join(dir, 'pki'),
    store: join(dir, 'store.db'),
    apiSocket: join(dir, 'apiserver.sock'),
  };
}

/** The package root (where bin/, dist/ and examples/ live). */
/** The checkout: the nearest folder above this module with a package.json (from dist/cli/ or, under tsx, cli/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
    dir = up;
  }
  return dir;
}

export function podnetBin(): string {
  return join(packageRoot(), 'bin', 'podnet');
}
