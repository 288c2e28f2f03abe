// Small facts about Pods and Nodes several controllers need, in one place so they agree.
import type { Node, OwnerReference, Pod } from '../api/types.js';

export function isPodReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function isTerminating(obj: { metadata?: { deletionTimestamp?: string } }): boolean {
  return !!obj.metadata?.deletionTimestamp;
}

export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !isTerminating(pod);
}

export function podIPs(pod: Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip): ip is string => !!ip);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  return ips;
}

export function isNodeReady(node: Node): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export function controllerRef(obj: { metadata?: { ownerReferences?: OwnerReference[] } }): OwnerReference | undefined {
  return obj.metadata?.ownerReferences?.find((r) => r.controller);
}

export function ownerRefTo(owner: { apiVersion?: string; kind?: string; metadata?: { name?: string; uid?: string } }, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion: owner.apiVersion ?? apiVersion, kind: owner.kind ?? kind, name: owner.metadata!.name!, uid: owner.metadata!.uid!, controller: true, blockOwnerDeletion: true };
}

export const ZONE_LABEL = 'topology.kubernetes.io/zone';
