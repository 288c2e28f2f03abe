// The list schema both patch engines need, as data keyed by field path. A path is the object's
// field names from the root with list positions left out: `spec.template.spec.containers.ports`.
//
//  - patchKey: strategic-merge-patch merge key (`patchMergeKey` in k8s.io/api); items merge by it.
//  - patchSet: a primitive list with patchStrategy=merge (finalizers): merges as a set.
//  - mapKeys:  server-side-apply list-map keys (`listMapKey`), with defaults for omitted keys.
//  - set:      server-side-apply listType=set.
// A list with none of these is atomic: replaced whole by both engines. Unknown kinds have no
// entries, so every list in them is atomic.
// Source of the entries: the +patchMergeKey / +patchStrategy / +listType / +listMapKey tags in
// k8s.io/api core/v1, apps/v1, discovery/v1, networking/v1 and meta/v1 types.

export interface ListRule {
  readonly patchKey?: string;
  readonly patchSet?: boolean;
  readonly mapKeys?: readonly string[];
  readonly keyDefaults?: Readonly<Record<string, unknown>>;
  readonly set?: boolean;
}

export interface KindSchema {
  readonly lists: ReadonlyMap<string, ListRule>;
  /** Maps and structs that server-side apply treats as one value (mapType/structType=atomic). */
  readonly atomic: ReadonlySet<string>;
}

const TCP = { protocol: 'TCP' };

const CONTAINER: Record<string, ListRule> = {
  ports: { patchKey: 'containerPort', mapKeys: ['containerPort', 'protocol'], keyDefaults: TCP },
  env: { patchKey: 'name', mapKeys: ['name'] },
  volumeMounts: { patchKey: 'mountPath', mapKeys: ['mountPath'] },
  volumeDevices: { patchKey: 'devicePath', mapKeys: ['devicePath'] },
};

function podSpecLists(): Record<string, ListRule> {
  const out: Record<string, ListRule> = {
    volumes: { patchKey: 'name', mapKeys: ['name'] },
    imagePullSecrets: { patchKey: 'name', mapKeys: ['name'] },
    hostAliases: { patchKey: 'ip', mapKeys: ['ip'] },
    topologySpreadConstraints: { patchKey: 'topologyKey', mapKeys: ['topologyKey', 'whenUnsatisfiable'] },
    schedulingGates: { patchKey: 'name', mapKeys: ['name'] },
    resourceClaims: { patchKey: 'name', mapKeys: ['name'] },
  };
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    out[list] = { patchKey: 'name', mapKeys: ['name'] };
    for (const [sub, rule] of Object.entries(CONTAINER)) out[`${list}.${sub}`] = rule;
  }
  return out;
}

const POD_SPEC_ATOMIC = ['nodeSelector', 'affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution'];
const CONDITIONS: ListRule = { patchKey: 'type', mapKeys: ['type'] };

const METADATA: Record<string, ListRule> = {
  'metadata.ownerReferences': { patchKey: 'uid', mapKeys: ['uid'] },
  'metadata.finalizers': { patchSet: true, set: true },
};

/** Where each workload kind keeps its PodSpec. */
const POD_SPEC_AT: Record<string, string> = {
  Pod: 'spec',
  PodTemplate: 'template.spec',
  Deployment: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicationController: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
};

const KIND_LISTS: Record<string, Record<string, ListRule>> = {
  Pod: {
    'status.conditions': CONDITIONS,
    'status.podIPs': { patchKey: 'ip', mapKeys: ['ip'] },
    'status.hostIPs': { patchKey: 'ip', mapKeys: ['ip'] },
  },
  Service: {
    'spec.ports': { patchKey: 'port', mapKeys: ['port', 'protocol'], keyDefaults: TCP },
    'status.conditions': CONDITIONS,
  },
  Node: {
    'spec.podCIDRs': { patchSet: true, set: true },
    'status.conditions': CONDITIONS,
    'status.addresses': { patchKey: 'type', mapKeys: ['type'] },
  },
  Namespace: { 'status.conditions': CONDITIONS },
  Deployment: { 'status.conditions': CONDITIONS },
  ReplicaSet: { 'status.conditions': CONDITIONS },
  StatefulSet: { 'status.conditions': CONDITIONS },
  DaemonSet: { 'status.conditions': CONDITIONS },
  Ingress: {},
  NetworkPolicy: {},
  EndpointSlice: {},
  Endpoints: {},
  ServiceAccount: { secrets: { patchKey: 'name', mapKeys: ['name'] } },
  Gateway: { 'status.conditions': CONDITIONS },
};

const KIND_ATOMIC: Record<string, string[]> = {
  Service: ['spec.selector'],
  Deployment: ['spec.selector'],
  ReplicaSet: ['spec.selector'],
  StatefulSet: ['spec.selector'],
  DaemonSet: ['spec.selector'],
  NetworkPolicy: ['spec.podSelector'],
  ReplicationController: ['spec.selector'],
};

const cache = new Map<string, KindSchema>();

export function schemaFor(kind: string): KindSchema {
  let schema = cache.get(kind);
  if (schema) return schema;
  const lists = new Map<string, ListRule>(Object.entries(METADATA));
  const atomic = new Set<string>(KIND_ATOMIC[kind] ?? []);
  const podSpec = POD_SPEC_AT[kind];
  if (podSpec) {
    for (const [p, rule] of Object.entries(podSpecLists())) lists.set(`${podSpec}.${p}`, rule);
    for (const p of POD_SPEC_ATOMIC) atomic.add(`${podSpec}.${p}`);
    // The template's own metadata has ownerReferences/finalizers too.
    const templateMeta = podSpec.replace(/spec$/, 'metadata');
    if (templateMeta !== podSpec) for (const [p, rule] of Object.entries(METADATA)) lists.set(`${templateMeta}.${p.slice('metadata.'.length)}`, rule);
  }
  for (const [p, rule] of Object.entries(KIND_LISTS[kind] ?? {})) lists.set(p, rule);
  schema = { lists, atomic };
  cache.set(kind, schema);
  return schema;
}

export function joinPath(path: string, field: string): string {
  return path ? `${path}.${field}` : field;
}
