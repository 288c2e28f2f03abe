// Derived names: a pod's network namespace and its state folder are named from its uid, so a
// restarted kubelet finds them again and two pods with one name (deleted and recreated) never share.
import { createHash } from 'node:crypto';

export function shortHash(text: string, len = 12): string {
  return createHash('sha256').update(text).digest('hex').slice(0, len);
}

/** `pn-<cluster>-pod-<hash of uid>`. */
export function podNetnsName(cluster: string, uid: string): string {
  return `${podNetnsPrefix(cluster)}${shortHash(uid)}`;
}

export function podNetnsPrefix(cluster: string): string {
  return `pn-${cluster}-pod-`;
}

/** The cluster name from a node netns `pn-<cluster>-<node>`. */
export function clusterFromNodeNetns(netns: string, node: string): string {
  const suffix = `-${node}`;
  if (netns.startsWith('pn-') && netns.endsWith(suffix) && netns.length > 3 + suffix.length) {
    return netns.slice(3, netns.length - suffix.length);
  }
  throw new RangeError(`kubelet: cannot derive the cluster name from node netns "${netns}" (want "pn-<cluster>-${node}")`);
}
