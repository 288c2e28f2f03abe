// Field-number tables for the Kubernetes messages podnet decodes, transcribed from k8s.io/api and
// k8s.io/apimachinery generated.proto. One line per message: "<number> <jsonName> [type]" entries
// separated by ";". Types: s (default), i32, i64, bool, bytes; map (string→string), map<bytes>,
// map<Quantity>; a message name; Time, IntOrString, Quantity, FieldsV1 are special-cased.
// Prefixes: [] repeated; * pointer in Go (zero values are kept, since sending them was
// deliberate); ^ embedded struct whose fields appear inline in JSON.

const CONTAINER =
  '1 name; 2 image; 3 command []s; 4 args []s; 5 workingDir; 6 ports []ContainerPort; 7 env []EnvVar; ' +
  '8 resources ResourceRequirements; 9 volumeMounts []VolumeMount; 10 livenessProbe *Probe; 11 readinessProbe *Probe; ' +
  '12 lifecycle *Lifecycle; 13 terminationMessagePath; 14 imagePullPolicy; 15 securityContext *SecurityContext; ' +
  '16 stdin bool; 17 stdinOnce bool; 18 tty bool; 19 envFrom []EnvFromSource; 20 terminationMessagePolicy; ' +
  '21 volumeDevices []VolumeDevice; 22 startupProbe *Probe; 23 resizePolicy []ContainerResizePolicy; 24 restartPolicy *s';

const HANDLER = '1 exec *ExecAction; 2 httpGet *HTTPGetAction; 3 tcpSocket *TCPSocketAction';

export const MESSAGES: Record<string, string> = {
  // k8s.io/apimachinery/pkg/runtime
  Unknown: '1 typeMeta TypeMeta; 2 raw bytes; 3 contentEncoding; 4 contentType',
  TypeMeta: '1 apiVersion; 2 kind',

  // k8s.io/apimachinery/pkg/apis/meta/v1
  ObjectMeta:
    '1 name; 2 generateName; 3 namespace; 4 selfLink; 5 uid; 6 resourceVersion; 7 generation i64; ' +
    '8 creationTimestamp Time; 9 deletionTimestamp *Time; 10 deletionGracePeriodSeconds *i64; 11 labels map; ' +
    '12 annotations map; 13 ownerReferences []OwnerReference; 14 finalizers []s; 17 managedFields []ManagedFieldsEntry',
  OwnerReference: '1 kind; 3 name; 4 uid; 5 apiVersion; 6 controller *bool; 7 blockOwnerDeletion *bool',
  ManagedFieldsEntry: '1 manager; 2 operation; 3 apiVersion; 4 time *Time; 6 fieldsType; 7 fieldsV1 *FieldsV1; 8 subresource',
  LabelSelector: '1 matchLabels map; 2 matchExpressions []LabelSelectorRequirement',
  LabelSelectorRequirement: '1 key; 2 operator; 3 values []s',
  Condition: '1 type; 2 status; 3 observedGeneration i64; 4 lastTransitionTime Time; 5 reason; 6 message',

  // k8s.io/api/core/v1
  Namespace: '1 metadata ObjectMeta; 2 spec NamespaceSpec; 3 status NamespaceStatus',
  NamespaceSpec: '1 finalizers []s',
  NamespaceStatus: '1 phase; 2 conditions []NamespaceCondition',
  NamespaceCondition: '1 type; 2 status; 4 lastTransitionTime Time; 5 reason; 6 message',
  Service: '1 metadata ObjectMeta; 2 spec ServiceSpec; 3 status ServiceStatus',
  ServiceSpec:
    '1 ports []ServicePort; 2 selector map; 3 clusterIP; 4 type; 5 externalIPs []s; 7 sessionAffinity; 8 loadBalancerIP; ' +
    '9 loadBalancerSourceRanges []s; 10 externalName; 11 externalTrafficPolicy; 12 healthCheckNodePort i32; ' +
    '13 publishNotReadyAddresses bool; 14 sessionAffinityConfig *SessionAffinityConfig; 16 topologyKeys []s; ' +
    '17 ipFamilyPolicy *s; 18 clusterIPs []s; 19 ipFamilies []s; 20 allocateLoadBalancerNodePorts *bool; ' +
    '21 loadBalancerClass *s; 22 internalTrafficPolicy *s; 23 trafficDistribution *s',
  ServicePort: '1 name; 2 protocol; 3 port i32; 4 targetPort IntOrString; 5 nodePort i32; 6 appProtocol *s',
  SessionAffinityConfig: '1 clientIP *ClientIPConfig',
  ClientIPConfig: '1 timeoutSeconds *i32',
  ServiceStatus: '1 loadBalancer LoadBalancerStatus; 2 conditions []Condition',
  LoadBalancerStatus: '1 ingress []LoadBalancerIngress',
  LoadBalancerIngress: '1 ip; 2 hostname; 3 ipMode *s; 4 ports []PortStatus',
  PortStatus: '1 port i32; 2 protocol; 3 error *s',
  Secret: '1 metadata ObjectMeta; 2 data map<bytes>; 3 type; 4 stringData map; 5 immutable *bool',
  ConfigMap: '1 metadata ObjectMeta; 2 data map; 3 binaryData map<bytes>; 4 immutable *bool',
  ServiceAccount: '1 metadata ObjectMeta; 2 secrets []ObjectReference; 3 imagePullSecrets []LocalObjectReference; 4 automountServiceAccountToken *bool',
  ObjectReference: '1 kind; 2 namespace; 3 name; 4 uid; 5 apiVersion; 6 resourceVersion; 7 fieldPath',
  LocalObjectReference: '1 name',
  // kubectl sends a Pod's (empty) status on create, e.g. `kubectl debug node/…`.
  Pod: '1 metadata ObjectMeta; 2 spec PodSpec; 3 status PodStatus',
  PodStatus: '1 phase; 2 conditions []PodCondition; 3 message; 4 reason; 5 hostIP; 6 podIP; 7 startTime Time; 9 qosClass; 11 nominatedNodeName; 12 podIPs []PodIP; 14 resize; 16 hostIPs []PodIP; 17 observedGeneration i64',
  PodCondition: '1 type; 2 status; 3 lastProbeTime Time; 4 lastTransitionTime Time; 5 reason; 6 message',
  PodIP: '1 ip',
  PodTemplateSpec: '1 metadata ObjectMeta; 2 spec PodSpec',
  PodSpec:
    '1 volumes []Volume; 2 containers []Container; 3 restartPolicy; 4 terminationGracePeriodSeconds *i64; ' +
    '5 activeDeadlineSeconds *i64; 6 dnsPolicy; 7 nodeSelector map; 8 serviceAccountName; 9 serviceAccount; 10 nodeName; ' +
    '11 hostNetwork bool; 12 hostPID bool; 13 hostIPC bool; 14 securityContext *PodSecurityContext; ' +
    '15 imagePullSecrets []LocalObjectReference; 16 hostname; 17 subdomain; 18 affinity *Affinity; 19 schedulerName; ' +
    '20 initContainers []Container; 21 automountServiceAccountToken *bool; 22 tolerations []Toleration; ' +
    '23 hostAliases []HostAlias; 24 priorityClassName; 25 priority *i32; 26 dnsConfig *PodDNSConfig; ' +
    '27 shareProcessNamespace *bool; 28 readinessGates []PodReadinessGate; 29 runtimeClassName *s; ' +
    '30 enableServiceLinks *bool; 31 preemptionPolicy *s; 32 overhead map<Quantity>; ' +
    '33 topologySpreadConstraints []TopologySpreadConstraint; 34 ephemeralContainers []EphemeralContainer; ' +
    '35 setHostnameAsFQDN *bool; 36 os *PodOS; 37 hostUsers *bool; 38 schedulingGates []PodSchedulingGate',
  Container: CONTAINER,
  EphemeralContainer: '1 ephemeralContainerCommon ^EphemeralContainerCommon; 2 targetContainerName',
  EphemeralContainerCommon: CONTAINER,
  ContainerPort: '1 name; 2 hostPort i32; 3 containerPort i32; 4 protocol; 5 hostIP',
  ContainerResizePolicy: '1 resourceName; 2 restartPolicy',
  EnvVar: '1 name; 2 value; 3 valueFrom *EnvVarSource',
  EnvVarSource:
    '1 fieldRef *ObjectFieldSelector; 2 resourceFieldRef *ResourceFieldSelector; 3 configMapKeyRef *ConfigMapKeySelector; ' +
    '4 secretKeyRef *SecretKeySelector',
  ObjectFieldSelector: '1 apiVersion; 2 fieldPath',
  ResourceFieldSelector: '1 containerName; 2 resource; 3 divisor Quantity',
  ConfigMapKeySelector: '1 localObjectReference ^LocalObjectReference; 2 key; 3 optional *bool',
  SecretKeySelector: '1 localObjectReference ^LocalObjectReference; 2 key; 3 optional *bool',
  EnvFromSource: '1 prefix; 2 configMapRef *ConfigMapEnvSource; 3 secretRef *SecretEnvSource',
  ConfigMapEnvSource: '1 localObjectReference ^LocalObjectReference; 2 optional *bool',
  SecretEnvSource: '1 localObjectReference ^LocalObjectReference; 2 optional *bool',
  ResourceRequirements: '1 limits map<Quantity>; 2 requests map<Quantity>; 3 claims []ResourceClaim',
  ResourceClaim: '1 name; 2 request',
  VolumeMount: '1 name; 2 readOnly bool; 3 mountPath; 4 subPath; 5 mountPropagation *s; 6 subPathExpr; 7 recursiveReadOnly *s',
  VolumeDevice: '1 name; 2 devicePath',
  Probe:
    '1 handler ^ProbeHandler; 2 initialDelaySeconds i32; 3 timeoutSeconds i32; 4 periodSeconds i32; ' +
    '5 successThreshold i32; 6 failureThreshold i32; 7 terminationGracePeriodSeconds *i64',
  ProbeHandler: `${HANDLER}; 4 grpc *GRPCAction`,
  LifecycleHandler: `${HANDLER}; 4 sleep *SleepAction`,
  Lifecycle: '1 postStart *LifecycleHandler; 2 preStop *LifecycleHandler; 3 stopSignal *s',
  ExecAction: '1 command []s',
  HTTPGetAction: '1 path; 2 port IntOrString; 3 host; 4 scheme; 5 httpHeaders []HTTPHeader',
  HTTPHeader: '1 name; 2 value',
  TCPSocketAction: '1 port IntOrString; 2 host',
  GRPCAction: '1 port i32; 2 service *s',
  SleepAction: '1 seconds i64',
  SecurityContext:
    '1 capabilities *Capabilities; 2 privileged *bool; 3 seLinuxOptions *SELinuxOptions; 4 runAsUser *i64; ' +
    '5 runAsNonRoot *bool; 6 readOnlyRootFilesystem *bool; 7 allowPrivilegeEscalation *bool; 8 runAsGroup *i64; ' +
    '9 procMount *s; 11 seccompProfile *SeccompProfile',
  PodSecurityContext:
    '1 seLinuxOptions *SELinuxOptions; 2 runAsUser *i64; 3 runAsNonRoot *bool; 4 supplementalGroups []i64; 5 fsGroup *i64; ' +
    '6 runAsGroup *i64; 7 sysctls []Sysctl; 9 fsGroupChangePolicy *s; 10 seccompProfile *SeccompProfile',
  Capabilities: '1 add []s; 2 drop []s',
  SELinuxOptions: '1 user; 2 role; 3 type; 4 level',
  SeccompProfile: '1 type; 2 localhostProfile *s',
  Sysctl: '1 name; 2 value',
  Volume: '1 name; 2 volumeSource ^VolumeSource',
  VolumeSource:
    '1 hostPath *HostPathVolumeSource; 2 emptyDir *EmptyDirVolumeSource; 6 secret *SecretVolumeSource; ' +
    '10 persistentVolumeClaim *PersistentVolumeClaimVolumeSource; 16 downwardAPI *DownwardAPIVolumeSource; ' +
    '19 configMap *ConfigMapVolumeSource; 26 projected *ProjectedVolumeSource',
  HostPathVolumeSource: '1 path; 2 type *s',
  EmptyDirVolumeSource: '1 medium; 2 sizeLimit *Quantity',
  SecretVolumeSource: '1 secretName; 2 items []KeyToPath; 3 defaultMode *i32; 4 optional *bool',
  ConfigMapVolumeSource: '1 localObjectReference ^LocalObjectReference; 2 items []KeyToPath; 3 defaultMode *i32; 4 optional *bool',
  PersistentVolumeClaimVolumeSource: '1 claimName; 2 readOnly bool',
  DownwardAPIVolumeSource: '1 items []DownwardAPIVolumeFile; 2 defaultMode *i32',
  DownwardAPIVolumeFile: '1 path; 2 fieldRef *ObjectFieldSelector; 3 resourceFieldRef *ResourceFieldSelector; 4 mode *i32',
  KeyToPath: '1 key; 2 path; 3 mode *i32',
  ProjectedVolumeSource: '1 sources []VolumeProjection; 2 defaultMode *i32',
  VolumeProjection:
    '1 secret *SecretProjection; 2 downwardAPI *DownwardAPIProjection; 3 configMap *ConfigMapProjection; ' +
    '4 serviceAccountToken *ServiceAccountTokenProjection',
  SecretProjection: '1 localObjectReference ^LocalObjectReference; 2 items []KeyToPath; 4 optional *bool',
  ConfigMapProjection: '1 localObjectReference ^LocalObjectReference; 2 items []KeyToPath; 4 optional *bool',
  DownwardAPIProjection: '1 items []DownwardAPIVolumeFile',
  ServiceAccountTokenProjection: '1 audience; 2 expirationSeconds *i64; 3 path',
  Toleration: '1 key; 2 operator; 3 value; 4 effect; 5 tolerationSeconds *i64',
  HostAlias: '1 ip; 2 hostnames []s',
  PodDNSConfig: '1 nameservers []s; 2 searches []s; 3 options []PodDNSConfigOption',
  PodDNSConfigOption: '1 name; 2 value *s',
  PodReadinessGate: '1 conditionType',
  PodOS: '1 name',
  PodSchedulingGate: '1 name',
  TopologySpreadConstraint:
    '1 maxSkew i32; 2 topologyKey; 3 whenUnsatisfiable; 4 labelSelector *LabelSelector; 5 minDomains *i32; ' +
    '6 nodeAffinityPolicy *s; 7 nodeTaintsPolicy *s; 8 matchLabelKeys []s',
  Affinity: '1 nodeAffinity *NodeAffinity; 2 podAffinity *PodAffinity; 3 podAntiAffinity *PodAffinity',
  NodeAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution *NodeSelector; 2 preferredDuringSchedulingIgnoredDuringExecution []PreferredSchedulingTerm',
  NodeSelector: '1 nodeSelectorTerms []NodeSelectorTerm',
  NodeSelectorTerm: '1 matchExpressions []NodeSelectorRequirement; 2 matchFields []NodeSelectorRequirement',
  NodeSelectorRequirement: '1 key; 2 operator; 3 values []s',
  PreferredSchedulingTerm: '1 weight i32; 2 preference NodeSelectorTerm',
  PodAffinity: '1 requiredDuringSchedulingIgnoredDuringExecution []PodAffinityTerm; 2 preferredDuringSchedulingIgnoredDuringExecution []WeightedPodAffinityTerm',
  PodAffinityTerm: '1 labelSelector *LabelSelector; 2 namespaces []s; 3 topologyKey; 4 namespaceSelector *LabelSelector; 5 matchLabelKeys []s; 6 mismatchLabelKeys []s',
  WeightedPodAffinityTerm: '1 weight i32; 2 podAffinityTerm PodAffinityTerm',

  // k8s.io/api/networking/v1
  Ingress: '1 metadata ObjectMeta; 2 spec IngressSpec; 3 status IngressStatus',
  IngressSpec: '1 defaultBackend *IngressBackend; 2 tls []IngressTLS; 3 rules []IngressRule; 4 ingressClassName *s',
  IngressBackend: '3 resource *TypedLocalObjectReference; 4 service *IngressServiceBackend',
  IngressServiceBackend: '1 name; 2 port ServiceBackendPort',
  ServiceBackendPort: '1 name; 2 number i32',
  TypedLocalObjectReference: '1 apiGroup *s; 2 kind; 3 name',
  IngressTLS: '1 hosts []s; 2 secretName',
  IngressRule: '1 host; 2 ingressRuleValue ^IngressRuleValue',
  IngressRuleValue: '1 http *HTTPIngressRuleValue',
  HTTPIngressRuleValue: '1 paths []HTTPIngressPath',
  HTTPIngressPath: '1 path; 2 backend IngressBackend; 3 pathType *s',
  IngressStatus: '1 loadBalancer IngressLoadBalancerStatus',
  IngressLoadBalancerStatus: '1 ingress []IngressLoadBalancerIngress',
  IngressLoadBalancerIngress: '1 ip; 2 hostname; 4 ports []PortStatus',

  // k8s.io/api/apps/v1
  Deployment: '1 metadata ObjectMeta; 2 spec DeploymentSpec; 3 status DeploymentStatus',
  DeploymentSpec:
    '1 replicas *i32; 2 selector *LabelSelector; 3 template PodTemplateSpec; 4 strategy DeploymentStrategy; ' +
    '5 minReadySeconds i32; 6 revisionHistoryLimit *i32; 7 paused bool; 9 progressDeadlineSeconds *i32',
  DeploymentStrategy: '1 type; 2 rollingUpdate *RollingUpdateDeployment',
  RollingUpdateDeployment: '1 maxUnavailable *IntOrString; 2 maxSurge *IntOrString',
  DeploymentStatus:
    '1 observedGeneration i64; 2 replicas i32; 3 updatedReplicas i32; 4 availableReplicas i32; 5 unavailableReplicas i32; ' +
    '6 conditions []DeploymentCondition; 7 readyReplicas i32; 8 collisionCount *i32; 9 terminatingReplicas *i32',
  DeploymentCondition: '1 type; 2 status; 4 reason; 5 message; 6 lastUpdateTime Time; 7 lastTransitionTime Time',
};

/** Top-level kinds by apiVersion, as named in the runtime.Unknown envelope. */
export const KINDS: Record<string, readonly string[]> = {
  v1: ['Namespace', 'Service', 'Secret', 'ConfigMap', 'ServiceAccount', 'Pod'],
  'apps/v1': ['Deployment'],
  'networking.k8s.io/v1': ['Ingress'],
};

export type Scalar = 's' | 'i32' | 'i64' | 'bool' | 'bytes';
export type Special = 'Time' | 'IntOrString' | 'Quantity' | 'FieldsV1';

export interface FieldDef {
  readonly name: string;
  /** Scalar, special, message name, or `map`, `map<bytes>`, `map<Quantity>`. */
  readonly type: string;
  readonly repeated: boolean;
  readonly pointer: boolean;
  readonly inline: boolean;
}

const parsed = new Map<string, ReadonlyMap<number, FieldDef>>();

export function messageFields(message: string): ReadonlyMap<number, FieldDef> {
  let fields = parsed.get(message);
  if (fields) return fields;
  const src = MESSAGES[message];
  if (src === undefined) throw new Error(`protobuf: no schema for message ${message}`);
  const map = new Map<number, FieldDef>();
  for (const entry of src.split(';')) {
    const [num, name, rawType = 's'] = entry.trim().split(/\s+/);
    let type = rawType;
    const repeated = type.startsWith('[]');
    if (repeated) type = type.slice(2);
    const pointer = type.startsWith('*');
    if (pointer) type = type.slice(1);
    const inline = type.startsWith('^');
    if (inline) type = type.slice(1);
    map.set(Number(num), { name: name!, type, repeated, pointer, inline });
  }
  fields = map;
  parsed.set(message, fields);
  return fields;
}
