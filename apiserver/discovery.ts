// Discovery documents: /version, legacy (/api, /apis, /api/v1, /apis/<g>/<v>) and aggregated
// (apidiscovery.k8s.io v2 and v2beta1), all derived from api/resources.ts.
import { RESOURCES, apiVersionOf, type ResourceInfo } from '../api/resources.js';
import { METRICS_GROUP, METRICS_RESOURCES, METRICS_VERSION } from './usage.js';

export const SERVER_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.0-podnet', gitCommit: '0000000000000000000000000000000000000000', gitTreeState: 'clean', buildDate: '2026-01-01T00:00:00Z', goVersion: 'go1.22.0', compiler: 'gc', platform: 'linux/amd64' };

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface SubresourceShape {
  verbs: string[];
  kind?: { group: string; version: string; kind: string };
}

function subresourceShape(info: ResourceInfo, sub: string): SubresourceShape {
  switch (sub) {
    case 'status':
      return { verbs: ['get', 'patch', 'update'] };
    case 'scale':
      return { verbs: ['get', 'patch', 'update'], kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' } };
    case 'log':
      return { verbs: ['get'] };
    case 'exec':
    case 'attach':
    case 'portforward':
      return { verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: sub === 'portforward' ? 'PodPortForwardOptions' : sub === 'exec' ? 'PodExecOptions' : 'PodAttachOptions' } };
    case 'binding':
      return { verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' } };
    case 'eviction':
      return { verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } };
    case 'finalize':
      return { verbs: ['update'] };
    case 'ephemeralcontainers':
      return { verbs: ['get', 'patch', 'update'] };
    case 'proxy':
      return { verbs: ['create', 'delete', 'get', 'patch', 'update'], kind: { group: '', version: 'v1', kind: info.kind === 'Pod' ? 'PodProxyOptions' : 'ServiceProxyOptions' } };
    default:
      return { verbs: ['get'] };
  }
}

/** Groups in the order discovery lists them: core first, then by name. */
export function groups(): { group: string; version: string; resources: ResourceInfo[] }[] {
  const byGV = new Map<string, { group: string; version: string; resources: ResourceInfo[] }>();
  for (const info of RESOURCES) {
    const key = apiVersionOf(info);
    if (!byGV.has(key)) byGV.set(key, { group: info.group, version: info.version, resources: [] });
    byGV.get(key)!.resources.push(info);
  }
  return [...byGV.values()];
}

export function apiVersions(serverAddress: string): object {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

/** Named groups with their one version: the stored kinds' and the resource metrics API. */
function namedGroupVersions(): { group: string; version: string }[] {
  return [...groups().filter((g) => g.group !== ''), { group: METRICS_GROUP, version: METRICS_VERSION }];
}

export function apiGroupList(): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: namedGroupVersions().map((g) => {
      const gv = { groupVersion: `${g.group}/${g.version}`, version: g.version };
      return { name: g.group, versions: [gv], preferredVersion: gv };
    }),
  };
}

export function apiGroup(group: string): object | undefined {
  const g = namedGroupVersions().find((x) => x.group === group);
  if (!g) return undefined;
  const gv = { groupVersion: `${g.group}/${g.version}`, version: g.version };
  return { kind: 'APIGroup', apiVersion: 'v1', name: g.group, versions: [gv], preferredVersion: gv };
}

export function apiResourceList(group: string, version: string): object | undefined {
  if (group === METRICS_GROUP && version === METRICS_VERSION) {
    const resources = METRICS_RESOURCES.map((r) => ({ name: r.plural, singularName: r.singular, namespaced: r.namespaced, kind: r.kind, verbs: r.verbs }));
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: `${group}/${version}`, resources };
  }
  const g = groups().find((x) => x.group === group && x.version === version);
  if (!g) return undefined;
  const resources: object[] = [];
  for (const info of g.resources) {
    resources.push({
      name: info.plural,
      singularName: info.singular,
      namespaced: info.namespaced,
      kind: info.kind,
      verbs: VERBS,
      ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
      ...(info.categories.length > 0 ? { categories: info.categories } : {}),
    });
    for (const sub of info.subresources) {
      const shape = subresourceShape(info, sub);
      resources.push({
        name: `${info.plural}/${sub}`,
        singularName: '',
        namespaced: info.namespaced,
        ...(shape.kind?.group ? { group: shape.kind.group, version: shape.kind.version } : {}),
        kind: shape.kind?.kind ?? info.kind,
        verbs: shape.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

/** The aggregated discovery list for `/api` (core only) or `/apis` (every named group). */
export function aggregatedDiscovery(which: 'api' | 'apis', version: 'v2' | 'v2beta1'): object {
  const items = groups()
    .filter((g) => (which === 'api' ? g.group === '' : g.group !== ''))
    .map((g) => ({
      metadata: { name: g.group },
      versions: [
        {
          version: g.version,
          freshness: 'Current',
          resources: g.resources.map((info) => ({
            resource: info.plural,
            responseKind: { group: info.group, version: info.version, kind: info.kind },
            scope: info.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: info.singular,
            verbs: VERBS,
            ...(info.shortNames.length > 0 ? { shortNames: info.shortNames } : {}),
            ...(info.categories.length > 0 ? { categories: info.categories } : {}),
            subresources: info.subresources.map((sub) => {
              const shape = subresourceShape(info, sub);
              return { subresource: sub, responseKind: shape.kind ?? { group: info.group, version: info.version, kind: info.kind }, verbs: shape.verbs };
            }),
          })),
        },
      ],
    }));
  if (which === 'apis') {
    items.push({
      metadata: { name: METRICS_GROUP },
      versions: [
        {
          version: METRICS_VERSION,
          freshness: 'Current',
          resources: METRICS_RESOURCES.map((r) => ({
            resource: r.plural,
            responseKind: { group: METRICS_GROUP, version: METRICS_VERSION, kind: r.kind },
            scope: r.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: r.plural.replace(/s$/, ''),
            verbs: [...r.verbs],
            subresources: [],
          })),
        },
      ],
    });
  }
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${version}`, metadata: {}, items };
}

/** Which aggregated discovery version the Accept header asks for first, if any. */
export function wantsAggregated(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    if (!/as=APIGroupDiscoveryList/.test(part) || !/g=apidiscovery\.k8s\.io/.test(part)) continue;
    const v = /(?:^|;)\s*v=([a-z0-9]+)/.exec(part)?.[1];
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return undefined;
}

export function aggregatedContentType(version: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;
}
