// The scheduler: binds each pending Pod without a node to the best feasible node through the
// pods/binding subresource. A Pod that fits nowhere gets PodScheduled=False/Unschedulable and a
// FailedScheduling event, and is retried when nodes change.
import type { Node, Pod } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { controllerRef } from '../podutil.js';
import { newQueue, type Controller } from '../runner.js';
import { unschedulableMessage, whyNot } from './filter.js';
import { pickNode } from './score.js';

export const NAME = 'scheduler';
export const SCHEDULER_NAME = 'default-scheduler';

function wantsScheduling(p: Pod): boolean {
  return !p.spec?.nodeName && !p.metadata?.deletionTimestamp && (p.spec?.schedulerName ?? SCHEDULER_NAME) === SCHEDULER_NAME && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
}

function peerKey(p: Pod): string {
  const ref = controllerRef(p);
  return ref ? `${p.metadata?.namespace}/${ref.uid}` : `${p.metadata?.namespace}/${JSON.stringify(p.metadata?.labels ?? {})}`;
}

export function schedulerController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const nodes = ctx.source.informer<K<Node>>(R.nodes);
  // Bindings not yet seen in the cache, so the next decision counts them.
  const assumed = new Map<string, { node: string; peer: string }>();
  const podsOnNode = new Map<string, number>();
  const peersOnNode = new Map<string, Map<string, number>>();
  const bump = (node: string, peer: string, d: number) => {
    podsOnNode.set(node, (podsOnNode.get(node) ?? 0) + d);
    let m = peersOnNode.get(peer);
    if (!m) peersOnNode.set(peer, (m = new Map()));
    m.set(node, (m.get(node) ?? 0) + d);
  };
  const count = (p: Pod, d: number) => {
    const node = p.spec?.nodeName;
    if (node) bump(node, peerKey(p), d);
  };
  for (const p of pods.list()) count(p, 1);
  pods.onChange((c) => {
    if (c.old) count(c.old, -1);
    if (c.type !== 'DELETED') count(c.object, 1);
    const key = objectKey(c.object);
    const a = assumed.get(key);
    if (a && (c.type === 'DELETED' || c.object.spec?.nodeName)) {
      assumed.delete(key);
      bump(a.node, a.peer, -1);
    }
    if (c.type !== 'DELETED' && wantsScheduling(c.object)) queue.add(key);
  });
  nodes.onChange(() => {
    for (const p of pods.list()) if (wantsScheduling(p)) queue.add(objectKey(p));
  });

  const markUnschedulable = async (pod: Pod, message: string) => {
    ctx.record(pod as K<Pod>, 'Warning', 'FailedScheduling', message);
    const conds = pod.status?.conditions ?? [];
    const cur = conds.find((c) => c.type === 'PodScheduled');
    if (cur?.status === 'False' && cur.message === message) return;
    const next = [...conds.filter((c) => c.type !== 'PodScheduled'), { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message, lastTransitionTime: new Date(ctx.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z') }];
    await ctx.client.patch(R.pods, pod.metadata!.namespace, pod.metadata!.name!, { status: { conditions: next } }, 'merge', { subresource: 'status' });
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const pod = pods.get(namespace, name);
    if (!pod || !wantsScheduling(pod) || assumed.has(key)) return;
    const all = nodes.list();
    const reasons = new Map<string, number>();
    const feasible: Node[] = [];
    for (const n of all) {
      const why = whyNot(pod, n);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else feasible.push(n);
    }
    const peer = peerKey(pod);
    const chosen = pickNode(pod, feasible, { podsOnNode, peersOnNode: peersOnNode.get(peer) ?? new Map() });
    if (!chosen) {
      await markUnschedulable(pod, unschedulableMessage(all.length, reasons));
      // Nodes changing requeue the pod too; this retry covers changes nothing else signals.
      return { requeueAfterMs: 30_000 };
    }
    const node = chosen.metadata!.name!;
    assumed.set(key, { node, peer });
    bump(node, peer, 1);
    try {
      await ctx.client.createSubresource(R.pods, namespace, name, 'binding', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      });
    } catch (err) {
      assumed.delete(key);
      bump(node, peer, -1);
      throw err;
    }
    ctx.metrics.writes.inc({ controller: NAME, verb: 'bind' });
    ctx.record(pod as K<Pod>, 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${node}`);
  };

  return {
    name: NAME,
    queue,
    reconcile,
    resync: () => {
      for (const p of pods.list()) if (wantsScheduling(p)) queue.add(objectKey(p));
    },
  };
}
