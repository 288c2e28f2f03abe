// The DaemonSet controller: one pod per node that is schedulable, matches the pod's node
// selector/affinity and whose taints it tolerates; the pod is pinned with spec.nodeName.
import type { DaemonSet, Node, Pod } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { byControllerUID, Index } from '../index.js';
import { WriteOverlay } from '../overlay.js';
import { controllerRef, isPodActive, isPodReady, ownerRefTo } from '../podutil.js';
import { sameStatus } from '../replicaset/plan.js';
import { newQueue, type Controller } from '../runner.js';
import { whyNot } from '../scheduler/filter.js';

export const NAME = 'daemonset';

/** Nodes a DaemonSet wants a pod on. */
export function eligibleNodes(ds: DaemonSet, nodes: readonly Node[]): Node[] {
  const probe: Pod = { metadata: {}, spec: ds.spec?.template?.spec ?? { containers: [] } };
  // Like upstream, daemon pods tolerate not-ready nodes; unschedulable (cordoned) nodes are skipped.
  return nodes.filter((n) => {
    const why = whyNot(probe, n);
    return why === undefined || why.includes('node.kubernetes.io/not-ready');
  });
}

export function daemonSetController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const sets = ctx.source.informer<K<DaemonSet>>(R.daemonsets);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const nodes = ctx.source.informer<K<Node>>(R.nodes);
  const podsByOwner = new Index(pods, byControllerUID);
  const overlay = new WriteOverlay(pods, ctx.clock);
  sets.onChange((c) => queue.add(objectKey(c.object)));
  pods.onChange((c) => {
    const ref = controllerRef(c.object);
    if (ref?.kind === 'DaemonSet') queue.add(`${c.object.metadata?.namespace}/${ref.name}`);
  });
  nodes.onChange(() => sets.list().forEach((s) => queue.add(objectKey(s))));

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const ds = sets.get(namespace, name);
    if (!ds || ds.metadata?.deletionTimestamp) return;
    const uid = ds.metadata!.uid!;
    const owned = overlay.list(namespace, podsByOwner.get(uid)).filter((p) => controllerRef(p)?.uid === uid && isPodActive(p));
    const wanted = eligibleNodes(ds, nodes.list());
    const wantedNames = new Set(wanted.map((n) => n.metadata!.name!));
    const byNode = new Map<string, K<Pod>[]>();
    for (const p of owned) {
      const n = p.spec?.nodeName ?? '';
      byNode.set(n, [...(byNode.get(n) ?? []), p]);
    }
    const template = ds.spec?.template ?? {};
    for (const n of wantedNames) {
      if (byNode.has(n)) continue;
      const pod: K<Pod> = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { generateName: `${name}-`, namespace, labels: { ...template.metadata?.labels }, ownerReferences: [ownerRefTo(ds, 'apps/v1', 'DaemonSet')] },
        spec: { ...structuredClone(template.spec ?? { containers: [] }), nodeName: n },
      };
      const created = await ctx.client.create(R.pods, pod);
      overlay.wrote(created);
      ctx.metrics.writes.inc({ controller: NAME, verb: 'create' });
      ctx.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
    }
    for (const [n, list] of byNode) {
      const excess = wantedNames.has(n) ? list.slice(1) : list;
      for (const p of excess) {
        await ctx.client.delete(R.pods, namespace, p.metadata!.name!, { preconditions: { uid: p.metadata?.uid } });
        overlay.removed(namespace, p.metadata!.name!);
        ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
        ctx.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata?.name}`);
      }
    }
    const onWanted = owned.filter((p) => wantedNames.has(p.spec?.nodeName ?? ''));
    const ready = onWanted.filter(isPodReady).length;
    const status = {
      observedGeneration: ds.metadata?.generation,
      desiredNumberScheduled: wantedNames.size,
      currentNumberScheduled: new Set(onWanted.map((p) => p.spec?.nodeName)).size,
      numberMisscheduled: owned.length - onWanted.length,
      numberReady: ready,
      numberAvailable: ready,
      numberUnavailable: Math.max(0, wantedNames.size - ready),
      updatedNumberScheduled: onWanted.length,
    };
    if (!sameStatus(ds.status, status)) {
      await ctx.client.patch(R.daemonsets, namespace, name, { status }, 'merge', { subresource: 'status' });
      ctx.metrics.writes.inc({ controller: NAME, verb: 'status' });
    }
  };

  return { name: NAME, queue, reconcile, resync: () => sets.list().forEach((s) => queue.add(objectKey(s))) };
}
