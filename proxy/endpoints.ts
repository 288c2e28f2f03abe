// Which endpoints serve which traffic on this node, as kube-proxy's CategorizeEndpoints decides:
// ready endpoints first, serving+terminating ones only when nothing is ready; zone hints narrow
// cluster traffic when every ready endpoint carries hints and one names this node's zone;
// `Local` policies keep only endpoints on this node. Pure, no I/O.
import type { EndpointView, NodeView } from './types.js';

/** Ready endpoints, else the serving-and-terminating ones (graceful termination fallback). */
export function usable(eps: readonly EndpointView[]): EndpointView[] {
  const ready = eps.filter((e) => e.ready);
  return ready.length > 0 ? ready : eps.filter((e) => e.serving && e.terminating);
}

/** Narrows ready endpoints to this node's zone when hints (or PreferClose zones) allow it. */
export function byTopology(eps: readonly EndpointView[], node: NodeView, preferClose: boolean): readonly EndpointView[] {
  const zone = node.zone;
  if (!zone) return eps;
  const ready = eps.filter((e) => e.ready);
  if (ready.length === 0) return eps;
  const hinted = ready.every((e) => (e.hintZones?.length ?? 0) > 0);
  if (hinted) {
    const mine = ready.filter((e) => e.hintZones!.includes(zone));
    return mine.length > 0 ? mine : eps;
  }
  if (preferClose) {
    const mine = ready.filter((e) => e.zone === zone);
    return mine.length > 0 ? mine : eps;
  }
  return eps;
}

export interface Categorized {
  /** For ClusterIP traffic (internalTrafficPolicy applied). */
  readonly cluster: EndpointView[];
  /** For NodePort / LB / externalIP traffic (externalTrafficPolicy applied). */
  readonly external: EndpointView[];
  /** Usable endpoints on this node. */
  readonly local: EndpointView[];
  readonly hasAny: boolean;
}

export function categorizeEndpoints(
  all: readonly EndpointView[],
  node: NodeView,
  opts: { internalLocal: boolean; externalLocal: boolean; preferClose: boolean },
): Categorized {
  const local = usable(all.filter((e) => e.nodeName === node.name));
  const clusterWide = usable(byTopology(all, node, opts.preferClose));
  return {
    cluster: opts.internalLocal ? local : clusterWide,
    external: opts.externalLocal ? local : clusterWide,
    local,
    hasAny: usable(all).length > 0,
  };
}
