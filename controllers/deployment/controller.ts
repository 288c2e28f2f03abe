// The Deployment controller: one ReplicaSet per pod template (named <deploy>-<pod-template-hash>),
// rolled from old to new by planRollout, with the status `kubectl rollout status` reads.
import type { Deployment, ReplicaSet } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { isAlreadyExists } from '../../client/rest.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { byControllerUID, Index } from '../index.js';
import { WriteOverlay } from '../overlay.js';
import { controllerRef, ownerRefTo } from '../podutil.js';
import { sameStatus } from '../replicaset/plan.js';
import { newQueue, type Controller } from '../runner.js';
import { templateHash } from './hash.js';
import { deploymentStatus, planRollout, surgeAndUnavailable } from './plan.js';

export const NAME = 'deployment';
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
// Annotations of a Deployment that are not copied to its ReplicaSets (as upstream skips them).
const NOT_COPIED = new Set([REVISION, REVISION_HISTORY, DESIRED, MAX, 'kubectl.kubernetes.io/last-applied-configuration']);

const revisionOf = (rs: ReplicaSet | undefined) => Number(rs?.metadata?.annotations?.[REVISION] ?? 0);

/**
 * The annotations the new ReplicaSet should carry: the Deployment's own (kubernetes.io/change-cause
 * and the like, which `kubectl rollout history` shows), its revision, the replica counts, and for
 * a template that came back (`rollout undo`) the revisions it had before.
 */
function newSetAnnotations(d: Deployment, rs: ReplicaSet | undefined, revision: number, maxReplicas: number): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata?.annotations ?? {})) if (!NOT_COPIED.has(k)) out[k] = v;
  const previous = revisionOf(rs);
  const history = rs?.metadata?.annotations?.[REVISION_HISTORY];
  if (previous && previous !== revision) out[REVISION_HISTORY] = history ? `${history},${previous}` : String(previous);
  else if (history) out[REVISION_HISTORY] = history;
  out[REVISION] = String(revision);
  out[DESIRED] = String(d.spec?.replicas ?? 1);
  out[MAX] = String(maxReplicas);
  return out;
}

export function deploymentController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const deployments = ctx.source.informer<K<Deployment>>(R.deployments);
  const sets = ctx.source.informer<K<ReplicaSet>>(R.replicasets);
  const setsByOwner = new Index(sets, byControllerUID);
  const overlay = new WriteOverlay(sets, ctx.clock);
  deployments.onChange((c) => queue.add(objectKey(c.object)));
  sets.onChange((c) => {
    const ref = controllerRef(c.object);
    if (ref?.kind === 'Deployment') queue.add(`${c.object.metadata?.namespace}/${ref.name}`);
  });

  const scale = async (d: Deployment, rs: K<ReplicaSet>, replicas: number) => {
    const from = rs.spec?.replicas ?? 0;
    const updated = await ctx.client.patch<K<ReplicaSet>>(R.replicasets, rs.metadata!.namespace, rs.metadata!.name!, { metadata: { resourceVersion: rs.metadata?.resourceVersion }, spec: { replicas } }, 'merge');
    ctx.metrics.writes.inc({ controller: NAME, verb: 'scale' });
    overlay.wrote(updated);
    ctx.record(d, 'Normal', 'ScalingReplicaSet', `Scaled ${replicas > from ? 'up' : 'down'} replica set ${rs.metadata?.name} from ${from} to ${replicas}`);
  };

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const d = deployments.get(namespace, name);
    if (!d || d.metadata?.deletionTimestamp) return;
    const uid = d.metadata!.uid!;
    const owned = overlay.list(namespace, setsByOwner.get(uid)).filter((rs) => controllerRef(rs)?.uid === uid);
    const template = d.spec?.template ?? {};
    const hash = templateHash(template);
    let newRS = owned.find((rs) => rs.metadata?.labels?.[HASH_LABEL] === hash);
    const old = owned.filter((rs) => rs !== newRS);
    if (d.spec?.paused) return;
    const plan = planRollout(d, newRS, old);
    // The new ReplicaSet holds the highest revision: a new template gets the next one, and so does
    // an old ReplicaSet whose template came back.
    const latestOld = Math.max(0, ...old.map(revisionOf));
    const revision = newRS && revisionOf(newRS) > latestOld ? revisionOf(newRS) : latestOld + 1;
    const annotations = newSetAnnotations(d, newRS, revision, (d.spec?.replicas ?? 1) + (d.spec?.strategy?.type === 'Recreate' ? 0 : surgeAndUnavailable(d).maxSurge));
    if (!newRS) {
      const rsName = `${name}-${hash}`;
      const rs: K<ReplicaSet> = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: rsName,
          namespace,
          labels: { ...template.metadata?.labels, [HASH_LABEL]: hash },
          annotations,
          ownerReferences: [ownerRefTo(d, 'apps/v1', 'Deployment')],
        },
        spec: {
          replicas: plan.newReplicas,
          minReadySeconds: d.spec?.minReadySeconds,
          selector: { ...d.spec?.selector, matchLabels: { ...d.spec?.selector?.matchLabels, [HASH_LABEL]: hash } },
          template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, [HASH_LABEL]: hash } } },
        },
      };
      try {
        newRS = await ctx.client.create(R.replicasets, rs);
      } catch (err) {
        // Another pass created it already; the cache will show it.
        if (!isAlreadyExists(err)) throw err;
        return { requeueAfterMs: 100 };
      }
      ctx.metrics.writes.inc({ controller: NAME, verb: 'create' });
      overlay.wrote(newRS);
      ctx.record(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${rsName} from 0 to ${plan.newReplicas}`);
    } else if (Object.entries(annotations).some(([k, v]) => newRS!.metadata?.annotations?.[k] !== v)) {
      newRS = await ctx.client.patch<K<ReplicaSet>>(R.replicasets, namespace, newRS.metadata!.name!, { metadata: { resourceVersion: newRS.metadata?.resourceVersion, annotations } }, 'merge');
      ctx.metrics.writes.inc({ controller: NAME, verb: 'annotate' });
      overlay.wrote(newRS);
    }
    // The Deployment names its current revision (`kubectl rollout undo` patches next to it).
    if (d.metadata?.annotations?.[REVISION] !== String(revision)) {
      await ctx.client.patch(R.deployments, namespace, name, { metadata: { annotations: { [REVISION]: String(revision) } } }, 'merge');
      ctx.metrics.writes.inc({ controller: NAME, verb: 'annotate' });
    }
    for (const s of plan.scales) await scale(d, s.rs as K<ReplicaSet>, s.replicas);
    // Keep revisionHistoryLimit old ReplicaSets (scaled to zero, pods gone) for `rollout undo`.
    const limit = d.spec?.revisionHistoryLimit ?? 10;
    const idle = old
      .filter((rs) => (rs.spec?.replicas ?? 0) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata?.deletionTimestamp)
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      await ctx.client.delete(R.replicasets, namespace, rs.metadata!.name!, { preconditions: { uid: rs.metadata?.uid } });
      overlay.removed(namespace, rs.metadata!.name!);
      ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
    }
    const all = overlay.list(namespace, setsByOwner.get(uid)).filter((rs) => controllerRef(rs)?.uid === uid);
    const status = deploymentStatus(d, newRS, all, new Date(ctx.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z'));
    if (!sameStatus(d.status, status)) {
      // Conditions' timestamps must not make every pass a write: compare without them.
      const bare = (s: typeof status | undefined) => JSON.stringify({ ...s, conditions: s?.conditions?.map((c) => [c.type, c.status, c.reason]) });
      if (bare(d.status) !== bare(status)) {
        await ctx.client.patch(R.deployments, namespace, name, { status }, 'merge', { subresource: 'status' });
        ctx.metrics.writes.inc({ controller: NAME, verb: 'status' });
      }
    }
  };

  return { name: NAME, queue, reconcile, resync: () => deployments.list().forEach((d) => queue.add(objectKey(d))) };
}
