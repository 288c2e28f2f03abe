// The other core/v1 kinds the server serves: Namespace, Node, ConfigMap, Secret, Event,
// ServiceAccount and Endpoints, with ObjectReference, which several groups refer to.
import { bool, int, kind, list, PKG, ref, refMap, str, strList, strMap, time, type } from './dsl.js';

const C = PKG.core;
const M = PKG.meta;
const Q = `${PKG.resource}.Quantity`;
const V1 = (k: string) => ({ group: '', version: 'v1', kind: k });

// ---------------------------------------------------------------------------------------------
// Namespace

kind(`${C}.Namespace`, V1('Namespace'), 'A scope for names: namespaced objects are unique by name within their namespace, and policies, quotas and access rules are set per namespace.', {
  spec: ref(`${C}.NamespaceSpec`, 'The desired state of the namespace.'),
  status: ref(`${C}.NamespaceStatus`, 'The observed state of the namespace. Written by the system.'),
});

type(`${C}.NamespaceSpec`, 'The desired state of a namespace.', {
  finalizers: strList('Names of components that must clean up before a deleted namespace is removed from storage (kubernetes, for the namespace controller that deletes the contents).', {
    listType: 'atomic',
  }),
});

type(`${C}.NamespaceStatus`, 'The observed state of a namespace.', {
  conditions: list(`${C}.NamespaceCondition`, 'The current conditions of the namespace, mostly about the progress of its deletion.', {
    listType: 'map',
    mapKeys: ['type'],
  }),
  phase: str('Active while the namespace is in use; Terminating once it is being deleted, when no new objects may be created in it.', {
    enum: ['Active', 'Terminating'],
  }),
});

type(
  `${C}.NamespaceCondition`,
  'One aspect of the state of a namespace.',
  {
    lastTransitionTime: time('When the status last changed from one value to another.'),
    message: str('A human-readable explanation of the last transition.'),
    reason: str('A short CamelCase reason for the last transition.'),
    status: str('True, False or Unknown.'),
    type: str('The condition type, such as NamespaceDeletionContentFailure or NamespaceContentRemaining.'),
  },
  { required: ['type', 'status'] },
);

// ---------------------------------------------------------------------------------------------
// Node

kind(`${C}.Node`, V1('Node'), 'A worker machine that runs pods; in podnet each node is a network namespace on the host. Each node is registered and kept up to date by its kubelet.', {
  spec: ref(`${C}.NodeSpec`, 'How the node is configured: its pod address range, taints and whether new pods may be scheduled onto it.'),
  status: ref(`${C}.NodeStatus`, 'The observed state of the node: addresses, conditions, capacity and system information. Written by the kubelet.'),
});

type(`${C}.NodeSpec`, 'The configuration of a node.', {
  configSource: ref(`${C}.NodeConfigSource`, 'Deprecated: the source of a dynamic kubelet configuration, a feature that has been removed.'),
  externalID: str('Deprecated and no longer set.'),
  podCIDR: str('The IP range the node allocates pod addresses from. Equal to podCIDRs[0].'),
  podCIDRs: strList('The IP ranges assigned to the node for its pods, at most one per IP family. The first must equal podCIDR.', { listType: 'set' }),
  providerID: str('The ID of the node at its cloud provider, as <provider>://<id>.'),
  taints: list(`${C}.Taint`, 'Taints on the node: pods that do not tolerate them are not scheduled here (or, for NoExecute, are evicted).', { listType: 'atomic' }),
  unschedulable: bool('Marks the node as unschedulable: no new pods are placed on it, while running ones stay (kubectl cordon sets it). Defaults to false.'),
});

type(`${C}.NodeConfigSource`, 'Deprecated: where a dynamic kubelet configuration came from.', {
  configMap: ref(`${C}.ConfigMapNodeConfigSource`, 'A ConfigMap holding the configuration.'),
});

type(
  `${C}.ConfigMapNodeConfigSource`,
  'Deprecated: a ConfigMap holding a kubelet configuration.',
  {
    kubeletConfigKey: str('The key of the ConfigMap that holds the configuration.'),
    name: str('The name of the ConfigMap.'),
    namespace: str('The namespace of the ConfigMap.'),
    resourceVersion: str('The resourceVersion of the ConfigMap. Not allowed in the spec; reported in the status.'),
    uid: str('The uid of the ConfigMap. Not allowed in the spec; reported in the status.'),
  },
  { required: ['namespace', 'name', 'kubeletConfigKey'] },
);

type(
  `${C}.Taint`,
  'A mark on a node that repels pods that do not tolerate it.',
  {
    effect: str(
      'What happens to pods that do not tolerate the taint: NoSchedule keeps new ones off, PreferNoSchedule tries to, NoExecute also evicts the ones already running.',
      { enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'] },
    ),
    key: str('The taint key.'),
    timeAdded: time('When the taint was added. Only set for NoExecute taints.'),
    value: str('The taint value.'),
  },
  { required: ['key', 'effect'] },
);

type(`${C}.NodeStatus`, 'The observed state of a node.', {
  addresses: list(
    `${C}.NodeAddress`,
    'The addresses of the node, by type. The merge key (type) is not unique, so update this list as a whole rather than by merging.',
    { listType: 'map', mapKeys: ['type'] },
  ),
  allocatable: refMap(Q, 'The part of the capacity that pods may be scheduled against, after system reservations. Defaults to the capacity.'),
  capacity: refMap(Q, 'The total resources of the node: cpu, memory, pods, ephemeral-storage and so on.'),
  conditions: list(`${C}.NodeCondition`, 'The current conditions of the node, such as Ready, MemoryPressure, DiskPressure, PIDPressure and NetworkUnavailable.', {
    listType: 'map',
    mapKeys: ['type'],
  }),
  config: ref(`${C}.NodeConfigStatus`, 'Deprecated: the state of the dynamic kubelet configuration.'),
  daemonEndpoints: ref(`${C}.NodeDaemonEndpoints`, 'The ports of the daemons running on the node, such as the kubelet.'),
  features: ref(`${C}.NodeFeatures`, 'Which optional features the node supports.'),
  images: list(`${C}.ContainerImage`, 'The container images present on the node.', { listType: 'atomic' }),
  nodeInfo: ref(`${C}.NodeSystemInfo`, 'Identifiers and versions reported by the node.'),
  phase: str('Deprecated and never set: the lifecycle phase of the node.', { enum: ['Pending', 'Running', 'Terminated'] }),
  runtimeHandlers: list(`${C}.NodeRuntimeHandler`, 'The runtime handlers (RuntimeClass handlers) available on the node, with their features.', { listType: 'atomic' }),
  volumesAttached: list(`${C}.AttachedVolume`, 'The volumes attached to the node.', { listType: 'atomic' }),
  volumesInUse: strList('The attachable volumes currently mounted on the node.', { listType: 'atomic' }),
});

type(
  `${C}.NodeAddress`,
  'One address of a node.',
  {
    address: str('The address.'),
    type: str('The kind of address: Hostname, InternalIP, ExternalIP, InternalDNS or ExternalDNS.'),
  },
  { required: ['type', 'address'] },
);

type(
  `${C}.NodeCondition`,
  'One aspect of the state of a node.',
  {
    lastHeartbeatTime: time('When the condition was last reported.'),
    lastTransitionTime: time('When the status last changed from one value to another.'),
    message: str('A human-readable explanation of the last transition.'),
    reason: str('A short CamelCase reason for the last transition.'),
    status: str('True, False or Unknown. Ready is Unknown when the node has stopped reporting.'),
    type: str('The condition type, such as Ready or MemoryPressure.'),
  },
  { required: ['type', 'status'] },
);

type(`${C}.NodeConfigStatus`, 'Deprecated: the state of a dynamic kubelet configuration.', {
  active: ref(`${C}.NodeConfigSource`, 'The configuration the kubelet runs with.'),
  assigned: ref(`${C}.NodeConfigSource`, 'The configuration the kubelet was asked to use.'),
  error: str('Why the assigned configuration could not be used, if it could not.'),
  lastKnownGood: ref(`${C}.NodeConfigSource`, 'The configuration the kubelet falls back to when the assigned one fails.'),
});

type(`${C}.NodeDaemonEndpoints`, 'The ports of the daemons running on a node.', {
  kubeletEndpoint: ref(`${C}.DaemonEndpoint`, 'The port the kubelet listens on.'),
});

type(
  `${C}.DaemonEndpoint`,
  'The port a daemon listens on.',
  {
    Port: int('The port number.'),
  },
  { required: ['Port'] },
);

type(
  `${C}.NodeSystemInfo`,
  'Identifiers and versions reported by a node.',
  {
    architecture: str('The CPU architecture, such as amd64.'),
    bootID: str('An ID that changes every time the node boots.'),
    containerRuntimeVersion: str('The container runtime and its version, as <runtime>://<version>.'),
    kernelVersion: str('The kernel version (uname -r).'),
    kubeProxyVersion: str('Deprecated: the kube-proxy version, which is not reliably reported.'),
    kubeletVersion: str('The kubelet version.'),
    machineID: str('The machine ID (see machine-id(5)); the preferred way to tell machines apart.'),
    operatingSystem: str('The operating system, such as linux.'),
    osImage: str('The OS distribution, from /etc/os-release.'),
    swap: ref(`${C}.NodeSwapStatus`, 'The swap memory of the node.'),
    systemUUID: str('The system UUID reported by the hardware.'),
  },
  {
    required: ['machineID', 'systemUUID', 'bootID', 'kernelVersion', 'osImage', 'containerRuntimeVersion', 'kubeletVersion', 'kubeProxyVersion', 'operatingSystem', 'architecture'],
  },
);

type(`${C}.NodeSwapStatus`, 'The swap memory of a node.', {
  capacity: int('The total swap space, in bytes.', { format: 'int64' }),
});

type(`${C}.ContainerImage`, 'A container image present on a node.', {
  names: strList('The names the image is known by, such as "registry/app:v1" or a digest reference.', { listType: 'atomic' }),
  sizeBytes: int('The size of the image, in bytes.', { format: 'int64' }),
});

type(
  `${C}.AttachedVolume`,
  'A volume attached to a node.',
  {
    devicePath: str('The device path where the volume is available.'),
    name: str('The name of the volume.'),
  },
  { required: ['name', 'devicePath'] },
);

type(`${C}.NodeRuntimeHandler`, 'A runtime handler available on a node.', {
  features: ref(`${C}.NodeRuntimeHandlerFeatures`, 'The features the handler supports.'),
  name: str('The handler name; empty for the default handler.'),
});

type(`${C}.NodeRuntimeHandlerFeatures`, 'Features a runtime handler supports.', {
  recursiveReadOnlyMounts: bool('Whether the handler can make read-only mounts recursively read-only.'),
  userNamespaces: bool('Whether the handler can run pods in their own user namespace.'),
});

type(`${C}.NodeFeatures`, 'Optional features a node supports.', {
  supplementalGroupsPolicy: bool("Whether the node honours a pod's supplementalGroupsPolicy."),
});

// ---------------------------------------------------------------------------------------------
// ConfigMap and Secret

kind(`${C}.ConfigMap`, V1('ConfigMap'), 'Non-secret configuration data as key/value pairs, which pods consume as environment variables, command arguments or files in a volume.', {
  binaryData: strMap(
    'Binary values, base64-encoded in the API. Keys must consist of letters, digits, "-", "_" or "." and may not also appear in data.',
  ),
  data: strMap('UTF-8 text values. Keys must consist of letters, digits, "-", "_" or "." and may not also appear in binaryData.'),
  immutable: bool('If true, data and binaryData can no longer be changed (only the object\'s metadata can); the object must be deleted and recreated instead. Defaults to false.'),
});

kind(`${C}.Secret`, V1('Secret'), 'A small amount of sensitive data, such as a password, token or key, which pods consume as environment variables or files in a volume.', {
  data: strMap('The secret values, base64-encoded in the API. Keys must consist of letters, digits, "-", "_" or ".".'),
  immutable: bool('If true, data can no longer be changed (only the object\'s metadata can); the object must be deleted and recreated instead. Defaults to false.'),
  stringData: strMap(
    'Write-only convenience: plain-text values that the server merges into data (encoding them) on write, overriding keys of data. Never returned on read.',
  ),
  type: str(
    'What the Secret holds, which decides the keys it must have: Opaque (default) for arbitrary data, or a built-in type such as kubernetes.io/tls, kubernetes.io/dockerconfigjson or kubernetes.io/service-account-token.',
  ),
});

// ---------------------------------------------------------------------------------------------
// Event

kind(
  `${C}.Event`,
  V1('Event'),
  'A report of something that happened to an object, such as a pod being scheduled or a container failing. Events are kept for a limited time only.',
  {
    action: str('What was done, or what failed, to the involved object, such as Scheduling or Binding.'),
    count: int('How many times this event has occurred (events that repeat are merged into one).'),
    eventTime: ref(`${M}.MicroTime`, 'When the event was first observed, with microsecond precision. Set by newer clients instead of firstTimestamp.'),
    firstTimestamp: time('When the event was first recorded.'),
    involvedObject: ref(`${C}.ObjectReference`, 'The object the event is about.'),
    lastTimestamp: time('When the most recent occurrence was recorded.'),
    message: str('A human-readable description of what happened.'),
    reason: str('A short CamelCase reason for the event, such as Scheduled, Pulled or BackOff; what is shown in the REASON column.'),
    related: ref(`${C}.ObjectReference`, 'A second object involved, if any; for example the node a pod was scheduled onto.'),
    reportingComponent: str('The controller that emitted the event, such as kubernetes.io/kubelet.'),
    reportingInstance: str('The instance of that controller, such as the kubelet\'s node name.'),
    series: ref(`${C}.EventSeries`, 'For an event that keeps recurring: how often and when last. Unset for an isolated event.'),
    source: ref(`${C}.EventSource`, 'The component (and host) that reported the event.'),
    type: str('Normal or Warning; new types may be added later.'),
  },
  { required: ['metadata', 'involvedObject'], metadata: 'Standard object metadata. An event\'s name is usually the involved object\'s name followed by a unique suffix.' },
);

type(`${C}.EventSource`, 'The component that reported an event.', {
  component: str('The component, such as kubelet or default-scheduler.'),
  host: str('The node the event was reported from.'),
});

type(`${C}.EventSeries`, 'A summary of an event that keeps recurring.', {
  count: int('How many times the event has occurred so far in the series.'),
  lastObservedTime: ref(`${M}.MicroTime`, 'When the most recent occurrence was observed.'),
});

type(`${C}.ObjectReference`, 'A reference to another object, with enough detail to look it up; optionally to a part of it.', {
  apiVersion: str('The API version of the object.'),
  fieldPath: str(
    'A part of the object rather than the whole, such as spec.containers{web} for one container of a pod (by name) or spec.containers[2] (by index).',
  ),
  kind: str('The kind of the object.'),
  name: str('The name of the object.'),
  namespace: str('The namespace of the object.'),
  resourceVersion: str('The resourceVersion of the object the reference was made from, if it matters.'),
  uid: str('The uid of the object.'),
});

// ---------------------------------------------------------------------------------------------
// ServiceAccount

kind(`${C}.ServiceAccount`, V1('ServiceAccount'), 'An identity for processes running in pods: pods run as a service account and can authenticate to the API server with its tokens.', {
  automountServiceAccountToken: bool("Whether pods using this service account get an API token mounted by default. A pod's own setting overrides it."),
  imagePullSecrets: list(
    `${C}.LocalObjectReference`,
    "Secrets with registry credentials that are added to the imagePullSecrets of pods using this service account. Unlike secrets, they are only used by the kubelet for pulling images.",
    { listType: 'atomic' },
  ),
  secrets: list(
    `${C}.ObjectReference`,
    'Secrets in the same namespace that pods using this service account may use. Only enforced when the kubernetes.io/enforce-mountable-secrets annotation is "true". Not the way to get tokens: request them through the TokenRequest API.',
    { listType: 'map', mapKeys: ['name'] },
  ),
});

// ---------------------------------------------------------------------------------------------
// Endpoints

kind(
  `${C}.Endpoints`,
  V1('Endpoints'),
  'The addresses and ports behind a Service, named like the Service. Maintained by the endpoints controller for Services with a selector. Deprecated in favour of discovery.k8s.io/v1 EndpointSlice.',
  {
    subsets: list(
      `${C}.EndpointSubset`,
      'Groups of addresses that share the same ports. The full set of endpoints is the union of all subsets, each address combined with each port of its subset.',
      { listType: 'atomic' },
    ),
  },
);

type(`${C}.EndpointSubset`, 'A set of addresses that all expose the same ports.', {
  addresses: list(`${C}.EndpointAddress`, 'Addresses that are ready to receive traffic.', { listType: 'atomic' }),
  notReadyAddresses: list(`${C}.EndpointAddress`, 'Addresses that are not ready yet (or have failed readiness) and should not receive traffic.', {
    listType: 'atomic',
  }),
  ports: list(`${C}.EndpointPort`, 'The ports all addresses of the subset expose.', { listType: 'atomic' }),
});

type(
  `${C}.EndpointAddress`,
  'One address behind a Service.',
  {
    hostname: str('The hostname of the endpoint, used for the DNS records of headless Services.'),
    ip: str('The IP address. Loopback and link-local addresses are not allowed.'),
    nodeName: str('The node the endpoint runs on, which helps traffic stay local.'),
    targetRef: ref(`${C}.ObjectReference`, 'The object behind the address, usually a pod.'),
  },
  { required: ['ip'] },
);

type(
  `${C}.EndpointPort`,
  'One port of an endpoint subset.',
  {
    appProtocol: str('The application protocol of the port, a hint for implementations (for example http, h2c or kubernetes.io/ws).'),
    name: str('The name of the port, matching the name of a Service port. Optional when there is only one port.'),
    port: int('The port number.'),
    protocol: str('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
  },
  { required: ['port'] },
);
