// The typed object model: Kubernetes' own types (kubernetes-types mirrors the JSON wire shapes,
// with timestamps as strings), re-exported under the names podnet's components use. Objects read
// from a cache are treated as read-only: components derive their own small views from them.
import type * as core from 'kubernetes-types/core/v1.js';
import type * as apps from 'kubernetes-types/apps/v1.js';
import type * as discovery from 'kubernetes-types/discovery/v1.js';
import type * as networking from 'kubernetes-types/networking/v1.js';
import type * as meta from 'kubernetes-types/meta/v1.js';

export type { core, apps, discovery, networking, meta };

export type ObjectMeta = meta.ObjectMeta;
export type LabelSelector = meta.LabelSelector;
export type LabelSelectorRequirement = meta.LabelSelectorRequirement;
export type OwnerReference = meta.OwnerReference;
export type Status = meta.Status;
export type StatusCause = meta.StatusCause;

export type Namespace = core.Namespace;
export type Node = core.Node;
export type Pod = core.Pod;
export type Container = core.Container;
export type ContainerPort = core.ContainerPort;
export type Service = core.Service;
export type ServicePort = core.ServicePort;
export type Endpoints = core.Endpoints;
export type Secret = core.Secret;
export type ConfigMap = core.ConfigMap;
export type Event = core.Event;
export type ServiceAccount = core.ServiceAccount;
export type Deployment = apps.Deployment;
export type ReplicaSet = apps.ReplicaSet;
export type StatefulSet = apps.StatefulSet;
export type DaemonSet = apps.DaemonSet;
export type EndpointSlice = discovery.EndpointSlice;
export type Endpoint = discovery.Endpoint;
export type Ingress = networking.Ingress;
export type IngressClass = networking.IngressClass;
export type NetworkPolicy = networking.NetworkPolicy;

/** Any Kubernetes object: what storage, the apiserver and caches move around. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** A Kubernetes object that certainly has metadata (after defaulting / from a server). */
export type Stored<T extends { metadata?: ObjectMeta }> = T & { metadata: ObjectMeta & { name: string } };

/** Deep read-only view, for objects handed out by caches. */
export type DeepReadonly<T> = T extends (infer E)[]
  ? readonly DeepReadonly<E>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T;

/** "ns/name" for namespaced objects, "name" for cluster-scoped ones. */
export function objectKey(obj: { metadata?: { namespace?: string; name?: string } }): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}

/** Splits a "ns/name" key; a key without a slash is cluster-scoped. */
export function splitKey(key: string): { namespace?: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}
