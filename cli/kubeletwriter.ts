// The kubelet's writes, through podnet's client: pod status, the final pod delete, events, the Node.
import type { Event, Node, Pod } from '../api/types.js';
import { isAlreadyExists, isConflict, isNotFound, type KubeClient } from '../client/kube.js';
import { R } from '../client/source.js';
import type { KubeletWriter } from '../kubelet/types.js';

export function clientKubeletWriter(client: KubeClient): KubeletWriter {
  return {
    async updatePodStatus(pod: Pod) {
      try {
        // Status writes from the kubelet win: it is the only writer of pod.status, so drop the RV.
        const body = { ...pod, metadata: { ...pod.metadata, resourceVersion: undefined } };
        await client.updateStatus(R.pods, body as Pod & { metadata: { name: string } });
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
    async deletePod(namespace: string, name: string, uid?: string) {
      await client.delete(R.pods, namespace, name, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) });
    },
    async createEvent(event: Event) {
      try {
        await client.create(R.events, event as Event & { metadata: { name: string } });
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
      }
    },
    async upsertNode(node: Node) {
      const existing = await client.get<Node>(R.nodes, undefined, node.metadata!.name!);
      if (!existing) {
        try {
          await client.create(R.nodes, node as Node & { metadata: { name: string } });
          return;
        } catch (err) {
          if (!isAlreadyExists(err)) throw err;
        }
      }
      await client.patch(R.nodes, undefined, node.metadata!.name!, { metadata: { labels: node.metadata?.labels ?? {} } }, 'merge');
    },
    async updateNodeStatus(node: Node) {
      for (let attempt = 0; attempt < 3; attempt++) {
        const live = await client.get<Node>(R.nodes, undefined, node.metadata!.name!);
        if (!live) return;
        try {
          await client.updateStatus(R.nodes, { ...live, status: node.status } as Node & { metadata: { name: string } });
          return;
        } catch (err) {
          if (!isConflict(err)) throw err;
        }
      }
    },
  };
}
