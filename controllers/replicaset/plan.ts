// How many Pods a ReplicaSet must create or which it must delete, and its status. Pure.
import type { Pod, ReplicaSet } from '../../api/types.js';
import { isPodReady } from '../podutil.js';

/** Burst limit per reconcile, like upstream's 500: the rest follows on the next pass. */
export const BURST = 500;

/** Upstream's deletion order: unscheduled, then pending, then not ready, then newest first. */
function deletionRank(p: Pod): number[] {
  return [p.spec?.nodeName ? 1 : 0, p.status?.phase === 'Pending' ? 0 : 1, isPodReady(p) ? 1 : 0, -Date.parse(p.metadata?.creationTimestamp ?? '') || 0];
}

export function podsToDelete<P extends Pod>(active: readonly P[], n: number): P[] {
  return [...active]
    .sort((a, b) => {
      const ra = deletionRank(a);
      const rb = deletionRank(b);
      for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
      return (a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1;
    })
    .slice(0, n);
}

export function replicaSetStatus(rs: ReplicaSet, active: readonly Pod[]): NonNullable<ReplicaSet['status']> {
  const ready = active.filter(isPodReady).length;
  const selector = rs.spec?.template?.metadata?.labels ?? {};
  const fully = active.filter((p) => Object.entries(selector).every(([k, v]) => p.metadata?.labels?.[k] === v)).length;
  return {
    replicas: active.length,
    fullyLabeledReplicas: fully,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: rs.metadata?.generation,
  };
}

export function sameStatus(a: object | undefined, b: object): boolean {
  const strip = (s: object | undefined) => JSON.stringify(Object.fromEntries(Object.entries(s ?? {}).filter(([k, v]) => k !== 'conditions' && v !== undefined && v !== 0).sort()));
  return strip(a) === strip(b) && JSON.stringify((a as { conditions?: unknown })?.conditions ?? []) === JSON.stringify((b as { conditions?: unknown }).conditions ?? []);
}
