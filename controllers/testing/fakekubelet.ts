// A stand-in kubelet for controller tests: Pods bound to a node become Running and Ready with an
// IP from the node's podCIDR, and Pods marked for deletion are finished (deleted with grace 0).
// Tests flip readiness with setReady to watch endpoints follow.
import { nthIP, parseCIDR, formatIP } from '../../api/ip.js';
import type { Node, Pod } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { newQueue, type Controller } from '../runner.js';

export interface FakeKubelet extends Controller {
  /** Overrides readiness for one pod ("ns/name"); the next reconcile writes it. */
  setReady(key: string, ready: boolean): void;
  /** Pods it should leave alone (not mark ready, not finish deleting). */
  hold(key: string): void;
}

export function fakeKubelet(ctx: Pick<ControllerContext, 'client' | 'source' | 'clock' | 'metrics'>): FakeKubelet {
  const queue = newQueue('fakekubelet', ctx.clock, ctx.metrics);
  const pods = ctx.source.informer<K<Pod>>(R.pods);
  const nodes = ctx.source.informer<K<Node>>(R.nodes);
  const readiness = new Map<string, boolean>();
  const held = new Set<string>();
  const nextIndex = new Map<string, number>();
  pods.onChange((c) => c.type !== 'DELETED' && queue.add(objectKey(c.object)));
  nodes.onChange(() => {
    for (const p of pods.list()) if (p.spec?.nodeName && !p.status?.podIP) queue.add(objectKey(p));
  });

  const reconcile = async (key: string) => {
    if (held.has(key)) return;
    const { namespace, name } = splitKey(key);
    const pod = pods.get(namespace, name);
    if (!pod?.spec?.nodeName) return;
    if (pod.metadata?.deletionTimestamp) {
      await ctx.client.delete(R.pods, namespace, name, { gracePeriodSeconds: 0 });
      return;
    }
    const node = nodes.get(undefined, pod.spec.nodeName);
    const want = readiness.get(key) ?? true;
    const isReady = pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    if (pod.status?.podIP && isReady === want && pod.status.phase === 'Running') return;
    let ip = pod.status?.podIP;
    if (!ip) {
      const cidr = node?.spec?.podCIDR;
      if (!cidr) return; // waits for node IPAM; the node's change requeues it
      const n = (nextIndex.get(cidr) ?? 1) + 1;
      nextIndex.set(cidr, n);
      ip = formatIP(nthIP(parseCIDR(cidr), n));
    }
    const now = new Date(ctx.clock.now()).toISOString().replace(/\.\d+Z$/, 'Z');
    const status = want ? 'True' : 'False';
    await ctx.client.patch(
      R.pods,
      namespace,
      name,
      {
        status: {
          phase: 'Running',
          podIP: ip,
          podIPs: [{ ip }],
          hostIP: node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address,
          startTime: pod.status?.startTime ?? now,
          conditions: [
            { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
            { type: 'Initialized', status: 'True', lastTransitionTime: now },
            { type: 'ContainersReady', status, lastTransitionTime: now },
            { type: 'Ready', status, lastTransitionTime: now },
          ],
        },
      },
      'merge',
      { subresource: 'status' },
    );
  };

  return {
    name: 'fakekubelet',
    queue,
    reconcile,
    resync: () => {
      for (const p of pods.list()) queue.add(objectKey(p));
    },
    setReady(key, ready) {
      readiness.set(key, ready);
      queue.add(key);
    },
    hold(key) {
      held.add(key);
    },
  };
}
