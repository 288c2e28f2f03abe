// Removing a cluster's data plane: every network namespace, link and file named for it.
import type { ClusterPaths } from './paths.js';
import type { CommandIO } from './io.js';
import { readFileSync } from 'node:fs';
import { isRoot, run } from '../host/exec.js';
import { teardownCluster } from '../kubelet/topology.js';
import { errorMessage } from '../api/errors.js';

export async function teardownClusterNetwork(name: string, paths: ClusterPaths, io: CommandIO): Promise<void> {
  if (!isRoot()) return;
  try {
    await teardownCluster(name, paths.dir);
    io.out(`Removed the network namespaces of cluster "${name}".`);
  } catch (err) {
    io.err(`podnet: removing the network of cluster "${name}" failed: ${errorMessage(err)}`);
  }
}

/**
 * Unmounts whatever is mounted under `dir` (namespace files bind-mounted by the kubelet, for
 * example), deepest first, so the state directory can be removed.
 */
export async function unmountUnder(dir: string): Promise<void> {
  let mountinfo: string;
  try {
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return;
  }
  // Field 5 is the mount point, with spaces and such escaped as octal (\040).
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === dir || p.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await run('umount', ['-l', p]);
}
