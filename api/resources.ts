// The resource registry: every kind podnet serves, with the names discovery, storage keys,
// the client and the manifest loader all derive from. One table, so they never disagree.

export interface ResourceInfo {
  /** API group; "" for core. */
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Lowercase plural used in URLs and storage keys ("services"). */
  readonly plural: string;
  readonly singular: string;
  readonly namespaced: boolean;
  readonly shortNames: readonly string[];
  readonly categories: readonly string[];
  /** Subresources served besides the main resource. */
  readonly subresources: readonly string[];
}

const ALL = ['all'];

function r(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: { shortNames?: string[]; categories?: string[]; subresources?: string[] } = {},
): ResourceInfo {
  return {
    group,
    version,
    kind,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: extra.shortNames ?? [],
    categories: extra.categories ?? [],
    subresources: extra.subresources ?? [],
  };
}

export const RESOURCES: readonly ResourceInfo[] = [
  r('', 'v1', 'Namespace', 'namespaces', false, { shortNames: ['ns'], subresources: ['status', 'finalize'] }),
  r('', 'v1', 'Node', 'nodes', false, { shortNames: ['no'], subresources: ['status'] }),
  r('', 'v1', 'Pod', 'pods', true, {
    shortNames: ['po'],
    categories: ALL,
    subresources: ['status', 'log', 'exec', 'attach', 'portforward', 'binding', 'eviction', 'ephemeralcontainers', 'proxy'],
  }),
  r('', 'v1', 'Service', 'services', true, { shortNames: ['svc'], categories: ALL, subresources: ['status', 'proxy'] }),
  r('', 'v1', 'Endpoints', 'endpoints', true, { shortNames: ['ep'] }),
  r('', 'v1', 'Secret', 'secrets', true),
  r('', 'v1', 'ConfigMap', 'configmaps', true, { shortNames: ['cm'] }),
  r('', 'v1', 'Event', 'events', true, { shortNames: ['ev'] }),
  r('', 'v1', 'ServiceAccount', 'serviceaccounts', true, { shortNames: ['sa'] }),
  r('apps', 'v1', 'Deployment', 'deployments', true, { shortNames: ['deploy'], categories: ALL, subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'ReplicaSet', 'replicasets', true, { shortNames: ['rs'], categories: ALL, subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'StatefulSet', 'statefulsets', true, { shortNames: ['sts'], categories: ALL, subresources: ['status', 'scale'] }),
  r('apps', 'v1', 'DaemonSet', 'daemonsets', true, { shortNames: ['ds'], categories: ALL, subresources: ['status'] }),
  r('discovery.k8s.io', 'v1', 'EndpointSlice', 'endpointslices', true),
  r('networking.k8s.io', 'v1', 'Ingress', 'ingresses', true, { shortNames: ['ing'], subresources: ['status'] }),
  r('networking.k8s.io', 'v1', 'IngressClass', 'ingressclasses', false),
  r('networking.k8s.io', 'v1', 'NetworkPolicy', 'networkpolicies', true, { shortNames: ['netpol'] }),
  r('gateway.networking.k8s.io', 'v1', 'GatewayClass', 'gatewayclasses', false, { shortNames: ['gc'], subresources: ['status'] }),
  r('gateway.networking.k8s.io', 'v1', 'Gateway', 'gateways', true, { shortNames: ['gtw'], subresources: ['status'] }),
  r('gateway.networking.k8s.io', 'v1', 'HTTPRoute', 'httproutes', true, { subresources: ['status'] }),
];

export function apiVersionOf(info: ResourceInfo): string {
  return info.group ? `${info.group}/${info.version}` : info.version;
}

const byPlural = new Map<string, ResourceInfo>();
const byKind = new Map<string, ResourceInfo>();
for (const info of RESOURCES) {
  byPlural.set(`${info.group}/${info.plural}`, info);
  byKind.set(`${apiVersionOf(info)}/${info.kind}`, info);
}

/** Looks a resource up by group and plural ("apps", "deployments"). */
export function resourceByPlural(group: string, plural: string): ResourceInfo | undefined {
  return byPlural.get(`${group}/${plural}`);
}

/** Looks a resource up by apiVersion and kind ("apps/v1", "Deployment"). */
export function resourceByKind(apiVersion: string, kind: string): ResourceInfo | undefined {
  return byKind.get(`${apiVersion}/${kind}`);
}

/** Looks a resource up by kind alone (kinds are unique in podnet's registry). */
export function resourceForKind(kind: string): ResourceInfo | undefined {
  return RESOURCES.find((info) => info.kind === kind);
}

/** Storage key prefix for a resource: "/registry/<group or core>/<plural>/". */
export function storagePrefix(info: ResourceInfo, namespace?: string): string {
  const base = `/registry/${info.group || 'core'}/${info.plural}/`;
  return info.namespaced && namespace ? `${base}${namespace}/` : base;
}

/** Storage key of one object. */
export function storageKey(info: ResourceInfo, namespace: string | undefined, name: string): string {
  return info.namespaced ? `${storagePrefix(info)}${namespace}/${name}` : `${storagePrefix(info)}${name}`;
}
