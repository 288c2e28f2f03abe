// Events the kubelet reports about a pod (Created, Started, Killing, Unhealthy, BackOff,
// BuiltinWorkload …), shaped like the kubelet's so `kubectl describe pod` reads the same.
import { randomBytes } from 'node:crypto';
import type { Event, Pod } from '../api/types.js';

export function podEvent(pod: Pod, node: string, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): Event {
  const now = new Date().toISOString();
  const m = pod.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: `${m.name}.${randomBytes(8).toString('hex')}`, namespace: m.namespace ?? 'default' },
    involvedObject: { apiVersion: 'v1', kind: 'Pod', namespace: m.namespace ?? 'default', name: m.name, uid: m.uid, ...(fieldPath ? { fieldPath } : {}) },
    type,
    reason,
    message,
    source: { component: 'kubelet', host: node },
    reportingComponent: 'kubelet',
    reportingInstance: node,
    firstTimestamp: now,
    lastTimestamp: now,
    count: 1,
  };
}
