// The resource metrics API (metrics.k8s.io/v1beta1, what metrics-server serves and `kubectl top`
// reads): NodeMetrics and PodMetrics built from the usage the kubelets measure. The apiserver asks
// a UsageSource on every request (the kubelets keep the previous sample, so a rate needs no wait
// after the first call); label and field selectors are matched against the real Node and Pod
// objects in the registry.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resourceByKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { sendJSON } from './handler.js';
import type { Registry } from './registry.js';
import { ApiError } from './status.js';

export interface ContainerUsage {
  readonly name: string;
  /** CPU in nanocores (1e9 = one core), averaged over the window. */
  readonly cpuNanoCores: number;
  /** Resident memory in bytes (metrics-server reports the working set; RSS stands in for it). */
  readonly memoryBytes: number;
}

export interface PodUsage {
  readonly namespace: string;
  readonly name: string;
  readonly containers: readonly ContainerUsage[];
}

export interface NodeUsage {
  readonly node: string;
  /** End of the measurement window (RFC 3339). */
  readonly timestamp: string;
  readonly windowSeconds: number;
  /** Everything running in the node: its own processes and its pods'. */
  readonly cpuNanoCores: number;
  readonly memoryBytes: number;
  readonly pods: readonly PodUsage[];
}

/** The kubelets' measurements, one entry per running node. */
export type UsageSource = () => Promise<readonly NodeUsage[]>;

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';
const PREFIX = `/apis/${METRICS_GROUP}/${METRICS_VERSION}`;
const API_VERSION = `${METRICS_GROUP}/${METRICS_VERSION}`;

/** What discovery lists for the group (both resources are read-only). */
export const METRICS_RESOURCES = [
  { plural: 'nodes', singular: '', kind: 'NodeMetrics', namespaced: false, verbs: ['get', 'list'] },
  { plural: 'pods', singular: '', kind: 'PodMetrics', namespaced: true, verbs: ['get', 'list'] },
] as const;

type UsagePath = { resource: 'nodes' | 'pods'; namespace?: string; name?: string };

/** Parses `/apis/metrics.k8s.io/v1beta1/{nodes[/N] | pods | namespaces/NS/pods[/N]}`. */
export function matchUsagePath(pathname: string): UsagePath | undefined {
  if (!pathname.startsWith(`${PREFIX}/`)) return undefined;
  const segs = pathname.slice(PREFIX.length + 1).split('/').map(decodeURIComponent);
  if (segs[0] === 'nodes' && segs.length <= 2) return { resource: 'nodes', name: segs[1] };
  if (segs[0] === 'pods' && segs.length === 1) return { resource: 'pods' };
  if (segs[0] === 'namespaces' && segs[2] === 'pods' && segs.length >= 3 && segs.length <= 4) return { resource: 'pods', namespace: segs[1], name: segs[3] };
  return undefined;
}

/** CPU as Kubernetes quantities print it: whole nanocores ("12345678n"). */
function cpuQuantity(nano: number): string {
  return `${Math.max(0, Math.round(nano))}n`;
}

/** Memory in kibibytes, as metrics-server reports it ("20480Ki"). */
function memoryQuantity(bytes: number): string {
  return `${Math.max(0, Math.round(bytes / 1024))}Ki`;
}

function meta(name: string, namespace: string | undefined, labels: Record<string, string> | undefined, timestamp: string): object {
  return { name, ...(namespace ? { namespace } : {}), creationTimestamp: timestamp, ...(labels && Object.keys(labels).length ? { labels } : {}) };
}

export async function handleUsage(req: IncomingMessage, res: ServerResponse, path: UsagePath, q: URLSearchParams, registry: Registry, source: UsageSource | undefined): Promise<number> {
  if (req.method !== 'GET') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${req.method})`);
  if (q.get('watch') === 'true' || q.get('watch') === '1') throw new ApiError(405, 'MethodNotAllowed', 'watch is not supported for resource metrics');
  const reports = source ? await source() : [];
  const now = new Date().toISOString();
  const listOpts = { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined };
  const kind = path.resource === 'nodes' ? 'Node' : 'Pod';
  const info = resourceByKind('v1', kind)!;
  // The objects the metrics are about: selectors, labels and "not found" follow them.
  const objects = new Map<string, KubeObject>();
  // metrics-server's wording: `podmetrics.metrics.k8s.io "NS/NAME" not found`, `nodemetrics… "NAME"`.
  const notFound = () => {
    const what = path.resource === 'nodes' ? 'nodemetrics' : 'podmetrics';
    const shown = path.namespace ? `${path.namespace}/${path.name}` : path.name!;
    return new ApiError(404, 'NotFound', `${what}.${METRICS_GROUP} "${shown}" not found`, { name: shown, group: METRICS_GROUP, kind: what });
  };
  if (path.name) {
    try {
      objects.set(`${path.namespace ?? ''}/${path.name}`, await registry.get(info, path.namespace, path.name));
    } catch (err) {
      throw err instanceof ApiError && err.httpStatus === 404 ? notFound() : err;
    }
  } else {
    for (const o of (await registry.list(info, path.namespace, listOpts)).items) objects.set(`${o.metadata?.namespace ?? ''}/${o.metadata?.name}`, o);
  }
  const items: object[] = [];
  for (const r of reports) {
    if (path.resource === 'nodes') {
      const obj = objects.get(`/${r.node}`);
      if (!obj) continue;
      items.push({ metadata: meta(r.node, undefined, obj.metadata?.labels, now), timestamp: r.timestamp, window: `${r.windowSeconds}s`, usage: { cpu: cpuQuantity(r.cpuNanoCores), memory: memoryQuantity(r.memoryBytes) } });
      continue;
    }
    for (const p of r.pods) {
      const obj = objects.get(`${p.namespace}/${p.name}`);
      if (!obj) continue;
      items.push({
        metadata: meta(p.name, p.namespace, obj.metadata?.labels, now),
        timestamp: r.timestamp,
        window: `${r.windowSeconds}s`,
        containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: cpuQuantity(c.cpuNanoCores), memory: memoryQuantity(c.memoryBytes) } })),
      });
    }
  }
  const itemKind = path.resource === 'nodes' ? 'NodeMetrics' : 'PodMetrics';
  if (path.name) {
    const item = items[0];
    // The object exists but no kubelet reports it (not running yet, or no data plane).
    if (!item) throw notFound();
    sendJSON(res, 200, { kind: itemKind, apiVersion: API_VERSION, ...item });
    return 200;
  }
  sendJSON(res, 200, { kind: `${itemKind}List`, apiVersion: API_VERSION, metadata: {}, items });
  return 200;
}
