// Removing a cluster's data plane: every network namespace, link and file named for it.
import type { ClusterPaths } from './paths.js';
import type { CommandIO } from './io.js';
import { isRoot } from '../host/exec.js';
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
