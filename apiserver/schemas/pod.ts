// core/v1 Pod and the types it is built from: containers, probes, volumes, scheduling constraints,
// security settings and the status the kubelet reports. PodTemplateSpec (used by the workload kinds)
// lives here too.
import { bool, int, intOrString, kind, list, PKG, type Prop, quantity, ref, refMap, str, strList, strMap, time, type } from './dsl.js';

const C = PKG.core;
const M = PKG.meta;
const Q = `${PKG.resource}.Quantity`;

/** The signal names a container may be stopped with (Lifecycle.stopSignal, ContainerStatus.stopSignal). */
const SIGNALS = [
  'SIGABRT', 'SIGALRM', 'SIGBUS', 'SIGCHLD', 'SIGCLD', 'SIGCONT', 'SIGFPE', 'SIGHUP', 'SIGILL', 'SIGINT', 'SIGIO', 'SIGIOT', 'SIGKILL', 'SIGPIPE', 'SIGPOLL',
  'SIGPROF', 'SIGPWR', 'SIGQUIT', 'SIGRTMAX', 'SIGRTMAX-1', 'SIGRTMAX-10', 'SIGRTMAX-11', 'SIGRTMAX-12', 'SIGRTMAX-13', 'SIGRTMAX-14', 'SIGRTMAX-2',
  'SIGRTMAX-3', 'SIGRTMAX-4', 'SIGRTMAX-5', 'SIGRTMAX-6', 'SIGRTMAX-7', 'SIGRTMAX-8', 'SIGRTMAX-9', 'SIGRTMIN', 'SIGRTMIN+1', 'SIGRTMIN+10', 'SIGRTMIN+11',
  'SIGRTMIN+12', 'SIGRTMIN+13', 'SIGRTMIN+14', 'SIGRTMIN+15', 'SIGRTMIN+2', 'SIGRTMIN+3', 'SIGRTMIN+4', 'SIGRTMIN+5', 'SIGRTMIN+6', 'SIGRTMIN+7', 'SIGRTMIN+8',
  'SIGRTMIN+9', 'SIGSEGV', 'SIGSTKFLT', 'SIGSTOP', 'SIGSYS', 'SIGTERM', 'SIGTRAP', 'SIGTSTP', 'SIGTTIN', 'SIGTTOU', 'SIGURG', 'SIGUSR1', 'SIGUSR2', 'SIGVTALRM',
  'SIGWINCH', 'SIGXCPU', 'SIGXFSZ',
] as const;

const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'] as const;

const MODE_TEXT = 'Give it as an octal number from 0000 to 0777 in YAML or as a decimal from 0 to 511 in JSON.';

// ---------------------------------------------------------------------------------------------
// Pod, its spec and template

kind(`${C}.Pod`, { group: '', version: 'v1', kind: 'Pod' }, 'A group of containers that are scheduled together onto one node, share a network namespace (one pod IP) and may share volumes.', {
  spec: ref(`${C}.PodSpec`, 'The desired state of the pod: its containers, volumes, scheduling constraints and restart behaviour.'),
  status: ref(`${C}.PodStatus`, 'The most recently observed state of the pod, reported by the kubelet of its node. Read-only, and possibly somewhat stale.'),
});

type(`${C}.PodTemplateSpec`, 'The pod that a workload controller creates copies of: metadata for the new pods and their spec.', {
  metadata: ref(`${M}.ObjectMeta`, 'Labels, annotations and other metadata given to every pod made from this template. Its labels are what the owning controller selects by.'),
  spec: ref(`${C}.PodSpec`, 'The spec given to every pod made from this template.'),
});

type(
  `${C}.PodSpec`,
  'The desired state of a pod.',
  {
    activeDeadlineSeconds: int(
      'How many seconds the pod may run, counted from its start time, before the system marks it Failed and kills its containers. Must be a positive number.',
      { format: 'int64' },
    ),
    affinity: ref(`${C}.Affinity`, 'Node affinity and pod (anti-)affinity rules the scheduler applies when it places the pod.'),
    automountServiceAccountToken: bool("Whether a token for the pod's service account is mounted into its containers. Overrides the ServiceAccount's own setting."),
    containers: list(`${C}.Container`, 'The containers that make up the pod. At least one is required; containers cannot be added or removed once the pod exists.', {
      listType: 'map',
      mapKeys: ['name'],
    }),
    dnsConfig: ref(`${C}.PodDNSConfig`, "Extra resolver settings (nameservers, search domains, options) merged into the pod's resolv.conf on top of what dnsPolicy produces."),
    dnsPolicy: str(
      "How the pod's resolv.conf is built. ClusterFirst (default) uses the cluster DNS service; ClusterFirstWithHostNet does so even for hostNetwork pods; Default copies the node's resolver settings; None uses only dnsConfig.",
      { enum: ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'] },
    ),
    enableServiceLinks: bool('Whether the containers get environment variables for the Services in the namespace, in the style of Docker links (FOO_SERVICE_HOST and so on). Defaults to true.'),
    ephemeralContainers: list(
      `${C}.EphemeralContainer`,
      'Temporary containers added to a running pod, typically for debugging. They cannot be set at creation or changed through an update of the pod; they are added through the ephemeralcontainers subresource.',
      { listType: 'map', mapKeys: ['name'] },
    ),
    hostAliases: list(`${C}.HostAlias`, "Extra IP-to-hostname entries written into the pod's hosts file. Not used for hostNetwork pods.", {
      listType: 'map',
      mapKeys: ['ip'],
    }),
    hostIPC: bool("Run the pod in the host's IPC namespace. Defaults to false."),
    hostNetwork: bool("Run the pod in the node's network namespace, so it uses the node's IP addresses and ports instead of its own. Defaults to false."),
    hostPID: bool("Run the pod in the host's process ID namespace. Defaults to false."),
    hostUsers: bool("Whether the pod runs in the host's user namespace (true, the default) or gets a user namespace of its own (false), which maps its root user to an unprivileged one on the host."),
    hostname: str('The hostname the pod sees. Defaults to a value chosen by the system (the pod name).'),
    imagePullSecrets: list(`${C}.LocalObjectReference`, "Secrets in the pod's namespace holding registry credentials used to pull the containers' images.", {
      listType: 'map',
      mapKeys: ['name'],
    }),
    initContainers: list(
      `${C}.Container`,
      'Containers that run one after another, each to completion, before the regular containers start. If one fails, the pod is handled according to its restartPolicy. An init container with restartPolicy Always is a sidecar: it keeps running alongside the regular containers.',
      { listType: 'map', mapKeys: ['name'] },
    ),
    nodeName: str('The node the pod is bound to. The scheduler sets it; when it is set at creation, the scheduler is skipped and the pod goes straight to that node.'),
    nodeSelector: strMap("Labels a node must carry for the pod to be scheduled onto it; every pair has to match the node's labels."),
    os: ref(`${C}.PodOS`, 'The operating system the containers need. When set, fields that do not apply to that OS are rejected.'),
    overhead: refMap(Q, "Resources used by the pod's sandbox on top of its containers' requests, filled in from the RuntimeClass at admission."),
    preemptionPolicy: str('Whether this pod may evict lower-priority pods to make room for itself: PreemptLowerPriority (default) or Never.', {
      enum: ['Never', 'PreemptLowerPriority'],
    }),
    priority: int('The numeric priority of the pod, higher being more important. Filled in from priorityClassName at admission; clients should not set it themselves.'),
    priorityClassName: str(
      'The PriorityClass whose value becomes the pod\'s priority. "system-node-critical" and "system-cluster-critical" are the two highest built-in classes. Without it the default class applies, or zero.',
    ),
    readinessGates: list(`${C}.PodReadinessGate`, 'Extra pod conditions that must be True, besides all containers being ready, before the pod counts as ready.', {
      listType: 'atomic',
    }),
    resourceClaims: list(`${C}.PodResourceClaim`, 'The dynamically allocated resources (ResourceClaims) the pod needs, each under a name that containers refer to. Cannot be changed.', {
      listType: 'map',
      mapKeys: ['name'],
    }),
    resources: ref(`${C}.ResourceRequirements`, 'Resource requests and limits for the pod as a whole, shared by all its containers. Only cpu and memory may be given here.'),
    restartPolicy: str('What happens to containers that exit: Always (default) restarts them, OnFailure restarts only those that failed, Never leaves them stopped.', {
      enum: ['Always', 'Never', 'OnFailure'],
    }),
    runtimeClassName: str('The RuntimeClass (node.k8s.io) naming the container runtime configuration to run the pod with. Unset means the default runtime handler.'),
    schedulerName: str('Which scheduler places the pod. Defaults to "default-scheduler".'),
    schedulingGates: list(`${C}.PodSchedulingGate`, 'While any gate is listed the pod is not considered for scheduling. Gates can only be removed, never added, after creation.', {
      listType: 'map',
      mapKeys: ['name'],
    }),
    securityContext: ref(`${C}.PodSecurityContext`, 'Security settings for the whole pod: user and group IDs, fsGroup, sysctls, seccomp and so on. Container-level settings override them.'),
    serviceAccount: str('Deprecated alias of serviceAccountName.'),
    serviceAccountName: str('The ServiceAccount the pod runs as, whose token it may mount. Defaults to "default".'),
    setHostnameAsFQDN: bool("Make the pod's hostname its fully qualified domain name instead of the short name. Defaults to false; has no effect when the pod has no FQDN."),
    shareProcessNamespace: bool('Let all containers of the pod share one process namespace, so they can see and signal each other\'s processes. Defaults to false.'),
    subdomain: str('When set, the pod\'s fully qualified name becomes <hostname>.<subdomain>.<namespace>.svc.<cluster domain>; a headless Service of that name makes it resolvable.'),
    terminationGracePeriodSeconds: int(
      'Seconds the pod gets to shut down after it is asked to stop (the processes receive a termination signal, then are killed). Defaults to 30; 0 kills at once. A delete request may override it.',
      { format: 'int64' },
    ),
    tolerations: list(`${C}.Toleration`, 'Taints the pod tolerates, so it may be scheduled onto (or keep running on) nodes that carry them.', { listType: 'atomic' }),
    topologySpreadConstraints: list(`${C}.TopologySpreadConstraint`, 'Rules for spreading matching pods evenly across topology domains such as nodes or zones. All of them apply.', {
      listType: 'map',
      mapKeys: ['topologyKey', 'whenUnsatisfiable'],
    }),
    volumes: list(`${C}.Volume`, "The volumes the pod's containers can mount, each under a unique name.", { listType: 'map', mapKeys: ['name'] }),
  },
  { required: ['containers'] },
);

// ---------------------------------------------------------------------------------------------
// Containers

function containerFields(ephemeral: boolean): Record<string, Prop> {
  const notHere = ' Not allowed for ephemeral containers.';
  const fields: Record<string, Prop> = {
    args: strList(
      "Arguments to the entrypoint. Replaces the image's CMD when given. $(VAR) references to the container's environment variables are expanded; $$(VAR) stays literal. Cannot be updated.",
      { listType: 'atomic' },
    ),
    command: strList(
      "The entrypoint, run directly (not in a shell). Replaces the image's ENTRYPOINT when given. $(VAR) references are expanded as in args. Cannot be updated.",
      { listType: 'atomic' },
    ),
    env: list(`${C}.EnvVar`, 'Environment variables set in the container. Cannot be updated.', { listType: 'map', mapKeys: ['name'] }),
    envFrom: list(
      `${C}.EnvFromSource`,
      'ConfigMaps and Secrets whose keys all become environment variables. When a key appears twice, the later source wins, and variables from env win over all of them. Cannot be updated.',
      { listType: 'atomic' },
    ),
    image: str(
      'The container image to run. Here podnet does not pull images: the image name selects which built-in program the container runs as a process (see the kubelet documentation).',
    ),
    imagePullPolicy: str(
      'When the image is pulled: Always, IfNotPresent, or Never. Defaults to Always for the :latest tag or no tag, otherwise IfNotPresent. Cannot be updated.',
      { enum: PULL_POLICIES },
    ),
    lifecycle: ref(`${C}.Lifecycle`, 'Actions the system runs right after the container starts and right before it is stopped.' + (ephemeral ? notHere : ' Cannot be updated.')),
    livenessProbe: ref(`${C}.Probe`, 'A periodic check of container health; the container is restarted when it fails.' + (ephemeral ? notHere : ' Cannot be updated.')),
    name: str('The name of the container, a DNS label unique within the pod. Cannot be updated.'),
    ports: list(
      `${C}.ContainerPort`,
      ephemeral
        ? 'Ports are not allowed for ephemeral containers.'
        : "Ports the container listens on. Informational: any port the process opens is reachable on the pod IP whether listed or not. Named ports can be referred to by Services and probes. Cannot be updated.",
      { listType: 'map', mapKeys: ['containerPort', 'protocol'] },
    ),
    readinessProbe: ref(
      `${C}.Probe`,
      'A periodic check of whether the container can serve; while it fails the pod is taken out of Service endpoints.' + (ephemeral ? notHere : ' Cannot be updated.'),
    ),
    resizePolicy: list(`${C}.ContainerResizePolicy`, 'For each resource, whether changing its requests or limits in place needs a container restart.', { listType: 'atomic' }),
    resources: ref(
      `${C}.ResourceRequirements`,
      ephemeral ? 'Ephemeral containers use the resources already given to the pod; setting this is not allowed.' : 'The compute resources (cpu, memory, …) the container requests and is limited to.',
    ),
    restartPolicy: str(
      ephemeral
        ? 'Restart behaviour of the container; ephemeral containers are never restarted, so it may not be set.'
        : 'Only for init containers, and only "Always": the init container then becomes a sidecar that keeps running (and is restarted) alongside the regular containers. Otherwise the pod\'s restartPolicy applies.',
    ),
    securityContext: ref(`${C}.SecurityContext`, "Security settings for this container; they override the pod's securityContext where both are set."),
    startupProbe: ref(
      `${C}.Probe`,
      'A check that must succeed once before the other probes start; if it keeps failing, the container is restarted. Useful for slow starters.' +
        (ephemeral ? notHere : ' Cannot be updated.'),
    ),
    stdin: bool('Keep a stdin buffer open for the container, so it can be attached to. Defaults to false, meaning reads from stdin get EOF.'),
    stdinOnce: bool('Close stdin after the first attach session ends, so the container sees EOF until it is restarted. Only meaningful with stdin. Defaults to false.'),
    terminationMessagePath: str(
      "File in the container whose contents become the termination message in the container's status when it exits. Defaults to /dev/termination-log; at most 4096 bytes are read. Cannot be updated.",
    ),
    terminationMessagePolicy: str(
      'Where the termination message comes from: File (default) reads terminationMessagePath only; FallbackToLogsOnError uses the end of the log when that file is empty and the container failed. Cannot be updated.',
      { enum: ['FallbackToLogsOnError', 'File'] },
    ),
    tty: bool('Allocate a terminal for the container; stdin should then be true as well. Defaults to false.'),
    volumeDevices: list(`${C}.VolumeDevice`, 'Raw block volumes exposed to the container as devices.', { listType: 'map', mapKeys: ['devicePath'] }),
    volumeMounts: list(
      `${C}.VolumeMount`,
      'Volumes of the pod mounted into the container\'s filesystem.' + (ephemeral ? ' Subpath mounts are not allowed for ephemeral containers.' : ' Cannot be updated.'),
      { listType: 'map', mapKeys: ['mountPath'] },
    ),
    workingDir: str("The directory the process starts in. Defaults to the image's working directory or the runtime's default. Cannot be updated."),
  };
  if (ephemeral) {
    fields['targetContainerName'] = str(
      'The name of a container in the pod whose namespaces (process IDs in particular) the ephemeral container joins. Unset, it joins only the pod-level namespaces.',
    );
  }
  return Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

type(`${C}.Container`, 'One application container of a pod.', containerFields(false), { required: ['name'] });

type(
  `${C}.EphemeralContainer`,
  'A temporary container added to a running pod for inspection, for example with kubectl debug. It is never restarted, gets no resources of its own and may not declare ports or probes.',
  containerFields(true),
  { required: ['name'] },
);

type(
  `${C}.ContainerPort`,
  'One network port a container listens on.',
  {
    containerPort: int("The port number on the pod's IP address, from 1 to 65535."),
    hostIP: str('The host address to bind hostPort on.'),
    hostPort: int("A port on the node forwarded to this container port, from 1 to 65535. With hostNetwork it must equal containerPort. Most pods don't need it."),
    name: str('A name for the port (an IANA service name, unique in the pod) by which Services and probes can refer to it.'),
    protocol: str('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'], default: 'TCP' }),
  },
  { required: ['containerPort'] },
);

type(
  `${C}.EnvVar`,
  'One environment variable of a container.',
  {
    name: str('The variable name.'),
    value: str(
      'The literal value. $(VAR) references to variables defined earlier in the list (or by the service links) are expanded; $$(VAR) stays literal; unresolved references are left as they are. Defaults to "".',
    ),
    valueFrom: ref(`${C}.EnvVarSource`, 'Where to take the value from instead: a ConfigMap or Secret key, a field of the pod, or a resource value. Not allowed together with value.'),
  },
  { required: ['name'] },
);

type(`${C}.EnvVarSource`, 'The source of an environment variable value. Exactly one field is set.', {
  configMapKeyRef: ref(`${C}.ConfigMapKeySelector`, "A key of a ConfigMap in the pod's namespace."),
  fieldRef: ref(
    `${C}.ObjectFieldSelector`,
    'A field of the pod: metadata.name, metadata.namespace, metadata.uid, metadata.labels[\'<key>\'], metadata.annotations[\'<key>\'], spec.nodeName, spec.serviceAccountName, status.hostIP, status.hostIPs, status.podIP or status.podIPs.',
  ),
  resourceFieldRef: ref(`${C}.ResourceFieldSelector`, "A request or limit of a container: limits.cpu, limits.memory, limits.ephemeral-storage, requests.cpu, requests.memory or requests.ephemeral-storage."),
  secretKeyRef: ref(`${C}.SecretKeySelector`, "A key of a Secret in the pod's namespace."),
});

type(
  `${C}.ConfigMapKeySelector`,
  'Selects one key of a ConfigMap.',
  {
    key: str('The key whose value is used.'),
    name: str("The name of the ConfigMap, in the pod's namespace."),
    optional: bool('If true, a missing ConfigMap or key leaves the variable unset instead of keeping the container from starting.'),
  },
  { required: ['key'] },
);

type(
  `${C}.SecretKeySelector`,
  'Selects one key of a Secret.',
  {
    key: str('The key whose value is used.'),
    name: str("The name of the Secret, in the pod's namespace."),
    optional: bool('If true, a missing Secret or key leaves the variable unset instead of keeping the container from starting.'),
  },
  { required: ['key'] },
);

type(
  `${C}.ObjectFieldSelector`,
  'Selects a field of the pod by its path.',
  {
    apiVersion: str('The API version the path is written against. Defaults to "v1".'),
    fieldPath: str('The path of the field, such as metadata.name or status.podIP.'),
  },
  { required: ['fieldPath'] },
);

type(
  `${C}.ResourceFieldSelector`,
  'Selects a resource request or limit of a container, scaled by a divisor.',
  {
    containerName: str('The container whose resources are read. Required for volumes; for environment variables it defaults to the container being configured.'),
    divisor: quantity('The unit the value is expressed in, for example "1m" for millicores or "1Mi" for mebibytes. Defaults to "1"; the result is rounded up.'),
    resource: str('Which resource to read, for example limits.cpu or requests.memory.'),
  },
  { required: ['resource'] },
);

type(`${C}.EnvFromSource`, 'A ConfigMap or Secret whose every key becomes an environment variable.', {
  configMapRef: ref(`${C}.ConfigMapEnvSource`, 'The ConfigMap to read.'),
  prefix: str('A string put in front of every key to form the variable name.'),
  secretRef: ref(`${C}.SecretEnvSource`, 'The Secret to read.'),
});

type(`${C}.ConfigMapEnvSource`, 'A ConfigMap whose keys become environment variables.', {
  name: str("The name of the ConfigMap, in the pod's namespace."),
  optional: bool('If true, the container starts even when the ConfigMap does not exist.'),
});

type(`${C}.SecretEnvSource`, 'A Secret whose keys become environment variables.', {
  name: str("The name of the Secret, in the pod's namespace."),
  optional: bool('If true, the container starts even when the Secret does not exist.'),
});

// ---------------------------------------------------------------------------------------------
// Probes and lifecycle hooks

type(`${C}.Probe`, 'A health check the kubelet runs against a container. Exactly one action (exec, httpGet, tcpSocket or grpc) is set.', {
  exec: ref(`${C}.ExecAction`, 'Run a command in the container; exit status 0 is success.'),
  failureThreshold: int('How many failures in a row, after a success, mark the probe as failed. Defaults to 3; the minimum is 1.'),
  grpc: ref(`${C}.GRPCAction`, 'Call the standard gRPC health checking service on a port of the pod.'),
  httpGet: ref(`${C}.HTTPGetAction`, 'Send an HTTP GET request; a status from 200 to 399 is success.'),
  initialDelaySeconds: int('Seconds to wait after the container starts before probing it for the first time. Defaults to 0.'),
  periodSeconds: int('Seconds between two probes. Defaults to 10; the minimum is 1.'),
  successThreshold: int('How many successes in a row, after a failure, mark the probe as passing again. Defaults to 1, and must be 1 for liveness and startup probes.'),
  tcpSocket: ref(`${C}.TCPSocketAction`, 'Open a TCP connection; success when it connects.'),
  terminationGracePeriodSeconds: int(
    "For liveness and startup probes: the grace period used when a failed probe kills the container, instead of the pod's terminationGracePeriodSeconds. At least 1.",
    { format: 'int64' },
  ),
  timeoutSeconds: int('Seconds after which one probe attempt counts as failed. Defaults to 1; the minimum is 1.'),
});

type(
  `${C}.HTTPGetAction`,
  'An HTTP GET request made by the kubelet.',
  {
    host: str('The host to connect to. Defaults to the pod IP; set a Host header in httpHeaders instead to pick a virtual host.'),
    httpHeaders: list(`${C}.HTTPHeader`, 'Extra request headers. Repeated names are all sent.', { listType: 'atomic' }),
    path: str('The request path.'),
    port: intOrString('The port to connect to: a number from 1 to 65535, or the name of a container port.'),
    scheme: str('HTTP (default) or HTTPS. With HTTPS the certificate is not verified.', { enum: ['HTTP', 'HTTPS'] }),
  },
  { required: ['port'] },
);

type(
  `${C}.HTTPHeader`,
  'One HTTP header.',
  {
    name: str('The header name. It is canonicalized on output.'),
    value: str('The header value.'),
  },
  { required: ['name', 'value'] },
);

type(
  `${C}.TCPSocketAction`,
  'A TCP connection attempt made by the kubelet.',
  {
    host: str('The host to connect to. Defaults to the pod IP.'),
    port: intOrString('The port to connect to: a number from 1 to 65535, or the name of a container port.'),
  },
  { required: ['port'] },
);

type(`${C}.ExecAction`, 'A command run inside the container.', {
  command: strList(
    "The command and its arguments, executed directly in the container's filesystem with its working directory '/'. No shell is involved, so pipes and redirects need an explicit shell. Exit status 0 means success.",
    { listType: 'atomic' },
  ),
});

type(
  `${C}.GRPCAction`,
  'A call to the gRPC health checking protocol.',
  {
    port: int('The port of the gRPC service, from 1 to 65535.'),
    service: str('The service name put in the HealthCheckRequest. Empty asks about the server as a whole.'),
  },
  { required: ['port'] },
);

type(
  `${C}.SleepAction`,
  'A pause of a fixed length.',
  {
    seconds: int('How many seconds to sleep.', { format: 'int64' }),
  },
  { required: ['seconds'] },
);

type(`${C}.Lifecycle`, 'Actions run at points of a container\'s life. While a hook runs, the container\'s management waits for it.', {
  postStart: ref(
    `${C}.LifecycleHandler`,
    'Runs right after the container is created. If it fails, the container is killed and restarted according to the restart policy; other management of the container waits until it completes.',
  ),
  preStop: ref(
    `${C}.LifecycleHandler`,
    'Runs before the container is stopped for any reason other than its own exit (deletion, a failed probe, preemption). The grace period counts down while it runs; the stop signal is sent when it finishes or the period runs out.',
  ),
  stopSignal: str('The signal sent to stop the container. Unset means the container runtime\'s default. Only allowed when the pod sets spec.os.name.', { enum: SIGNALS }),
});

type(`${C}.LifecycleHandler`, 'What a lifecycle hook does. Exactly one field is set.', {
  exec: ref(`${C}.ExecAction`, 'Run a command in the container.'),
  httpGet: ref(`${C}.HTTPGetAction`, 'Send an HTTP GET request.'),
  sleep: ref(`${C}.SleepAction`, 'Wait for a number of seconds.'),
  tcpSocket: ref(`${C}.TCPSocketAction`, 'Deprecated: a TCP connection is not supported as a hook; the field is kept only for backward compatibility.'),
});

// ---------------------------------------------------------------------------------------------
// Resources

type(`${C}.ResourceRequirements`, 'Compute resources requested and limited.', {
  claims: list(
    `${C}.ResourceClaim`,
    "Which of the pod's resourceClaims (dynamically allocated devices) this container uses. Cannot be changed.",
    { listType: 'map', mapKeys: ['name'] },
  ),
  limits: refMap(Q, 'The most of each resource that may be used, such as cpu: "500m" or memory: "128Mi".'),
  requests: refMap(Q, 'The amount of each resource reserved and used for scheduling. Defaults to the limit where one is set and the request is not; a request may not exceed its limit.'),
});

type(
  `${C}.ResourceClaim`,
  'A reference to one of the pod\'s resourceClaims.',
  {
    name: str('The name of an entry in the pod\'s spec.resourceClaims.'),
    request: str('When set, only this request of the claim is made available to the container.'),
  },
  { required: ['name'] },
);

type(
  `${C}.ContainerResizePolicy`,
  'How a container reacts when one of its resources is changed in place.',
  {
    resourceName: str('The resource this applies to: cpu or memory.'),
    restartPolicy: str('NotRequired (default): apply the change to the running container; RestartContainer: restart the container to apply it.'),
  },
  { required: ['resourceName', 'restartPolicy'] },
);

// ---------------------------------------------------------------------------------------------
// Volumes

type(
  `${C}.VolumeMount`,
  'Where one volume of the pod appears inside a container.',
  {
    mountPath: str("The path in the container to mount at. It may not contain ':'."),
    mountPropagation: str(
      'How mounts made later are shared between host and container: None (default) shares nothing, HostToContainer lets the container see new host mounts, Bidirectional shares both ways (privileged containers only).',
      { enum: ['Bidirectional', 'HostToContainer', 'None'] },
    ),
    name: str("The name of one of the pod's volumes."),
    readOnly: bool('Mount the volume read-only. Defaults to false.'),
    recursiveReadOnly: str(
      'With readOnly: whether mounts below the volume are made read-only too. Disabled (the default) does not; IfPossible does when the runtime supports it; Enabled does or the pod fails to start.',
    ),
    subPath: str("Mount only this path inside the volume instead of its root. Defaults to \"\" (the whole volume)."),
    subPathExpr: str('Like subPath, but $(VAR) references to the container\'s environment are expanded. Cannot be combined with subPath.'),
  },
  { required: ['name', 'mountPath'] },
);

type(
  `${C}.VolumeDevice`,
  'Where a raw block volume appears inside a container.',
  {
    devicePath: str('The device path in the container.'),
    name: str('The name of a persistentVolumeClaim volume of the pod.'),
  },
  { required: ['name', 'devicePath'] },
);

type(
  `${C}.Volume`,
  'A named volume that containers of the pod can mount. Besides the name, exactly one source is set. (Only the commonly used sources are described here.)',
  {
    configMap: ref(`${C}.ConfigMapVolumeSource`, 'Files made from the keys of a ConfigMap.'),
    csi: ref(`${C}.CSIVolumeSource`, 'Ephemeral storage provided by a CSI driver that supports it.'),
    downwardAPI: ref(`${C}.DownwardAPIVolumeSource`, 'Files holding fields of the pod (labels, annotations, name …) and container resource values.'),
    emptyDir: ref(`${C}.EmptyDirVolumeSource`, 'A directory that starts empty and lives exactly as long as the pod.'),
    hostPath: ref(`${C}.HostPathVolumeSource`, 'A file or directory of the node, shared into the pod. Mostly for system agents; it gives access to the host.'),
    image: ref(`${C}.ImageVolumeSource`, 'The contents of an OCI image or artifact, mounted read-only.'),
    name: str('The volume name, a DNS label unique within the pod. Volume mounts refer to it.'),
    nfs: ref(`${C}.NFSVolumeSource`, 'An NFS export mounted into the pod.'),
    persistentVolumeClaim: ref(`${C}.PersistentVolumeClaimVolumeSource`, "A PersistentVolumeClaim in the pod's namespace."),
    projected: ref(`${C}.ProjectedVolumeSource`, 'Several sources (ConfigMaps, Secrets, downward API, service account tokens) combined in one directory.'),
    secret: ref(`${C}.SecretVolumeSource`, 'Files made from the keys of a Secret.'),
  },
  { required: ['name'] },
);

type(`${C}.ConfigMapVolumeSource`, 'A ConfigMap presented as files: each key becomes a file whose content is the value.', {
  defaultMode: int(`Permission bits of the created files. Defaults to 0644. ${MODE_TEXT}`),
  items: list(`${C}.KeyToPath`, 'Which keys to present, and under which paths. When given, keys not listed are left out; a listed key that is missing is an error unless the volume is optional.', {
    listType: 'atomic',
  }),
  name: str("The name of the ConfigMap, in the pod's namespace."),
  optional: bool('If true, the volume is created (empty) even when the ConfigMap or listed keys do not exist.'),
});

type(`${C}.SecretVolumeSource`, 'A Secret presented as files: each key becomes a file whose content is the value.', {
  defaultMode: int(`Permission bits of the created files. Defaults to 0644. ${MODE_TEXT}`),
  items: list(`${C}.KeyToPath`, 'Which keys to present, and under which paths. When given, keys not listed are left out; a listed key that is missing is an error unless the volume is optional.', {
    listType: 'atomic',
  }),
  optional: bool('If true, the volume is created (empty) even when the Secret or listed keys do not exist.'),
  secretName: str("The name of the Secret, in the pod's namespace."),
});

type(
  `${C}.KeyToPath`,
  'Maps one key to a file path inside a volume.',
  {
    key: str('The key to present.'),
    mode: int(`Permission bits of this file; defaults to the volume's defaultMode. ${MODE_TEXT}`),
    path: str("The file's relative path in the volume. It may not be absolute, contain '..' as an element, or start with '..'."),
  },
  { required: ['key', 'path'] },
);

type(`${C}.EmptyDirVolumeSource`, 'A scratch directory created empty when the pod starts and deleted when the pod is removed.', {
  medium: str('Where the data is kept: "" (default) on the node\'s disk, "Memory" in a tmpfs that counts against the container memory limits.'),
  sizeLimit: quantity('The most space the volume may use; exceeding it gets the pod evicted. For Memory, the effective limit is also bounded by the pod\'s memory limits. Unset means no limit of its own.'),
});

type(
  `${C}.HostPathVolumeSource`,
  'A path on the node shared into the pod.',
  {
    path: str('The path on the node. A symbolic link is followed to its target.'),
    type: str(
      'What must (or will) exist at the path: "" (default) checks nothing; DirectoryOrCreate and FileOrCreate create it if missing; Directory, File, Socket, CharDevice and BlockDevice require it to exist as that kind.',
      { enum: ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'] },
    ),
  },
  { required: ['path'] },
);

type(`${C}.DownwardAPIVolumeSource`, "Files describing the pod itself, written from the pod's fields and its containers' resources.", {
  defaultMode: int(`Permission bits of the created files. Defaults to 0644. ${MODE_TEXT}`),
  items: list(`${C}.DownwardAPIVolumeFile`, 'The files to create.', { listType: 'atomic' }),
});

type(
  `${C}.DownwardAPIVolumeFile`,
  'One file of a downward API volume. Exactly one of fieldRef and resourceFieldRef is set.',
  {
    fieldRef: ref(`${C}.ObjectFieldSelector`, 'A pod field: metadata.name, metadata.namespace, metadata.uid, metadata.labels or metadata.annotations (whole maps or single keys).'),
    mode: int(`Permission bits of this file; defaults to the volume's defaultMode. ${MODE_TEXT}`),
    path: str("The file's relative path in the volume. It may not be absolute or contain '..' as an element; the first element may not start with '..'."),
    resourceFieldRef: ref(`${C}.ResourceFieldSelector`, 'A container resource request or limit (requests.cpu, limits.memory and the like); containerName is required here.'),
  },
  { required: ['path'] },
);

type(`${C}.ProjectedVolumeSource`, 'Several volume sources presented together in one directory.', {
  defaultMode: int(`Permission bits of the created files. Defaults to 0644. ${MODE_TEXT}`),
  sources: list(`${C}.VolumeProjection`, 'The sources to combine. Their files must not collide.', { listType: 'atomic' }),
});

type(`${C}.VolumeProjection`, 'One source of a projected volume. Exactly one field is set.', {
  clusterTrustBundle: ref(`${C}.ClusterTrustBundleProjection`, 'The certificates of ClusterTrustBundle objects, written as one PEM file.'),
  configMap: ref(`${C}.ConfigMapProjection`, 'Keys of a ConfigMap.'),
  downwardAPI: ref(`${C}.DownwardAPIProjection`, 'Fields and resource values of the pod.'),
  secret: ref(`${C}.SecretProjection`, 'Keys of a Secret.'),
  serviceAccountToken: ref(`${C}.ServiceAccountTokenProjection`, "A token for the pod's service account, refreshed by the kubelet before it expires."),
});

type(`${C}.ConfigMapProjection`, 'The keys of a ConfigMap as files of a projected volume.', {
  items: list(`${C}.KeyToPath`, 'Which keys to present, and under which paths. When given, keys not listed are left out.', { listType: 'atomic' }),
  name: str("The name of the ConfigMap, in the pod's namespace."),
  optional: bool('If true, a missing ConfigMap or key is not an error.'),
});

type(`${C}.SecretProjection`, 'The keys of a Secret as files of a projected volume.', {
  items: list(`${C}.KeyToPath`, 'Which keys to present, and under which paths. When given, keys not listed are left out.', { listType: 'atomic' }),
  name: str("The name of the Secret, in the pod's namespace."),
  optional: bool('If true, a missing Secret or key is not an error.'),
});

type(`${C}.DownwardAPIProjection`, 'Pod fields and resource values as files of a projected volume.', {
  items: list(`${C}.DownwardAPIVolumeFile`, 'The files to create.', { listType: 'atomic' }),
});

type(
  `${C}.ServiceAccountTokenProjection`,
  "A bound token for the pod's service account, written to a file and rotated by the kubelet.",
  {
    audience: str('The audience the token is issued for; whoever receives it must check that it is meant for them. Defaults to the API server\'s own identifier.'),
    expirationSeconds: int(
      'The requested lifetime of the token. The kubelet replaces it when it is 80% through its life or older than 24 hours. Defaults to one hour; at least 10 minutes.',
      { format: 'int64' },
    ),
    path: str('The file path, relative to the volume, to write the token to.'),
  },
  { required: ['path'] },
);

type(
  `${C}.ClusterTrustBundleProjection`,
  'Selects ClusterTrustBundle objects whose certificates are written, merged and deduplicated, into one file.',
  {
    labelSelector: ref(`${M}.LabelSelector`, 'With signerName: only bundles of that signer whose labels match. Unset matches none; an empty selector matches all.'),
    name: str('Select a single bundle by name. Not allowed together with signerName.'),
    optional: bool('If true, the pod may start even when the named bundle does not exist or no bundle matches; otherwise startup waits for them.'),
    path: str('The file path, relative to the volume, to write the certificates to.'),
    signerName: str('Select all bundles of this signer. Not allowed together with name.'),
  },
  { required: ['path'] },
);

type(
  `${C}.PersistentVolumeClaimVolumeSource`,
  "Mounts the volume bound to a PersistentVolumeClaim in the pod's namespace.",
  {
    claimName: str('The name of the PersistentVolumeClaim.'),
    readOnly: bool('Force the volume to be mounted read-only. Defaults to false.'),
  },
  { required: ['claimName'] },
);

type(`${C}.ImageVolumeSource`, 'An OCI image or artifact mounted read-only as a volume.', {
  pullPolicy: str('When the image is pulled: Always, Never or IfNotPresent. Defaults to Always for the :latest tag, otherwise IfNotPresent.', { enum: PULL_POLICIES }),
  reference: str('The image or artifact reference, as for a container image.'),
});

type(
  `${C}.NFSVolumeSource`,
  'An NFS export mounted into the pod.',
  {
    path: str('The path exported by the server.'),
    readOnly: bool('Mount the export read-only. Defaults to false.'),
    server: str('The hostname or IP address of the NFS server.'),
  },
  { required: ['server', 'path'] },
);

type(
  `${C}.CSIVolumeSource`,
  'An inline ephemeral volume provided by a CSI driver.',
  {
    driver: str('The name of the CSI driver that provides the volume.'),
    fsType: str('The filesystem type to mount, such as ext4; passed to the driver, which picks a default when empty.'),
    nodePublishSecretRef: ref(`${C}.LocalObjectReference`, 'A Secret with sensitive data passed to the driver when it mounts the volume.'),
    readOnly: bool('Mount the volume read-only. Defaults to false.'),
    volumeAttributes: strMap('Driver-specific settings passed through to the driver.'),
  },
  { required: ['driver'] },
);

type(`${C}.LocalObjectReference`, 'The name of an object in the same namespace.', {
  name: str('The name of the object.'),
});

// ---------------------------------------------------------------------------------------------
// Security

type(`${C}.SecurityContext`, "Security settings of one container. Where a field is also in the pod's securityContext, the container's value wins.", {
  allowPrivilegeEscalation: bool(
    'Whether a process may gain more privileges than its parent (the no_new_privs flag). Always true for privileged containers and those with CAP_SYS_ADMIN. Not for Windows pods.',
  ),
  appArmorProfile: ref(`${C}.AppArmorProfile`, "The AppArmor profile of the container; overrides the pod's. Not for Windows pods."),
  capabilities: ref(`${C}.Capabilities`, "Linux capabilities to add to or drop from the runtime's default set. Not for Windows pods."),
  privileged: bool('Run the container privileged, which makes its processes nearly equivalent to root on the host. Defaults to false. Not for Windows pods.'),
  procMount: str('Which proc mount to use: Default masks and makes read-only the usual paths; Unmasked does neither (needs a user namespace). Not for Windows pods.', {
    enum: ['Default', 'Unmasked'],
  }),
  readOnlyRootFilesystem: bool("Mount the container's root filesystem read-only. Defaults to false. Not for Windows pods."),
  runAsGroup: int('The group ID the entrypoint runs with. Defaults to the runtime default. Not for Windows pods.', { format: 'int64' }),
  runAsNonRoot: bool('Require the container to run as a non-root user: the kubelet refuses to start it if it would run as UID 0.'),
  runAsUser: int("The user ID the entrypoint runs with. Defaults to the user named in the image. Not for Windows pods.", { format: 'int64' }),
  seLinuxOptions: ref(`${C}.SELinuxOptions`, 'The SELinux context of the container. Unset, the runtime assigns a random one. Not for Windows pods.'),
  seccompProfile: ref(`${C}.SeccompProfile`, "The seccomp profile of the container; overrides the pod's. Not for Windows pods."),
  windowsOptions: ref(`${C}.WindowsSecurityContextOptions`, 'Windows-specific settings. Not for Linux pods.'),
});

type(`${C}.PodSecurityContext`, 'Security settings for all containers of a pod. A container\'s own securityContext overrides the fields both have.', {
  appArmorProfile: ref(`${C}.AppArmorProfile`, 'The AppArmor profile of the containers. Not for Windows pods.'),
  fsGroup: int(
    'A supplemental group added to every container. Volumes that support ownership management are made owned by it (with the setgid bit) and group-writable. Not for Windows pods.',
    { format: 'int64' },
  ),
  fsGroupChangePolicy: str(
    "When volume ownership and permissions are changed to match fsGroup: Always (default) on every mount, or OnRootMismatch only when the volume's root directory doesn't match already. Not for Windows pods.",
    { enum: ['Always', 'OnRootMismatch'] },
  ),
  runAsGroup: int("The group ID the containers' entrypoints run with. Defaults to the runtime default. Not for Windows pods.", { format: 'int64' }),
  runAsNonRoot: bool('Require all containers to run as a non-root user: the kubelet refuses to start a container that would run as UID 0.'),
  runAsUser: int("The user ID the containers' entrypoints run with. Defaults to the user named in the image. Not for Windows pods.", { format: 'int64' }),
  seLinuxChangePolicy: str(
    'How the SELinux label reaches the volumes: Recursive relabels every file, MountOption mounts eligible volumes with a context option. The default depends on feature gates. Not for Windows pods.',
  ),
  seLinuxOptions: ref(`${C}.SELinuxOptions`, 'The SELinux context of all containers. Unset, the runtime assigns a random one per container. Not for Windows pods.'),
  seccompProfile: ref(`${C}.SeccompProfile`, 'The seccomp profile of the containers. Not for Windows pods.'),
  supplementalGroups: list({ type: 'integer', format: 'int64' }, "Group IDs added to the first process of every container, besides its primary group and fsGroup. Not for Windows pods.", {
    listType: 'atomic',
  }),
  supplementalGroupsPolicy: str(
    "How the supplemental groups are worked out: Merge (default) also adds the groups the image's /etc/group gives the user; Strict uses only those listed here and fsGroup. Not for Windows pods.",
    { enum: ['Merge', 'Strict'] },
  ),
  sysctls: list(`${C}.Sysctl`, 'Namespaced kernel parameters set for the pod. A pod asking for one the runtime does not allow may fail to start. Not for Windows pods.', {
    listType: 'atomic',
  }),
  windowsOptions: ref(`${C}.WindowsSecurityContextOptions`, 'Windows-specific settings for all containers. Not for Linux pods.'),
});

type(`${C}.Capabilities`, 'Linux capabilities to add to or remove from a container.', {
  add: strList('Capabilities to add, such as NET_ADMIN.', { listType: 'atomic' }),
  drop: strList('Capabilities to remove, such as ALL.', { listType: 'atomic' }),
});

type(`${C}.SELinuxOptions`, 'The parts of an SELinux label.', {
  level: str('The SELinux level.'),
  role: str('The SELinux role.'),
  type: str('The SELinux type.'),
  user: str('The SELinux user.'),
});

type(
  `${C}.SeccompProfile`,
  'Which seccomp profile to apply.',
  {
    localhostProfile: str("For Localhost: the profile file, relative to the kubelet's seccomp directory. Required for Localhost and not allowed otherwise."),
    type: str("Localhost uses a profile file on the node; RuntimeDefault the container runtime's default; Unconfined none at all.", {
      enum: ['Localhost', 'RuntimeDefault', 'Unconfined'],
    }),
  },
  { required: ['type'] },
);

type(
  `${C}.AppArmorProfile`,
  'Which AppArmor profile to apply.',
  {
    localhostProfile: str('For Localhost: the name of a profile loaded on the node. Required for Localhost and not allowed otherwise.'),
    type: str("Localhost uses a profile loaded on the node; RuntimeDefault the container runtime's default; Unconfined none at all.", {
      enum: ['Localhost', 'RuntimeDefault', 'Unconfined'],
    }),
  },
  { required: ['type'] },
);

type(`${C}.WindowsSecurityContextOptions`, 'Security settings that apply only to Windows containers.', {
  gmsaCredentialSpec: str('The content of the GMSA credential spec named by gmsaCredentialSpecName, inlined by the GMSA admission webhook.'),
  gmsaCredentialSpecName: str('The name of the GMSA credential spec to use.'),
  hostProcess: bool("Run the container as a host process with access to the node's network. All containers of such a pod must set it, and the pod must use hostNetwork."),
  runAsUserName: str('The Windows user name the entrypoint runs as. Defaults to the user named in the image.'),
});

type(
  `${C}.Sysctl`,
  'A kernel parameter to set for the pod.',
  {
    name: str('The parameter name, such as net.ipv4.ip_local_port_range.'),
    value: str('The value to set.'),
  },
  { required: ['name', 'value'] },
);

// ---------------------------------------------------------------------------------------------
// Scheduling

type(`${C}.Toleration`, 'Lets the pod be placed on (or stay on) nodes with a matching taint. It matches a taint with the same key and effect under the given operator.', {
  effect: str('The taint effect to match: NoSchedule, PreferNoSchedule or NoExecute. Empty matches every effect.', {
    enum: ['NoExecute', 'NoSchedule', 'PreferNoSchedule'],
  }),
  key: str('The taint key to match. Empty, with operator Exists, matches every taint.'),
  operator: str('Equal (default) requires the taint value to equal value; Exists matches any value, like a wildcard.', { enum: ['Equal', 'Exists'] }),
  tolerationSeconds: int(
    'Only for NoExecute: how long the pod may stay on the node once the taint appears before it is evicted. Unset means forever; zero or less means at once.',
    { format: 'int64' },
  ),
  value: str('The taint value to match with Equal. Must be empty with Exists.'),
});

type(`${C}.Affinity`, 'Scheduling preferences and requirements relative to nodes and to other pods.', {
  nodeAffinity: ref(`${C}.NodeAffinity`, 'Rules about which nodes the pod may or should run on, by node labels and fields.'),
  podAffinity: ref(`${C}.PodAffinity`, 'Rules for running the pod in the same topology domain (node, zone …) as certain other pods.'),
  podAntiAffinity: ref(`${C}.PodAntiAffinity`, 'Rules for keeping the pod out of topology domains where certain other pods run.'),
});

type(`${C}.NodeAffinity`, 'Node affinity rules of a pod.', {
  preferredDuringSchedulingIgnoredDuringExecution: list(
    `${C}.PreferredSchedulingTerm`,
    'Soft rules: the scheduler favours nodes by the summed weights of the terms they match, but may choose a node matching none.',
    { listType: 'atomic' },
  ),
  requiredDuringSchedulingIgnoredDuringExecution: ref(
    `${C}.NodeSelector`,
    'Hard rule: the pod is only scheduled onto a node that satisfies it. If the node stops satisfying it later, the pod is not necessarily evicted.',
  ),
});

type(`${C}.PodAffinity`, 'Rules that attract the pod to topology domains where matching pods run.', {
  preferredDuringSchedulingIgnoredDuringExecution: list(
    `${C}.WeightedPodAffinityTerm`,
    'Soft rules: nodes score the weights of the terms their domain satisfies, and the highest total wins, but a node satisfying none may still be chosen.',
    { listType: 'atomic' },
  ),
  requiredDuringSchedulingIgnoredDuringExecution: list(
    `${C}.PodAffinityTerm`,
    'Hard rules, all of which must hold for a node to be chosen. If they stop holding later, the pod is not necessarily evicted.',
    { listType: 'atomic' },
  ),
});

type(`${C}.PodAntiAffinity`, 'Rules that keep the pod away from topology domains where matching pods run.', {
  preferredDuringSchedulingIgnoredDuringExecution: list(
    `${C}.WeightedPodAffinityTerm`,
    'Soft rules: nodes whose domain avoids the matching pods score the weights of those terms, and the highest total wins, but any node may still be chosen.',
    { listType: 'atomic' },
  ),
  requiredDuringSchedulingIgnoredDuringExecution: list(
    `${C}.PodAffinityTerm`,
    'Hard rules, all of which must hold for a node to be chosen. If they stop holding later, the pod is not necessarily evicted.',
    { listType: 'atomic' },
  ),
});

type(
  `${C}.NodeSelector`,
  'Selects nodes: a node matches when it matches at least one of the terms (they are ORed).',
  {
    nodeSelectorTerms: list(`${C}.NodeSelectorTerm`, 'The alternative terms.', { listType: 'atomic' }),
  },
  { required: ['nodeSelectorTerms'] },
);

type(`${C}.NodeSelectorTerm`, 'A conjunction of node requirements: all of them must hold. An empty or null term matches no node.', {
  matchExpressions: list(`${C}.NodeSelectorRequirement`, "Requirements on the node's labels.", { listType: 'atomic' }),
  matchFields: list(`${C}.NodeSelectorRequirement`, "Requirements on the node's fields (only metadata.name is supported).", { listType: 'atomic' }),
});

type(
  `${C}.NodeSelectorRequirement`,
  'A condition on one node label or field.',
  {
    key: str('The label key or field name.'),
    operator: str('How the value relates to values: In, NotIn, Exists, DoesNotExist, Gt or Lt.', { enum: ['DoesNotExist', 'Exists', 'Gt', 'In', 'Lt', 'NotIn'] }),
    values: strList(
      'The values to compare with: at least one for In and NotIn, none for Exists and DoesNotExist, and exactly one integer for Gt and Lt.',
      { listType: 'atomic' },
    ),
  },
  { required: ['key', 'operator'] },
);

type(
  `${C}.PreferredSchedulingTerm`,
  'A weighted node preference.',
  {
    preference: ref(`${C}.NodeSelectorTerm`, 'The node requirements the preference is about.'),
    weight: int('How much a matching node gains, from 1 to 100.'),
  },
  { required: ['weight', 'preference'] },
);

type(
  `${C}.PodAffinityTerm`,
  'Describes a set of pods and a topology key: the term holds on a node when a pod of the set runs in a node with the same value of that label (the same domain).',
  {
    labelSelector: ref(`${M}.LabelSelector`, 'The pods this term is about. Null matches no pods.'),
    matchLabelKeys: strList(
      "Label keys whose values are taken from the incoming pod and added to labelSelector as key in (value), for example to stay within one rollout. Needs labelSelector and may not repeat its keys.",
      { listType: 'atomic' },
    ),
    mismatchLabelKeys: strList("Like matchLabelKeys, but each is added as key notin (value).", { listType: 'atomic' }),
    namespaceSelector: ref(
      `${M}.LabelSelector`,
      'Namespaces (by label) whose pods are considered, in addition to those listed in namespaces. An empty selector means all namespaces; null with no namespaces means the pod\'s own.',
    ),
    namespaces: strList('Namespaces whose pods are considered, by name, in addition to those namespaceSelector picks. Empty with a null selector means the pod\'s own namespace.', {
      listType: 'atomic',
    }),
    topologyKey: str('The node label that defines a topology domain, such as kubernetes.io/hostname or topology.kubernetes.io/zone. May not be empty.'),
  },
  { required: ['topologyKey'] },
);

type(
  `${C}.WeightedPodAffinityTerm`,
  'A pod affinity term with a weight, for soft rules.',
  {
    podAffinityTerm: ref(`${C}.PodAffinityTerm`, 'The term.'),
    weight: int('How much a node satisfying the term gains, from 1 to 100.'),
  },
  { required: ['weight', 'podAffinityTerm'] },
);

type(
  `${C}.TopologySpreadConstraint`,
  'Limits how unevenly the pods matched by a selector may be spread over the domains of a topology key.',
  {
    labelSelector: ref(`${M}.LabelSelector`, 'The pods counted in each domain.'),
    matchLabelKeys: strList(
      "Label keys whose values are taken from the incoming pod and ANDed into labelSelector, so that for example only pods of the same revision are counted. Keys the pod lacks are ignored.",
      { listType: 'atomic' },
    ),
    maxSkew: int(
      'The largest allowed difference between the number of matching pods in a domain and in the least populated eligible domain. Must be greater than 0. With ScheduleAnyway it only ranks nodes.',
    ),
    minDomains: int(
      'Only with DoNotSchedule: the minimum number of eligible domains. With fewer, the global minimum counts as 0, which limits how many pods can go anywhere. Defaults to 1 when unset.',
    ),
    nodeAffinityPolicy: str("Whether the pod's nodeAffinity and nodeSelector limit which nodes count when computing the skew: Honor (default) or Ignore.", {
      enum: ['Honor', 'Ignore'],
    }),
    nodeTaintsPolicy: str('Whether node taints limit which nodes count when computing the skew: Honor counts only nodes the pod tolerates; Ignore (default) counts all.', {
      enum: ['Honor', 'Ignore'],
    }),
    topologyKey: str('The node label whose values form the domains, such as topology.kubernetes.io/zone. Nodes without the label are left out.'),
    whenUnsatisfiable: str(
      'What to do when the constraint cannot be met: DoNotSchedule leaves the pod pending; ScheduleAnyway schedules it, preferring nodes that reduce the skew.',
      { enum: ['DoNotSchedule', 'ScheduleAnyway'] },
    ),
  },
  { required: ['maxSkew', 'topologyKey', 'whenUnsatisfiable'] },
);

type(
  `${C}.PodOS`,
  'The operating system a pod needs.',
  {
    name: str('linux or windows. Pod fields that do not apply to it are rejected.'),
  },
  { required: ['name'] },
);

type(
  `${C}.PodReadinessGate`,
  'An extra condition a pod needs to be ready.',
  {
    conditionType: str("The type of a condition in the pod's status.conditions that must be True."),
  },
  { required: ['conditionType'] },
);

type(
  `${C}.PodSchedulingGate`,
  'A gate that keeps a pod from being scheduled while it is present.',
  {
    name: str('The name of the gate, unique in the pod.'),
  },
  { required: ['name'] },
);

type(
  `${C}.PodResourceClaim`,
  'A named ResourceClaim the pod uses: either an existing claim or one made from a template for this pod. Exactly one source is set.',
  {
    name: str('The name under which containers refer to the claim; unique in the pod.'),
    resourceClaimName: str("The name of an existing ResourceClaim in the pod's namespace."),
    resourceClaimTemplateName: str(
      "The name of a ResourceClaimTemplate in the pod's namespace; a claim is made from it for this pod and deleted with the pod.",
    ),
  },
  { required: ['name'] },
);

// ---------------------------------------------------------------------------------------------
// DNS and hosts

type(`${C}.PodDNSConfig`, "Resolver settings added to those produced by the pod's dnsPolicy.", {
  nameservers: strList('Nameserver IP addresses appended to the base list. Duplicates are removed.', { listType: 'atomic' }),
  options: list(`${C}.PodDNSConfigOption`, 'Resolver options merged into the base ones; an option given here replaces one of the same name.', { listType: 'atomic' }),
  searches: strList('Search domains appended to the base list. Duplicates are removed.', { listType: 'atomic' }),
});

type(`${C}.PodDNSConfigOption`, 'One resolver option.', {
  name: str('The option name, such as ndots. Required.'),
  value: str('The option value, if it takes one.'),
});

type(
  `${C}.HostAlias`,
  'An entry for the pod\'s hosts file.',
  {
    hostnames: strList('The host names that resolve to ip.', { listType: 'atomic' }),
    ip: str('The IP address of the entry.'),
  },
  { required: ['ip'] },
);

// ---------------------------------------------------------------------------------------------
// Status

type(`${C}.PodStatus`, 'The observed state of a pod. It may lag behind reality.', {
  conditions: list(`${C}.PodCondition`, 'The current conditions of the pod, such as PodScheduled, Initialized, ContainersReady and Ready.', {
    listType: 'map',
    mapKeys: ['type'],
  }),
  containerStatuses: list(`${C}.ContainerStatus`, 'The status of each regular container, one entry per container in the spec.', { listType: 'atomic' }),
  ephemeralContainerStatuses: list(`${C}.ContainerStatus`, 'The status of each ephemeral container.', { listType: 'atomic' }),
  hostIP: str("The primary IP address of the node the pod was assigned to. Empty until the pod is bound. Also hostIPs[0]."),
  hostIPs: list(`${C}.HostIP`, "The IP addresses of the pod's node, at most one per IP family; the first equals hostIP.", { listType: 'atomic' }),
  initContainerStatuses: list(`${C}.ContainerStatus`, 'The status of each init container, in spec order.', { listType: 'atomic' }),
  message: str('A human-readable explanation of why the pod is in its current state.'),
  nominatedNodeName: str(
    'Set when this pod preempted other pods to fit on a node: the node it is expected to be scheduled onto once they are gone. The pod may still end up elsewhere.',
  ),
  observedGeneration: int("The metadata.generation of the pod that this status reflects.", { format: 'int64' }),
  phase: str(
    'A summary of where the pod is in its life. Pending: accepted but not all containers running yet (including image pulls); Running: bound and at least one container running or restarting; Succeeded: all containers exited successfully and will not restart; Failed: all containers have exited and one failed; Unknown: the state could not be obtained.',
    { enum: ['Failed', 'Pending', 'Running', 'Succeeded', 'Unknown'] },
  ),
  podIP: str('The IP address allocated to the pod, reachable from anywhere in the cluster. Empty until allocated. Also podIPs[0].'),
  podIPs: list(`${C}.PodIP`, 'The IP addresses of the pod, at most one per IP family; the first equals podIP. This cluster is single-stack IPv4, so there is at most one.', {
    listType: 'map',
    mapKeys: ['ip'],
  }),
  qosClass: str('The quality-of-service class derived from the containers\' requests and limits: Guaranteed, Burstable or BestEffort.', {
    enum: ['BestEffort', 'Burstable', 'Guaranteed'],
  }),
  reason: str('A short CamelCase reason for the current state, such as Evicted.'),
  resize: str('Deprecated: the state of an in-place resource resize. Replaced by the PodResizePending and PodResizeInProgress conditions.'),
  resourceClaimStatuses: list(`${C}.PodResourceClaimStatus`, 'The names of the ResourceClaims generated for the pod from templates.', {
    listType: 'map',
    mapKeys: ['name'],
  }),
  startTime: time('When the kubelet acknowledged the pod, before any image was pulled.'),
});

type(
  `${C}.PodCondition`,
  'One aspect of the state of a pod.',
  {
    lastProbeTime: time('When the condition was last checked.'),
    lastTransitionTime: time('When the status last changed from one value to another.'),
    message: str('A human-readable explanation of the last transition.'),
    observedGeneration: int("The metadata.generation of the pod this condition was set from.", { format: 'int64' }),
    reason: str('A short CamelCase reason for the last transition.'),
    status: str('True, False or Unknown.'),
    type: str('The condition type, such as Ready or PodScheduled.'),
  },
  { required: ['type', 'status'] },
);

type(
  `${C}.PodIP`,
  'One IP address of a pod.',
  {
    ip: str('The IP address.'),
  },
  { required: ['ip'] },
);

type(
  `${C}.HostIP`,
  'One IP address of the node a pod runs on.',
  {
    ip: str('The IP address.'),
  },
  { required: ['ip'] },
);

type(
  `${C}.PodResourceClaimStatus`,
  'The generated ResourceClaim behind one of the pod\'s resourceClaims.',
  {
    name: str("The name of the entry in the pod's spec.resourceClaims."),
    resourceClaimName: str('The name of the ResourceClaim generated for the pod. Unset when none was needed.'),
  },
  { required: ['name'] },
);

type(
  `${C}.ContainerStatus`,
  'The observed state of one container.',
  {
    allocatedResources: refMap(Q, 'The compute resources the node has allocated to the container.'),
    allocatedResourcesStatus: list(`${C}.ResourceStatus`, 'The health of the devices and other resources allocated to the container.', {
      listType: 'map',
      mapKeys: ['name'],
    }),
    containerID: str('The ID of the container, as <runtime>://<id>.'),
    image: str('The image the container runs, which may differ from the spec (for example when resolved to a digest).'),
    imageID: str('The ID or digest of the image the container runs.'),
    lastState: ref(`${C}.ContainerState`, 'The state of the previous run of the container, usually how it terminated. Empty if it has not been restarted.'),
    name: str('The name of the container, as in the spec.'),
    ready: bool('Whether the container passes its readiness probe (or is running and has none).'),
    resources: ref(`${C}.ResourceRequirements`, 'The requests and limits actually applied to the running container.'),
    restartCount: int('How many times the container has been restarted. The kubelet keeps counting, but the count can go back to 0 when its state is lost, for example when the node restarts.'),
    started: bool('Whether the container has started and passed its startup probe, if it has one. False while starting or after a restart.'),
    state: ref(`${C}.ContainerState`, 'The current state of the container.'),
    stopSignal: str('The signal that will actually be used to stop the container.', { enum: SIGNALS }),
    user: ref(`${C}.ContainerUser`, 'The user and group identities the first process of the container runs with, as reported by the runtime.'),
    volumeMounts: list(`${C}.VolumeMountStatus`, 'The state of the volume mounts of the container.', { listType: 'map', mapKeys: ['mountPath'] }),
  },
  { required: ['name', 'ready', 'restartCount', 'image', 'imageID'] },
);

type(`${C}.ContainerState`, 'The state of a container: at most one field is set. With none, the container is waiting.', {
  running: ref(`${C}.ContainerStateRunning`, 'Set while the container runs.'),
  terminated: ref(`${C}.ContainerStateTerminated`, 'Set once the container has exited.'),
  waiting: ref(`${C}.ContainerStateWaiting`, 'Set while the container has not started yet (or is waiting to be restarted).'),
});

type(`${C}.ContainerStateRunning`, 'A container that is running.', {
  startedAt: time('When the container last (re)started.'),
});

type(`${C}.ContainerStateWaiting`, 'A container that is not running yet.', {
  message: str('More detail on why the container is not running.'),
  reason: str('Why the container is not running yet, such as ContainerCreating, CrashLoopBackOff or ImagePullBackOff.'),
});

type(
  `${C}.ContainerStateTerminated`,
  'A container that has exited.',
  {
    containerID: str('The ID of the container, as <runtime>://<id>.'),
    exitCode: int('The exit status of the last run.'),
    finishedAt: time('When the container last exited.'),
    message: str('More detail on the exit, such as the termination message.'),
    reason: str('A short reason for the exit, such as Completed, Error or OOMKilled.'),
    signal: int('The signal that ended the container, if any.'),
    startedAt: time('When the run that ended started.'),
  },
  { required: ['exitCode'] },
);

type(`${C}.ContainerUser`, 'The identities a container process runs with.', {
  linux: ref(`${C}.LinuxContainerUser`, 'The Linux user and groups the first process started with; a privileged process may change them later.'),
});

type(
  `${C}.LinuxContainerUser`,
  'The Linux user and groups of the first process of a container.',
  {
    gid: int('The primary group ID.', { format: 'int64' }),
    supplementalGroups: list({ type: 'integer', format: 'int64' }, 'The supplemental group IDs.', { listType: 'atomic' }),
    uid: int('The user ID.', { format: 'int64' }),
  },
  { required: ['uid', 'gid'] },
);

type(
  `${C}.ResourceStatus`,
  'The health of the devices behind one resource of a container.',
  {
    name: str('The resource: an extended resource name, or claim:<claim>/<request> for a dynamically allocated one.'),
    resources: list(`${C}.ResourceHealth`, 'The health of each device, by ID.', { listType: 'map', mapKeys: ['resourceID'] }),
  },
  { required: ['name'] },
);

type(
  `${C}.ResourceHealth`,
  'The health of one device.',
  {
    health: str('Healthy, Unhealthy or Unknown.'),
    resourceID: str('The ID of the device, unique for the resource.'),
  },
  { required: ['resourceID'] },
);

type(
  `${C}.VolumeMountStatus`,
  'The state of one volume mount of a container.',
  {
    mountPath: str('The path the volume is mounted at.'),
    name: str('The name of the volume.'),
    readOnly: bool('Whether the mount is read-only.'),
    recursiveReadOnly: str('Whether mounts below the volume are read-only too: Disabled, Enabled or empty when the mount is not read-only.'),
  },
  { required: ['name', 'mountPath'] },
);
