// The StatefulSet controller: pods <name>-0..n-1 with stable hostnames (hostname = pod name,
// subdomain = serviceName, so a headless Service gives them DNS names).
import type { Pod, StatefulSet } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { isAlreadyExists } from '../../client/rest.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { byControllerUID, Index } from '../index.js';
import { WriteOverlay } from '../overlay.js';
import { controllerRef, ownerRefTo } from '../podutil.js';
import { sameStatus } from '../replicaset/plan.js';
import { newQueue, type Controller } from '../runner.js';
import { templateHash } from '../deployment/hash.js';
import { planStatefulSet, REVISION_LABEL, statefulSetStatus } from './plan.js';

export const NAME = 'statefulset';

export function statefulSetController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const sets = ctx.source.informer<K<StatefulSet>>(R.statefulsets);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const podsByOwner = new Index(pods, byControllerUID);
  const overlay = new WriteOverlay(pods, ctx.clock);
  sets.onChange((c) => queue.add(objectKey(c.object)));
  pods.onChange((c) => {
    const ref = controllerRef(c.object);
    if (ref?.kind === 'StatefulSet') queue.add(`${c.object.metadata?.namespace}/${ref.name}`);
  });

  const reconcile = async (key: string) => {
    const { namespace = '', name } = splitKey(key);
    const sts = sets.get(namespace, name);
    if (!sts || sts.metadata?.deletionTimestamp) return;
    const uid = sts.metadata!.uid!;
    const owned = overlay.list(namespace, podsByOwner.get(uid)).filter((p) => controllerRef(p)?.uid === uid);
    const template = sts.spec?.template ?? {};
    const revision = templateHash(template);
    const step = planStatefulSet(sts, owned, revision);
    for (const i of step.create) {
      const podName = `${name}-${i}`;
      const pod: K<Pod> = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: podName,
          namespace,
          labels: { ...template.metadata?.labels, 'statefulset.kubernetes.io/pod-name': podName, 'apps.kubernetes.io/pod-index': String(i), [REVISION_LABEL]: revision },
          ...(template.metadata?.annotations ? { annotations: { ...template.metadata.annotations } } : {}),
          ownerReferences: [ownerRefTo(sts, 'apps/v1', 'StatefulSet')],
        },
        spec: { ...structuredClone(template.spec ?? { containers: [] }), hostname: podName, subdomain: sts.spec?.serviceName },
      };
      try {
        overlay.wrote(await ctx.client.create(R.pods, pod));
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        continue; // the old pod of that name is still going away; its deletion requeues us
      }
      ctx.metrics.writes.inc({ controller: NAME, verb: 'create' });
      ctx.record(sts, 'Normal', 'SuccessfulCreate', `create Pod ${podName} in StatefulSet ${name} successful`);
    }
    for (const p of step.delete) {
      await ctx.client.delete(R.pods, namespace, p.metadata!.name!, { preconditions: { uid: p.metadata?.uid } });
      ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
      ctx.record(sts, 'Normal', 'SuccessfulDelete', `delete Pod ${p.metadata?.name} in StatefulSet ${name} successful`);
    }
    const status = statefulSetStatus(sts, owned, revision);
    if (!sameStatus(sts.status, status)) {
      await ctx.client.patch(R.statefulsets, namespace, name, { status }, 'merge', { subresource: 'status' });
      ctx.metrics.writes.inc({ controller: NAME, verb: 'status' });
    }
  };

  return { name: NAME, queue, reconcile, resync: () => sets.list().forEach((s) => queue.add(objectKey(s))) };
}
