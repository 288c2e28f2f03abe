// The KubeletWriter over the real client: pod status through the status subresource, the final
// delete with gracePeriodSeconds=0 and a uid precondition (never a newer pod of the same name),
// the Node created once and then patched, Events through the shared recorder.
import type { KubeObject } from '../api/types.js';
import { isConflict, isNotFound, type KubeClient } from '../client/kube.js';
import { eventRecorder } from '../client/events.js';
import { R } from '../client/source.js';
import type { KubeletWriter } from './types.js';

const FIELD_MANAGER = 'kubelet';

export function kubeWriter(client: KubeClient, node: string): KubeletWriter {
  // The shared recorder folds repeats (a probe failing every period) into one Event's count.
  const record = eventRecorder(client, 'kubelet', { host: node });
  const ignoreGone = (e: unknown) => {
    if (!isNotFound(e) && !isConflict(e)) throw e;
  };
  return {
    async updatePodStatus(pod) {
      const m = pod.metadata ?? {};
      await client.patch(R.pods, m.namespace, m.name ?? '', { status: pod.status }, 'merge', { subresource: 'status', fieldManager: FIELD_MANAGER }).catch(ignoreGone);
    },
    async deletePod(namespace, name, uid) {
      await client.delete(R.pods, namespace, name, { gracePeriodSeconds: 0, ...(uid ? { preconditions: { uid } } : {}) }).catch(ignoreGone);
    },
    async createEvent(event) {
      const o = event.involvedObject;
      record({ apiVersion: o.apiVersion, kind: o.kind, metadata: { name: o.name, namespace: o.namespace, uid: o.uid } }, event.type === 'Warning' ? 'Warning' : 'Normal', event.reason ?? '', event.message ?? '');
    },
    async upsertNode(node) {
      const name = node.metadata?.name ?? '';
      const cur = await client.get(R.nodes, undefined, name);
      if (!cur) {
        await client.create(R.nodes, node as KubeObject & typeof node);
      } else {
        await client.patch(R.nodes, undefined, name, { metadata: { labels: node.metadata?.labels, annotations: node.metadata?.annotations } }, 'merge', { fieldManager: FIELD_MANAGER });
      }
      await client.patch(R.nodes, undefined, name, { status: node.status }, 'merge', { subresource: 'status', fieldManager: FIELD_MANAGER });
    },
    async updateNodeStatus(node) {
      await client.patch(R.nodes, undefined, node.metadata?.name ?? '', { status: node.status }, 'merge', { subresource: 'status', fieldManager: FIELD_MANAGER });
    },
  };
}
