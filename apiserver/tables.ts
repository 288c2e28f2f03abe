// Server-side printing: the Table columns real clusters show for each kind (kubectl upper-cases the
// names; priority 1 columns appear with -o wide). The cell rules follow kubectl's printers.
import type { KubeObject } from '../api/types.js';
import type * as T from '../api/types.js';
import { age } from './age.js';

export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

type Cell = string | number;
interface Column {
  readonly name: string;
  readonly type?: string;
  readonly wide?: boolean;
  readonly cell: (obj: any, now: number) => Cell;
}

const NONE = '<none>';
const name: Column = { name: 'Name', cell: (o: KubeObject) => o.metadata?.name ?? '' };
const ageCol: Column = { name: 'Age', cell: (o: KubeObject, now) => age(o.metadata?.creationTimestamp, now) };
const join = (xs: readonly string[] | undefined, empty = NONE) => (xs && xs.length > 0 ? xs.join(',') : empty);
const mapText = (m: Record<string, string> | undefined) => join(Object.entries(m ?? {}).map(([k, v]) => `${k}=${v}`));

function selectorText(sel: T.LabelSelector | undefined): string {
  if (!sel) return NONE;
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`);
  }
  return join(parts);
}

function firstN(items: string[], n = 3): string {
  if (items.length === 0) return NONE;
  return items.length > n ? `${items.slice(0, n).join(',')} + ${items.length - n} more...` : items.join(',');
}

const containers = (tpl: T.core.PodTemplateSpec | undefined) => join(tpl?.spec?.containers?.map((c) => c.name));
const images = (tpl: T.core.PodTemplateSpec | undefined) => join(tpl?.spec?.containers?.map((c) => c.image ?? ''));
const workloadWide: Column[] = [
  { name: 'Containers', wide: true, cell: (o) => containers(o.spec?.template) },
  { name: 'Images', wide: true, cell: (o) => images(o.spec?.template) },
  { name: 'Selector', wide: true, cell: (o) => selectorText(o.spec?.selector) },
];

function podStatus(p: T.Pod): string {
  let reason = p.status?.reason || p.status?.phase || 'Pending';
  for (const c of p.status?.containerStatuses ?? []) {
    if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
    else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
    else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
  }
  if (p.metadata?.deletionTimestamp) reason = p.status?.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function servicePorts(s: T.Service): string {
  return join(s.spec?.ports?.map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`));
}

function externalIP(s: T.Service): string {
  const ext = s.spec?.externalIPs ?? [];
  switch (s.spec?.type) {
    case 'ExternalName':
      return s.spec.externalName ?? NONE;
    case 'LoadBalancer': {
      const lb = (s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip || i.hostname || '').filter(Boolean);
      const all = [...lb, ...ext];
      return all.length > 0 ? all.join(',') : '<pending>';
    }
    default:
      return join(ext);
  }
}

function nodeStatus(n: T.Node): string {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready');
  let s = ready?.status === 'True' ? 'Ready' : ready?.status === 'False' ? 'NotReady' : 'Unknown';
  if (n.spec?.unschedulable) s += ',SchedulingDisabled';
  return s;
}

function nodeAddress(n: T.Node, type: string): string {
  return n.status?.addresses?.find((a) => a.type === type)?.address ?? NONE;
}

function eventTime(e: T.Event, field: 'last' | 'first', now: number): string {
  const ts = field === 'last' ? e.lastTimestamp || e.eventTime || e.firstTimestamp : e.firstTimestamp || e.eventTime;
  return age(ts ?? e.metadata?.creationTimestamp, now);
}

const COLUMNS: Record<string, Column[]> = {
  Pod: [
    name,
    { name: 'Ready', cell: (p: T.Pod) => `${(p.status?.containerStatuses ?? []).filter((c) => c.ready).length}/${p.spec?.containers?.length ?? 0}` },
    { name: 'Status', cell: podStatus },
    { name: 'Restarts', type: 'integer', cell: (p: T.Pod) => (p.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0) },
    ageCol,
    { name: 'IP', wide: true, cell: (p: T.Pod) => p.status?.podIP || NONE },
    { name: 'Node', wide: true, cell: (p: T.Pod) => p.spec?.nodeName || NONE },
    { name: 'Nominated Node', wide: true, cell: (p: T.Pod) => p.status?.nominatedNodeName || NONE },
    {
      name: 'Readiness Gates',
      wide: true,
      cell: (p: T.Pod) => {
        const gates = p.spec?.readinessGates ?? [];
        if (gates.length === 0) return NONE;
        const ok = gates.filter((g) => p.status?.conditions?.some((c) => c.type === g.conditionType && c.status === 'True')).length;
        return `${ok}/${gates.length}`;
      },
    },
  ],
  Service: [
    name,
    { name: 'Type', cell: (s: T.Service) => s.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', cell: (s: T.Service) => s.spec?.clusterIP || NONE },
    { name: 'External-IP', cell: externalIP },
    { name: 'Port(s)', cell: servicePorts },
    ageCol,
    { name: 'Selector', wide: true, cell: (s: T.Service) => mapText(s.spec?.selector) },
  ],
  Endpoints: [
    name,
    {
      name: 'Endpoints',
      cell: (e: T.Endpoints) => firstN((e.subsets ?? []).flatMap((s) => (s.addresses ?? []).flatMap((a) => ((s.ports ?? []).length > 0 ? s.ports!.map((p) => `${a.ip}:${p.port}`) : [a.ip])))),
    },
    ageCol,
  ],
  EndpointSlice: [
    name,
    { name: 'AddressType', cell: (e: T.EndpointSlice) => e.addressType },
    { name: 'Ports', cell: (e: T.EndpointSlice) => ((e.ports ?? []).length === 0 ? '<unset>' : e.ports!.map((p) => (p.port === undefined ? '<unset>' : String(p.port))).join(',')) },
    {
      name: 'Endpoints',
      cell: (e: T.EndpointSlice) => {
        const addrs = (e.endpoints ?? []).flatMap((ep) => ep.addresses);
        return addrs.length === 0 ? '<unset>' : firstN(addrs);
      },
    },
    ageCol,
  ],
  Ingress: [
    name,
    { name: 'Class', cell: (i: T.Ingress) => i.spec?.ingressClassName || NONE },
    { name: 'Hosts', cell: (i: T.Ingress) => join((i.spec?.rules ?? []).map((r) => r.host || '*'), '*') },
    { name: 'Address', cell: (i: T.Ingress) => join((i.status?.loadBalancer?.ingress ?? []).map((x) => x.ip || x.hostname || ''), '') },
    { name: 'Ports', cell: (i: T.Ingress) => ((i.spec?.tls ?? []).length > 0 ? '80, 443' : '80') },
    ageCol,
  ],
  IngressClass: [
    name,
    { name: 'Controller', cell: (c: T.IngressClass) => c.spec?.controller ?? NONE },
    { name: 'Parameters', cell: (c: T.IngressClass) => (c.spec?.parameters ? `${c.spec.parameters.kind}/${c.spec.parameters.name}` : NONE) },
    ageCol,
  ],
  NetworkPolicy: [name, { name: 'Pod-Selector', cell: (n: T.NetworkPolicy) => selectorText(n.spec?.podSelector) }, ageCol],
  Deployment: [
    name,
    { name: 'Ready', cell: (d: T.Deployment) => `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (d: T.Deployment) => d.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (d: T.Deployment) => d.status?.availableReplicas ?? 0 },
    ageCol,
    ...workloadWide,
  ],
  ReplicaSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (r: T.ReplicaSet) => r.spec?.replicas ?? 1 },
    { name: 'Current', type: 'integer', cell: (r: T.ReplicaSet) => r.status?.replicas ?? 0 },
    { name: 'Ready', type: 'integer', cell: (r: T.ReplicaSet) => r.status?.readyReplicas ?? 0 },
    ageCol,
    ...workloadWide,
  ],
  StatefulSet: [
    name,
    { name: 'Ready', cell: (s: T.StatefulSet) => `${s.status?.readyReplicas ?? 0}/${s.spec?.replicas ?? 1}` },
    ageCol,
    workloadWide[0]!,
    workloadWide[1]!,
  ],
  DaemonSet: [
    name,
    { name: 'Desired', type: 'integer', cell: (d: T.DaemonSet) => d.status?.desiredNumberScheduled ?? 0 },
    { name: 'Current', type: 'integer', cell: (d: T.DaemonSet) => d.status?.currentNumberScheduled ?? 0 },
    { name: 'Ready', type: 'integer', cell: (d: T.DaemonSet) => d.status?.numberReady ?? 0 },
    { name: 'Up-to-date', type: 'integer', cell: (d: T.DaemonSet) => d.status?.updatedNumberScheduled ?? 0 },
    { name: 'Available', type: 'integer', cell: (d: T.DaemonSet) => d.status?.numberAvailable ?? 0 },
    { name: 'Node Selector', cell: (d: T.DaemonSet) => mapText(d.spec?.template?.spec?.nodeSelector) },
    ageCol,
    ...workloadWide,
  ],
  Namespace: [name, { name: 'Status', cell: (n: T.Namespace) => n.status?.phase ?? 'Active' }, ageCol],
  Node: [
    name,
    { name: 'Status', cell: nodeStatus },
    {
      name: 'Roles',
      cell: (n: T.Node) =>
        join(
          Object.keys(n.metadata?.labels ?? {})
            .filter((k) => k.startsWith('node-role.kubernetes.io/'))
            .map((k) => k.slice('node-role.kubernetes.io/'.length)),
        ),
    },
    ageCol,
    { name: 'Version', cell: (n: T.Node) => n.status?.nodeInfo?.kubeletVersion ?? '' },
    { name: 'Internal-IP', wide: true, cell: (n: T.Node) => nodeAddress(n, 'InternalIP') },
    { name: 'External-IP', wide: true, cell: (n: T.Node) => nodeAddress(n, 'ExternalIP') },
    { name: 'OS-Image', wide: true, cell: (n: T.Node) => n.status?.nodeInfo?.osImage || '<unknown>' },
    { name: 'Kernel-Version', wide: true, cell: (n: T.Node) => n.status?.nodeInfo?.kernelVersion || '<unknown>' },
    { name: 'Container-Runtime', wide: true, cell: (n: T.Node) => n.status?.nodeInfo?.containerRuntimeVersion || '<unknown>' },
  ],
  Secret: [
    name,
    { name: 'Type', cell: (s: T.Secret) => s.type ?? 'Opaque' },
    { name: 'Data', type: 'integer', cell: (s: T.Secret) => Object.keys({ ...s.data, ...s.stringData }).length },
    ageCol,
  ],
  ConfigMap: [name, { name: 'Data', type: 'integer', cell: (c: T.ConfigMap) => Object.keys({ ...c.data, ...c.binaryData }).length }, ageCol],
  ServiceAccount: [name, { name: 'Secrets', type: 'integer', cell: (s: T.ServiceAccount) => s.secrets?.length ?? 0 }, ageCol],
  Event: [
    { name: 'Last Seen', cell: (e: T.Event, now) => eventTime(e, 'last', now) },
    { name: 'Type', cell: (e: T.Event) => e.type ?? '' },
    { name: 'Reason', cell: (e: T.Event) => e.reason ?? '' },
    { name: 'Object', cell: (e: T.Event) => `${(e.involvedObject?.kind ?? '').toLowerCase()}/${e.involvedObject?.name ?? ''}` },
    { name: 'Subobject', wide: true, cell: (e: T.Event) => e.involvedObject?.fieldPath ?? '' },
    { name: 'Source', wide: true, cell: (e: T.Event) => [e.source?.component ?? e.reportingComponent, e.source?.host].filter(Boolean).join(', ') },
    { name: 'Message', cell: (e: T.Event) => (e.message ?? '').trim() },
    { name: 'First Seen', wide: true, cell: (e: T.Event, now) => eventTime(e, 'first', now) },
    { name: 'Count', type: 'integer', wide: true, cell: (e: T.Event) => e.count ?? 1 },
    { name: 'Name', wide: true, cell: (e: T.Event) => e.metadata?.name ?? '' },
  ],
  GatewayClass: [
    name,
    { name: 'Controller', cell: (g: any) => g.spec?.controllerName ?? '' },
    { name: 'Accepted', cell: (g: any) => g.status?.conditions?.find((c: any) => c.type === 'Accepted')?.status ?? 'Unknown' },
    ageCol,
  ],
  Gateway: [
    name,
    { name: 'Class', cell: (g: any) => g.spec?.gatewayClassName ?? '' },
    { name: 'Address', cell: (g: any) => (g.status?.addresses ?? []).map((a: any) => a.value).join(',') },
    { name: 'Programmed', cell: (g: any) => g.status?.conditions?.find((c: any) => c.type === 'Programmed')?.status ?? 'Unknown' },
    ageCol,
  ],
  HTTPRoute: [name, { name: 'Hostnames', cell: (r: any) => join(r.spec?.hostnames, '') }, ageCol],
};

const DEFAULT_COLUMNS: Column[] = [name, ageCol];

export function columnsFor(kind: string): ColumnDefinition[] {
  return (COLUMNS[kind] ?? DEFAULT_COLUMNS).map((c) => ({
    name: c.name,
    type: c.type ?? 'string',
    format: c === name ? 'name' : '',
    description: `${c.name} of the ${kind}`,
    priority: c.wide ? 1 : 0,
  }));
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRow {
  cells: Cell[];
  object?: KubeObject;
}

export function rowFor(obj: KubeObject, include: IncludeObject, now = Date.now()): TableRow {
  const cols = COLUMNS[obj.kind ?? ''] ?? DEFAULT_COLUMNS;
  const cells = cols.map((c) => {
    try {
      return c.cell(obj, now);
    } catch {
      return '<error>';
    }
  });
  if (include === 'None') return { cells };
  if (include === 'Object') return { cells, object: obj };
  return { cells, object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata } };
}

export function toTable(kind: string, items: readonly KubeObject[], resourceVersion: string, include: IncludeObject, extra: { continue?: string } = {}): KubeObject {
  const now = Date.now();
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion, ...(extra.continue ? { continue: extra.continue } : {}) },
    columnDefinitions: columnsFor(kind),
    rows: items.map((o) => rowFor(o, include, now)),
  };
}
