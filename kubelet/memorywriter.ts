// A KubeletWriter over a MemorySource: status, deletes, nodes and events land in the same
// in-memory objects the kubelet reads (tests, benchmarks, `file:` sources with no apiserver).
import type { Event, KubeObject, Node, Pod } from '../api/types.js';
import type { MemorySource } from '../client/memory.js';
import { R } from '../client/source.js';
import type { KubeletWriter } from './types.js';

export interface MemoryWriter extends KubeletWriter {
  readonly events: Event[];
}

export function memoryWriter(source: MemorySource): MemoryWriter {
  const pods = source.informer(R.pods);
  const nodes = source.informer(R.nodes);
  const events: Event[] = [];
  return {
    events,
    async updatePodStatus(pod: Pod) {
      const cur = pods.get(pod.metadata?.namespace ?? 'default', pod.metadata?.name ?? '');
      if (!cur || cur.metadata?.uid !== pod.metadata?.uid) return;
      source.apply({ ...cur, status: pod.status } as KubeObject);
    },
    async deletePod(namespace, name, uid) {
      const cur = pods.get(namespace, name);
      if (cur && (!uid || cur.metadata?.uid === uid)) source.remove(R.pods, namespace, name);
    },
    async createEvent(event) {
      events.push(event);
      source.apply(event as unknown as KubeObject);
    },
    async upsertNode(node: Node) {
      source.apply(node as KubeObject);
    },
    async updateNodeStatus(node: Node) {
      const cur = nodes.get(undefined, node.metadata?.name ?? '');
      source.apply({ ...(cur ?? node), status: node.status } as KubeObject);
    },
  };
}
