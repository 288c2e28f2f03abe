// The contract every component reads objects through: an ObjectSource gives informers (a synced,
// read-only cache per resource with change notifications). Implementations: a static manifest
// file (`file:PATH`), podnet's or a real cluster's apiserver (`kubeconfig[:PATH]`), and an
// in-memory one for tests. A component never reads anything else to decide what to do.
import type { KubeObject } from '../api/types.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface Change<T extends KubeObject = KubeObject> {
  readonly type: ChangeType;
  readonly object: T;
  /** The previous version, for MODIFIED. */
  readonly old?: T;
}

/** A synced cache of one resource. Objects are shared and must not be mutated. */
export interface Informer<T extends KubeObject = KubeObject> {
  /** All objects, or those of one namespace. */
  list(namespace?: string): readonly T[];
  get(namespace: string | undefined, name: string): T | undefined;
  /** Registers a handler; returns a function that unregisters it. Handlers must only enqueue work. */
  onChange(handler: (change: Change<T>) => void): () => void;
}

/** Names a resource by plural and group: { group: 'discovery.k8s.io', plural: 'endpointslices' }. */
export interface ResourceRef {
  readonly group: string;
  readonly plural: string;
}

export interface ObjectSource {
  /** An informer for a resource; creating one before `start` makes it part of the initial sync. */
  informer<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T>;
  /** Starts every informer created so far (and later ones on creation); resolves once all have synced. */
  start(): Promise<void>;
  stop(): void;
}

/** Common refs, so callers don't spell groups by hand. */
export const R = {
  namespaces: { group: '', plural: 'namespaces' },
  nodes: { group: '', plural: 'nodes' },
  pods: { group: '', plural: 'pods' },
  services: { group: '', plural: 'services' },
  endpoints: { group: '', plural: 'endpoints' },
  secrets: { group: '', plural: 'secrets' },
  configmaps: { group: '', plural: 'configmaps' },
  events: { group: '', plural: 'events' },
  serviceaccounts: { group: '', plural: 'serviceaccounts' },
  deployments: { group: 'apps', plural: 'deployments' },
  replicasets: { group: 'apps', plural: 'replicasets' },
  statefulsets: { group: 'apps', plural: 'statefulsets' },
  daemonsets: { group: 'apps', plural: 'daemonsets' },
  endpointslices: { group: 'discovery.k8s.io', plural: 'endpointslices' },
  ingresses: { group: 'networking.k8s.io', plural: 'ingresses' },
  ingressclasses: { group: 'networking.k8s.io', plural: 'ingressclasses' },
  networkpolicies: { group: 'networking.k8s.io', plural: 'networkpolicies' },
  gatewayclasses: { group: 'gateway.networking.k8s.io', plural: 'gatewayclasses' },
  gateways: { group: 'gateway.networking.k8s.io', plural: 'gateways' },
  httproutes: { group: 'gateway.networking.k8s.io', plural: 'httproutes' },
} as const satisfies Record<string, ResourceRef>;
