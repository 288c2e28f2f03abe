// The ReplicaSet controller: keeps spec.replicas Pods (owned, controller: true) alive, and
// reports replicas/ready/available in status.
import { compileSelector, matches } from '../../api/labels.js';
import type { Pod, ReplicaSet } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { byControllerUID, Index } from '../index.js';
import { WriteOverlay } from '../overlay.js';
import { controllerRef, isPodActive, ownerRefTo } from '../podutil.js';
import { newQueue, type Controller } from '../runner.js';
import { BURST, podsToDelete, replicaSetStatus, sameStatus } from './plan.js';

export const NAME = 'replicaset';

export function replicaSetController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const sets = ctx.source.informer<K<ReplicaSet>>(R.replicasets);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const podsByOwner = new Index(pods, byControllerUID);
  const overlay = new WriteOverlay(pods, ctx.clock);
  const byUID = new Map<string, string>();
  sets.onChange((c) => {
    if (c.type === 'DELETED') byUID.delete(c.object.metadata?.uid ?? '');
    else byUID.set(c.object.metadata?.uid ?? '', objectKey(c.object));
    queue.add(objectKey(c.object));
  });
  pods.onChange((c) => {
    for (const p of [c.object, c.old]) {
      const ref = p && controllerRef(p);
      if (ref?.kind === 'ReplicaSet') queue.add(`${p!.metadata?.namespace}/${ref.name}`);
    }
  });

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const rs = sets.get(namespace, name);
    if (!rs || rs.metadata?.deletionTimestamp) return;
    const uid = rs.metadata!.uid!;
    const owned = overlay.list(namespace, podsByOwner.get(uid)).filter((p) => controllerRef(p)?.uid === uid);
    const active = owned.filter(isPodActive);
    const want = rs.spec?.replicas ?? 1;
    const diff = want - active.length;
    if (diff > 0) {
      const sel = compileSelector(rs.spec?.selector);
      const template = rs.spec?.template ?? {};
      if (!matches(sel, template.metadata?.labels)) return; // validation forbids this; never create pods it would not count
      for (let i = 0; i < Math.min(diff, BURST); i++) {
        const pod: K<Pod> = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            generateName: `${name}-`,
            namespace,
            labels: { ...template.metadata?.labels },
            ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
            ownerReferences: [ownerRefTo(rs, 'apps/v1', 'ReplicaSet')],
          },
          spec: structuredClone(template.spec ?? { containers: [] }),
        };
        const created = await ctx.client.create(R.pods, pod);
        ctx.metrics.writes.inc({ controller: NAME, verb: 'create' });
        overlay.wrote(created);
        active.push(created);
        ctx.record(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      }
    } else if (diff < 0) {
      for (const p of podsToDelete(active, Math.min(-diff, BURST))) {
        await ctx.client.delete(R.pods, namespace, p.metadata!.name!, { preconditions: { uid: p.metadata?.uid } });
        ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
        overlay.removed(namespace, p.metadata!.name!);
        active.splice(active.indexOf(p), 1);
        ctx.record(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
      }
    }
    const status = replicaSetStatus(rs, active);
    if (!sameStatus(rs.status, status)) {
      await ctx.client.patch(R.replicasets, namespace, name, { status }, 'merge', { subresource: 'status' });
      ctx.metrics.writes.inc({ controller: NAME, verb: 'status' });
    }
    if (Math.abs(diff) > BURST) return { requeueAfterMs: 0 };
  };

  return { name: NAME, queue, reconcile, resync: () => sets.list().forEach((s) => queue.add(objectKey(s))) };
}
