// A Deployment's rollout step and status, pure. Given the new ReplicaSet (the one whose
// pod-template-hash matches the template) and the old ones, say which replica counts to set.
// RollingUpdate keeps total ≤ replicas+maxSurge and available ≥ replicas−maxUnavailable;
// Recreate scales old to zero before the new one starts.
import type { Deployment, ReplicaSet } from '../../api/types.js';

export interface Scale {
  rs: ReplicaSet;
  replicas: number;
}

function resolve(v: number | string | undefined, total: number, dflt: string, roundUp: boolean): number {
  const x = v ?? dflt;
  if (typeof x === 'number') return x;
  const m = /^(\d+)%$/.exec(x);
  if (!m) return Number(x) || 0;
  const f = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(f) : Math.floor(f);
}

export function surgeAndUnavailable(d: Deployment): { maxSurge: number; maxUnavailable: number } {
  const replicas = d.spec?.replicas ?? 1;
  const ru = d.spec?.strategy?.rollingUpdate;
  const maxSurge = resolve(ru?.maxSurge, replicas, '25%', true);
  let maxUnavailable = resolve(ru?.maxUnavailable, replicas, '25%', false);
  // Both zero would never make progress; upstream then allows one unavailable.
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

const specReplicas = (rs: ReplicaSet) => rs.spec?.replicas ?? 0;
const available = (rs: ReplicaSet) => rs.status?.availableReplicas ?? 0;

/** The replica counts to write this step (only changes). `newReplicas` is for a new RS that does not exist yet. */
export function planRollout(d: Deployment, newRS: ReplicaSet | undefined, old: readonly ReplicaSet[]): { scales: Scale[]; newReplicas: number } {
  const replicas = d.spec?.replicas ?? 1;
  const scales: Scale[] = [];
  const oldActive = old.filter((rs) => specReplicas(rs) > 0 || (rs.status?.replicas ?? 0) > 0);
  const curNew = newRS ? specReplicas(newRS) : 0;
  let nextNew = curNew;

  if (d.spec?.strategy?.type === 'Recreate') {
    for (const rs of oldActive) if (specReplicas(rs) > 0) scales.push({ rs, replicas: 0 });
    const oldPodsLeft = old.some((rs) => (rs.status?.replicas ?? 0) > 0 || specReplicas(rs) > 0);
    nextNew = oldPodsLeft ? curNew : replicas;
  } else if (oldActive.length === 0) {
    nextNew = replicas; // steady state: `kubectl scale` lands here
  } else {
    const { maxSurge, maxUnavailable } = surgeAndUnavailable(d);
    const total = curNew + old.reduce((n, rs) => n + specReplicas(rs), 0);
    const room = replicas + maxSurge - total;
    if (room > 0) nextNew = Math.min(replicas, curNew + room);
    else if (curNew > replicas) nextNew = replicas;
    // Old pods that are not available cost nothing to remove; beyond that keep minAvailable.
    const minAvailable = replicas - maxUnavailable;
    const newAvailable = newRS ? available(newRS) : 0;
    let budget = newAvailable + old.reduce((n, rs) => n + available(rs), 0) - minAvailable;
    const sorted = [...old].sort((a, b) => (a.metadata?.creationTimestamp ?? '') < (b.metadata?.creationTimestamp ?? '') ? -1 : 1);
    for (const rs of sorted) {
      const cur = specReplicas(rs);
      if (cur === 0) continue;
      const unhealthy = Math.max(0, cur - available(rs));
      let down = unhealthy;
      if (budget > 0) {
        const more = Math.min(budget, cur - down);
        down += more;
        budget -= more;
      }
      if (down > 0) scales.push({ rs, replicas: cur - down });
    }
  }
  if (newRS && nextNew !== curNew) scales.push({ rs: newRS, replicas: nextNew });
  return { scales, newReplicas: nextNew };
}

export function deploymentStatus(d: Deployment, newRS: ReplicaSet | undefined, all: readonly ReplicaSet[], now: string): NonNullable<Deployment['status']> {
  const replicas = d.spec?.replicas ?? 1;
  const sum = (f: (rs: ReplicaSet) => number | undefined) => all.reduce((n, rs) => n + (f(rs) ?? 0), 0);
  const totalReplicas = sum((rs) => rs.status?.replicas);
  const availableReplicas = sum((rs) => rs.status?.availableReplicas);
  const readyReplicas = sum((rs) => rs.status?.readyReplicas);
  const updatedReplicas = newRS?.status?.replicas ?? 0;
  const { maxUnavailable } = surgeAndUnavailable(d);
  const isAvailable = availableReplicas >= replicas - maxUnavailable;
  const complete = !!newRS && updatedReplicas === replicas && totalReplicas === replicas && availableReplicas === replicas;
  const prev = d.status?.conditions ?? [];
  const cond = (type: string, status: string, reason: string, message: string) => {
    const old = prev.find((c) => c.type === type);
    const changed = !old || old.status !== status;
    return {
      type,
      status,
      reason,
      message,
      lastUpdateTime: old && old.reason === reason && old.status === status ? old.lastUpdateTime : now,
      lastTransitionTime: changed ? now : old!.lastTransitionTime,
    };
  };
  return {
    observedGeneration: d.metadata?.generation,
    replicas: totalReplicas,
    updatedReplicas,
    readyReplicas,
    availableReplicas,
    unavailableReplicas: Math.max(0, replicas - availableReplicas),
    conditions: [
      isAvailable
        ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.')
        : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'),
      complete
        ? cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${newRS!.metadata?.name}" has successfully progressed.`)
        : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${newRS?.metadata?.name ?? ''}" is progressing.`),
    ],
  };
}
