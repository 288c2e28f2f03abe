// The kubelet's boundary: what it is given (the node's network, a source of objects) and the small
// writer it reports through. The writer is an interface so the kubelet runs against the real
// client, an in-memory source in tests, or a recorder.
import type { Event, Node, Pod } from '../api/types.js';

/** The node as the topology built it (kubelet/topology.ts NodeNetwork is structurally compatible). */
export interface NodeNetworkLike {
  readonly name: string;
  /** The node's network namespace (`pn-<cluster>-<node>`). */
  readonly netns: string;
  readonly ip: string;
  readonly podCIDR: string;
  readonly cniConfDir: string;
  /** Where the CNI runtime caches ADD results (defaults to the kubelet's state dir). */
  readonly cniCacheDir?: string;
  /** The node's resolv.conf, for dnsPolicy Default. */
  readonly resolvConf?: string;
}

export interface KubeletWriter {
  /** Writes pod.status (the pods/status subresource). */
  updatePodStatus(pod: Pod): Promise<void>;
  /** The final delete after the kubelet has stopped everything (gracePeriodSeconds=0, uid precondition). */
  deletePod(namespace: string, name: string, uid?: string): Promise<void>;
  createEvent(event: Event): Promise<void>;
  /** Creates the Node or replaces its labels/addresses. */
  upsertNode(node: Node): Promise<void>;
  /** Writes node.status (heartbeats). */
  updateNodeStatus(node: Node): Promise<void>;
}
