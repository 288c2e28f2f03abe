// Defaulting, with upstream's values (k8s.io/kubernetes pkg/apis/*/v1/defaults.go), plus the few
// create-time normalisations upstream does in its REST strategies that clients can observe
// (clusterIP → clusterIPs, Secret stringData → data, the Namespace name label). applyDefaults
// returns a deep copy and never mutates its input; applying it twice gives the same object.
import type { Container, PodSpec, PodTemplateSpec, Probe } from 'kubernetes-types/core/v1.js';
import type {
  DaemonSet,
  Deployment,
  EndpointSlice,
  Endpoints,
  KubeObject,
  Namespace,
  NetworkPolicy,
  Node,
  ReplicaSet,
  Secret,
  Service,
  StatefulSet,
} from './types.js';
import { tryParseIP } from './ip.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** The pull policy upstream derives from the image reference: Always for ":latest" or no tag, IfNotPresent otherwise (digests included). */
export function defaultPullPolicy(image: string | undefined): 'Always' | 'IfNotPresent' {
  const ref = image ?? '';
  if (ref.includes('@')) return 'IfNotPresent';
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  const tag = colon < 0 ? 'latest' : lastSegment.slice(colon + 1);
  return tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: Probe | undefined): void {
  if (!p) return;
  p.timeoutSeconds ??= 1;
  p.periodSeconds ??= 10;
  p.successThreshold ??= 1;
  p.failureThreshold ??= 3;
  if (p.httpGet) {
    p.httpGet.path ??= '/';
    p.httpGet.scheme ??= 'HTTP';
  }
}

function defaultContainer(c: Container, hostNetwork: boolean): void {
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  // A struct, not a pointer, upstream: it always serialises, as {} when empty.
  c.resources ??= {};
  for (const p of c.ports ?? []) {
    p.protocol ??= 'TCP';
    // With the host's network the container port is the host port.
    if (hostNetwork && p.hostPort === undefined) p.hostPort = p.containerPort;
  }
  for (const e of c.env ?? []) {
    if (e.valueFrom?.fieldRef) e.valueFrom.fieldRef.apiVersion ??= 'v1';
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
}

export function defaultPodSpec(spec: PodSpec): void {
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  const hostNetwork = spec.hostNetwork === true;
  for (const c of spec.containers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.initContainers ?? []) defaultContainer(c, hostNetwork);
  for (const c of spec.ephemeralContainers ?? []) defaultContainer(c as Container, hostNetwork);
}

function defaultTemplate(t: PodTemplateSpec | undefined): void {
  if (t?.spec) defaultPodSpec(t.spec);
}

/** NodePort and LoadBalancer Services, and ClusterIP ones with externalIPs: those with an externalTrafficPolicy. */
function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'NodePort' || t === 'LoadBalancer' || (t === 'ClusterIP' && (svc.spec?.externalIPs ?? []).length > 0);
}

function defaultService(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = (spec.sessionAffinityConfig ??= {});
    const clientIP = (cfg.clientIP ??= {});
    clientIP.timeoutSeconds ??= 10800;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (externallyAccessible(svc)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  // Create-time strategy: an old client sets only clusterIP; the plural field follows it.
  if (spec.clusterIP && (spec.clusterIPs ?? []).length === 0) spec.clusterIPs = [spec.clusterIP];
  // ipFamilies follow the given clusterIPs; what is still open (the policy, the family of a Service
  // without addresses) depends on the cluster's ranges and is filled in by the apiserver's allocator.
  if (spec.type !== 'ExternalName' && (spec.ipFamilies ?? []).length === 0) {
    const ips = (spec.clusterIPs ?? []).filter((ip) => ip !== 'None');
    if (ips.length > 0) spec.ipFamilies = ips.map((ip) => (tryParseIP(ip)?.family === 6 ? 'IPv6' : 'IPv4'));
  }
}

function defaultDeployment(d: Deployment): void {
  const spec = (d.spec ??= {} as NonNullable<Deployment['spec']>);
  spec.replicas ??= 1;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= '25%';
    ru.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultTemplate(spec.template);
}

function defaultReplicaSet(rs: ReplicaSet): void {
  const spec = (rs.spec ??= {} as NonNullable<ReplicaSet['spec']>);
  spec.replicas ??= 1;
  defaultTemplate(spec.template);
}

function defaultStatefulSet(ss: StatefulSet): void {
  const spec = (ss.spec ??= {} as NonNullable<StatefulSet['spec']>);
  spec.replicas ??= 1;
  spec.podManagementPolicy ??= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  const retention = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  retention.whenDeleted ??= 'Retain';
  retention.whenScaled ??= 'Retain';
  defaultTemplate(spec.template);
}

function defaultDaemonSet(ds: DaemonSet): void {
  const spec = (ds.spec ??= {} as NonNullable<DaemonSet['spec']>);
  const us = (spec.updateStrategy ??= {});
  us.type ??= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = (us.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultTemplate(spec.template);
}

function defaultNetworkPolicy(np: NetworkPolicy): void {
  const spec = (np.spec ??= {} as NonNullable<NetworkPolicy['spec']>);
  spec.podSelector ??= {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const p of rule.ports ?? []) p.protocol ??= 'TCP';
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0) {
    spec.policyTypes = (spec.egress ?? []).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function defaultNamespace(ns: Namespace): void {
  const meta = (ns.metadata ??= {});
  // The apiserver always labels a namespace with its own name (NamespaceDefaultLabelName).
  if (meta.name) meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name };
  // spec.finalizers is set once at create by the apiserver, not here: defaulting also runs on
  // updates, and the namespace controller removes the finalizer to finish a deletion.
  const status = (ns.status ??= {});
  status.phase ??= 'Active';
}

function defaultSecret(secret: Mutable<Secret>): void {
  secret.type ??= 'Opaque';
  // v1 → internal conversion: stringData entries win over data and are not stored themselves.
  if (secret.stringData) {
    const data = { ...(secret.data ?? {}) };
    for (const [k, v] of Object.entries(secret.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
    secret.data = data;
    delete secret.stringData;
  }
}

function defaultEndpointSlice(slice: EndpointSlice): void {
  for (const p of slice.ports ?? []) {
    p.name ??= '';
    p.protocol ??= 'TCP';
  }
}

function defaultEndpoints(ep: Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ??= 'TCP';
}

function defaultNode(node: Node): void {
  const spec = node.spec;
  if (spec?.podCIDR && (spec.podCIDRs ?? []).length === 0) spec.podCIDRs = [spec.podCIDR];
}

const DEFAULTERS: Record<string, (obj: never) => void> = {
  Pod: (pod: { spec?: PodSpec }) => pod.spec && defaultPodSpec(pod.spec),
  Service: defaultService,
  Deployment: defaultDeployment,
  ReplicaSet: defaultReplicaSet,
  StatefulSet: defaultStatefulSet,
  DaemonSet: defaultDaemonSet,
  NetworkPolicy: defaultNetworkPolicy,
  Namespace: defaultNamespace,
  Secret: defaultSecret,
  EndpointSlice: defaultEndpointSlice,
  Endpoints: defaultEndpoints,
  Node: defaultNode,
};

/** Returns a defaulted deep copy of `obj` (dispatching on `kind`); kinds without defaults come back as a plain copy. */
export function applyDefaults<T extends KubeObject>(obj: T): T {
  const fn = DEFAULTERS[obj.kind ?? ''];
  const copy = structuredClone(obj);
  if (!fn) return copy;
  try {
    (fn as (o: T) => void)(copy);
    return copy;
  } catch {
    // A field of the wrong JSON type (a string where a list belongs …): leave the object as it
    // came, validation reports it.
    return structuredClone(obj);
  }
}

function sameJSON(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Update-time strategy for Services (upstream dropTypeDependentFields + normalizeClusterIPs): fields
 * a type change makes meaningless are dropped when the client left them as they were, and a changed
 * clusterIP carries clusterIPs with it. Returns a copy; other kinds come back unchanged (copied).
 */
export function prepareForUpdate<T extends KubeObject>(obj: T, old: KubeObject): T {
  const copy = structuredClone(obj);
  if (copy.kind !== 'Service' || old.kind !== 'Service') return copy;
  const spec = (copy as Service).spec;
  const ospec = (old as Service).spec;
  if (!spec || !ospec) return copy;
  if (spec.clusterIP !== ospec.clusterIP && sameJSON(spec.clusterIPs, ospec.clusterIPs)) {
    if (!spec.clusterIP) delete spec.clusterIPs;
    else spec.clusterIPs = [spec.clusterIP, ...(spec.clusterIPs ?? []).slice(1)];
  }
  // Upstream only does this on a type change; doing it whenever the type is ExternalName also
  // heals an object stored without this step (identical for every state upstream can reach).
  if (spec.type === 'ExternalName') {
    if (spec.clusterIP === ospec.clusterIP && sameJSON(spec.clusterIPs, ospec.clusterIPs)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (sameJSON(spec.ipFamilies, ospec.ipFamilies)) delete spec.ipFamilies;
    if (spec.ipFamilyPolicy === ospec.ipFamilyPolicy) delete spec.ipFamilyPolicy;
    if (spec.internalTrafficPolicy === ospec.internalTrafficPolicy) delete spec.internalTrafficPolicy;
  }
  const needsNodePorts = (t?: string) => t === 'NodePort' || t === 'LoadBalancer';
  if (!needsNodePorts(spec.type)) {
    const same = (spec.ports ?? []).every((p) => (ospec.ports ?? []).some((o) => o.port === p.port && o.protocol === p.protocol && o.nodePort === p.nodePort));
    if (same) for (const p of spec.ports ?? []) delete p.nodePort;
  }
  if (!externallyAccessible(copy as Service) && spec.externalTrafficPolicy === ospec.externalTrafficPolicy) delete spec.externalTrafficPolicy;
  if (spec.type !== 'LoadBalancer') {
    if (spec.allocateLoadBalancerNodePorts === ospec.allocateLoadBalancerNodePorts) delete spec.allocateLoadBalancerNodePorts;
    if (spec.healthCheckNodePort === ospec.healthCheckNodePort) delete spec.healthCheckNodePort;
    if (spec.loadBalancerClass === ospec.loadBalancerClass) delete spec.loadBalancerClass;
  }
  return copy;
}
