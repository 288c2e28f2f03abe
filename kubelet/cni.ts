// The kubelet's side of CNI: attach a pod's netns to the node's network and detach it, through the
// CNI runtime (cni/runtime.ts: the node's first *.conflist, plugins run inside the node's netns).
// An interface, so a test or another runtime can stand in.
import { cniRuntime, resultIPs } from '../cni/runtime.js';

export interface Attachment {
  /** The pod uid: CNI_CONTAINERID. */
  readonly containerId: string;
  /** The pod's netns name. */
  readonly netns: string;
  readonly ifname: string;
  readonly podName: string;
  readonly podNamespace: string;
}

export interface PodNetworkDriver {
  /** Runs ADD; resolves with the pod's IPs (address without prefix). */
  add(a: Attachment): Promise<{ ips: string[] }>;
  /** Runs DEL; succeeds when there is nothing to remove. */
  del(a: Attachment): Promise<void>;
}

export interface CniDriverOptions {
  /** The node's netns (plugins run there). */
  readonly nodeNetns: string;
  readonly confDir: string;
  /** Where ADD results are kept for DEL. */
  readonly cacheDir: string;
  readonly binDirs?: readonly string[];
}

export function cniDriver(o: CniDriverOptions): PodNetworkDriver {
  const rt = cniRuntime({ confDir: o.confDir, cacheDir: o.cacheDir, netns: o.nodeNetns, binDirs: o.binDirs });
  const ra = (a: Attachment) => ({
    containerID: a.containerId,
    netns: a.netns,
    ifname: a.ifname,
    args: { K8S_POD_NAMESPACE: a.podNamespace, K8S_POD_NAME: a.podName, K8S_POD_INFRA_CONTAINER_ID: a.containerId },
  });
  return {
    async add(a) {
      return { ips: resultIPs(await rt.add(ra(a))) };
    },
    del: (a) => rt.del(ra(a)),
  };
}
