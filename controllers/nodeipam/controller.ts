// Node IPAM: gives every Node spec.podCIDR/podCIDRs (one per configured family) from the
// cluster CIDR. Runs with one worker, so two nodes never race for the same subnet.
import type { Node } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { WriteOverlay } from '../overlay.js';
import { newQueue, type Controller } from '../runner.js';
import { nextFreeSubnet } from './allocate.js';

export const NAME = 'nodeipam';

export function nodeIpamController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const nodes = ctx.source.informer<K<Node>>(R.nodes);
  const overlay = new WriteOverlay(nodes, ctx.clock);
  nodes.onChange((c) => {
    if (c.type !== 'DELETED' && !c.object.spec?.podCIDR) queue.add(c.object.metadata!.name!);
    // A freed subnet may unblock nodes that found none.
    if (c.type === 'DELETED') for (const n of nodes.list()) if (!n.spec?.podCIDR) queue.add(n.metadata!.name!);
  });

  const reconcile = async (name: string) => {
    const node = overlay.get(undefined, name);
    if (!node || node.spec?.podCIDR || node.metadata?.deletionTimestamp) return;
    const held = new Set<string>();
    for (const n of overlay.list()) for (const c of n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : [])) held.add(c);
    const families: [string, number][] = [[ctx.config.clusterCIDR, ctx.config.nodeCIDRMaskSize]];
    if (ctx.config.clusterCIDRv6) families.push([ctx.config.clusterCIDRv6, ctx.config.nodeCIDRMaskSizeV6]);
    const cidrs: string[] = [];
    for (const [cluster, mask] of families) {
      const s = nextFreeSubnet(cluster, mask, held);
      if (!s) {
        ctx.record(node, 'Warning', 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable (no free /${mask} left in "${cluster}")`);
        return;
      }
      cidrs.push(s);
    }
    const updated = await ctx.client.patch<K<Node>>(R.nodes, undefined, name, { metadata: { resourceVersion: node.metadata?.resourceVersion }, spec: { podCIDR: cidrs[0], podCIDRs: cidrs } }, 'merge');
    ctx.metrics.writes.inc({ controller: NAME, verb: 'patch' });
    overlay.wrote(updated);
    ctx.record(node, 'Normal', 'CIDRAssignmentSucceeded', `Assigned podCIDRs ${cidrs.join(',')} to node ${name}`);
  };

  return {
    name: NAME,
    queue,
    workers: 1,
    reconcile,
    resync: () => {
      for (const n of nodes.list()) if (!n.spec?.podCIDR) queue.add(n.metadata!.name!);
    },
  };
}
