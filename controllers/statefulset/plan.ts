// A StatefulSet's next step, pure: which ordinal to create or delete. OrderedReady moves one
// pod at a time and waits for Running+Ready; Parallel creates/deletes all at once. Scale-down
// always removes the highest ordinals first.
import type { Pod, StatefulSet } from '../../api/types.js';
import { isPodReady } from '../podutil.js';

export interface StsStep {
  create: number[];
  delete: Pod[];
}

/** The label carrying the template revision a pod was made from. */
export const REVISION_LABEL = 'controller-revision-hash';

export function ordinalOf(setName: string, podName: string): number | undefined {
  if (!podName.startsWith(`${setName}-`)) return undefined;
  const rest = podName.slice(setName.length + 1);
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

/** `revision`: the current template's hash; pods of another revision are replaced (RollingUpdate). */
export function planStatefulSet(sts: StatefulSet, pods: readonly Pod[], revision?: string): StsStep {
  const name = sts.metadata!.name!;
  const replicas = sts.spec?.replicas ?? 1;
  const parallel = sts.spec?.podManagementPolicy === 'Parallel';
  const byOrdinal = new Map<number, Pod>();
  for (const p of pods) {
    const o = ordinalOf(name, p.metadata?.name ?? '');
    if (o !== undefined) byOrdinal.set(o, p);
  }
  const step: StsStep = { create: [], delete: [] };
  const healthy = (p: Pod | undefined) => !!p && !p.metadata?.deletionTimestamp && p.status?.phase === 'Running' && isPodReady(p);
  for (let i = 0; i < replicas; i++) {
    const p = byOrdinal.get(i);
    if (!p) {
      step.create.push(i);
      if (!parallel) return step;
      continue;
    }
    // A pod still terminating under the same name must be gone before it is recreated.
    if (!parallel && !healthy(p)) return step;
  }
  const extra = [...byOrdinal].filter(([o, p]) => o >= replicas && !p.metadata?.deletionTimestamp).sort(([a], [b]) => b - a);
  if (extra.length === 0) {
    // RollingUpdate: once every pod is healthy, replace the highest-ordinal outdated pod (it is
    // recreated from the new template on a later pass), one at a time, like upstream.
    if (!revision || sts.spec?.updateStrategy?.type === 'OnDelete' || step.create.length) return step;
    const inRange = [...byOrdinal].filter(([o]) => o < replicas);
    if (!inRange.every(([, p]) => healthy(p))) return step;
    const partition = sts.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const outdated = inRange.filter(([o, p]) => o >= partition && p.metadata?.labels?.[REVISION_LABEL] !== revision).sort(([a], [b]) => b - a);
    if (outdated.length) step.delete = [outdated[0]![1]];
    return step;
  }
  if (parallel) {
    step.delete = extra.map(([, p]) => p);
    return step;
  }
  // OrderedReady: one at a time, and only once the previous removal finished.
  const terminating = [...byOrdinal].some(([o, p]) => o >= replicas && p.metadata?.deletionTimestamp);
  if (!terminating) step.delete = [extra[0]![1]];
  return step;
}

export function statefulSetStatus(sts: StatefulSet, pods: readonly Pod[], revision?: string): NonNullable<StatefulSet['status']> {
  const active = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const ready = active.filter(isPodReady).length;
  const updated = revision ? active.filter((p) => p.metadata?.labels?.[REVISION_LABEL] === revision).length : active.length;
  return {
    observedGeneration: sts.metadata?.generation,
    replicas: active.length,
    readyReplicas: ready,
    currentReplicas: updated,
    updatedReplicas: updated,
    availableReplicas: ready,
    ...(revision ? { currentRevision: `${sts.metadata?.name}-${revision}`, updateRevision: `${sts.metadata?.name}-${revision}` } : {}),
  };
}
