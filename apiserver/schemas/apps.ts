// apps/v1 workload controllers: Deployment, ReplicaSet, StatefulSet, DaemonSet.
import { bool, int, intOrString, kind, list, PKG, ref, str, time, type } from './dsl.js';

const A = PKG.apps;
const TEMPLATE = `${PKG.core}.PodTemplateSpec`;
const SELECTOR = `${PKG.meta}.LabelSelector`;
const SELECTOR_TEXT = "Which pods the controller owns. Must match the template's labels; cannot be changed after creation.";
const MIN_READY_TEXT = 'Seconds a new pod must be ready, with no container crashing, before it counts as available (default 0).';
const HISTORY_TEXT = 'How many old revisions to keep so the rollout can be undone (default 10).';

function conditionType(owner: string): void {
  type(
    `${A}.${owner}Condition`,
    `One aspect of a ${owner}'s state.`,
    {
      lastTransitionTime: time('When the condition last changed status.'),
      ...(owner === 'Deployment' ? { lastUpdateTime: time('When the condition was last updated.') } : {}),
      message: str('A human-readable explanation.'),
      reason: str('A CamelCase reason for the last transition.'),
      status: str('True, False or Unknown.'),
      type: str('The condition type.'),
    },
    { required: ['type', 'status'] },
  );
}

// Deployment
kind(`${A}.Deployment`, { group: 'apps', version: 'v1', kind: 'Deployment' }, 'Declarative updates of a set of identical pods: it keeps a ReplicaSet per pod template and rolls from the old one to the new one when the template changes.', {
  spec: ref(`${A}.DeploymentSpec`, 'The desired pods and how to roll them out.'),
  status: ref(`${A}.DeploymentStatus`, 'The observed state of the rollout. Written by the controller.'),
});

type(
  `${A}.DeploymentSpec`,
  'The desired state of a Deployment.',
  {
    minReadySeconds: int(MIN_READY_TEXT),
    paused: bool('While true, template changes do not start a rollout.'),
    progressDeadlineSeconds: int('Seconds a rollout may make no progress before the Progressing condition turns False with ProgressDeadlineExceeded (default 600).'),
    replicas: int('The number of pods wanted (default 1).'),
    revisionHistoryLimit: int(HISTORY_TEXT),
    selector: ref(SELECTOR, SELECTOR_TEXT),
    strategy: ref(`${A}.DeploymentStrategy`, 'How old pods are replaced by new ones.'),
    template: ref(TEMPLATE, 'The pods to create. Only restartPolicy Always is allowed.'),
  },
  { required: ['selector', 'template'] },
);

type(`${A}.DeploymentStrategy`, 'How a Deployment replaces pods.', {
  rollingUpdate: ref(`${A}.RollingUpdateDeployment`, 'Limits of a rolling update; only with type RollingUpdate.'),
  type: str('RollingUpdate (default) replaces pods gradually; Recreate removes every old pod before creating new ones.', { enum: ['Recreate', 'RollingUpdate'] }),
});

type(`${A}.RollingUpdateDeployment`, 'The pace of a rolling update.', {
  maxSurge: intOrString('How many pods may exist above replicas during the update, as a number or a percentage rounded up (default 25%).'),
  maxUnavailable: intOrString('How many of the replicas may be unavailable during the update, as a number or a percentage rounded down (default 25%). Cannot be 0 when maxSurge is 0.'),
});

type(`${A}.DeploymentStatus`, 'The observed state of a Deployment.', {
  availableReplicas: int('Pods that have been ready for at least minReadySeconds.'),
  collisionCount: int('Bumped when the hash of a new template collides with an existing ReplicaSet name, to make the next name unique.'),
  conditions: list(`${A}.DeploymentCondition`, 'Available, Progressing and ReplicaFailure.', { listType: 'map', mapKeys: ['type'] }),
  observedGeneration: int('The metadata.generation the controller last acted on.', { format: 'int64' }),
  readyReplicas: int('Pods whose Ready condition is true.'),
  replicas: int('Pods owned by the Deployment, old and new.'),
  terminatingReplicas: int('Pods being deleted that have not yet gone.'),
  unavailableReplicas: int('Pods still needed for the Deployment to be fully available.'),
  updatedReplicas: int('Pods running the current template.'),
});
conditionType('Deployment');

// ReplicaSet
kind(`${A}.ReplicaSet`, { group: 'apps', version: 'v1', kind: 'ReplicaSet' }, 'Keeps a given number of pods matching its selector running. Usually managed by a Deployment rather than directly.', {
  spec: ref(`${A}.ReplicaSetSpec`, 'The desired pods.'),
  status: ref(`${A}.ReplicaSetStatus`, 'The observed pods. Written by the controller.'),
});

type(
  `${A}.ReplicaSetSpec`,
  'The desired state of a ReplicaSet.',
  {
    minReadySeconds: int(MIN_READY_TEXT),
    replicas: int('The number of pods wanted (default 1).'),
    selector: ref(SELECTOR, SELECTOR_TEXT),
    template: ref(TEMPLATE, 'The pods to create when there are too few.'),
  },
  { required: ['selector'] },
);

type(
  `${A}.ReplicaSetStatus`,
  'The observed state of a ReplicaSet.',
  {
    availableReplicas: int('Pods ready for at least minReadySeconds.'),
    conditions: list(`${A}.ReplicaSetCondition`, 'The current conditions (ReplicaFailure).', { listType: 'map', mapKeys: ['type'] }),
    fullyLabeledReplicas: int("Pods whose labels match the template's."),
    observedGeneration: int('The metadata.generation the controller last acted on.', { format: 'int64' }),
    readyReplicas: int('Pods whose Ready condition is true.'),
    replicas: int('Pods currently owned.'),
    terminatingReplicas: int('Pods being deleted that have not yet gone.'),
  },
  { required: ['replicas'] },
);
conditionType('ReplicaSet');

// StatefulSet
kind(`${A}.StatefulSet`, { group: 'apps', version: 'v1', kind: 'StatefulSet' }, 'Pods with stable identities: each gets an ordinal name (web-0, web-1, …) and, through a headless Service, a stable DNS name; they are created and updated in order.', {
  spec: ref(`${A}.StatefulSetSpec`, 'The desired pods and their identities.'),
  status: ref(`${A}.StatefulSetStatus`, 'The observed state. Written by the controller.'),
});

type(
  `${A}.StatefulSetSpec`,
  'The desired state of a StatefulSet.',
  {
    minReadySeconds: int(MIN_READY_TEXT),
    ordinals: ref(`${A}.StatefulSetOrdinals`, 'Where pod ordinals start.'),
    podManagementPolicy: str('OrderedReady (default) creates pods one at a time, each after the previous is ready, and removes them in reverse; Parallel does both at once.', {
      enum: ['OrderedReady', 'Parallel'],
    }),
    replicas: int('The number of pods wanted (default 1).'),
    revisionHistoryLimit: int(HISTORY_TEXT),
    selector: ref(SELECTOR, SELECTOR_TEXT),
    serviceName: str('The headless Service that gives each pod its DNS name <pod>.<serviceName>.<namespace>.svc.<cluster domain>; it must exist before the pods.'),
    template: ref(TEMPLATE, 'The pods to create; each gets the StatefulSet name and its ordinal as name and hostname.'),
    updateStrategy: ref(`${A}.StatefulSetUpdateStrategy`, 'How pods are replaced when the template changes.'),
  },
  { required: ['selector', 'template'] },
);

type(`${A}.StatefulSetOrdinals`, 'The numbering of a StatefulSet\'s pods.', {
  start: int('The ordinal of the first pod (default 0).'),
});

type(`${A}.StatefulSetUpdateStrategy`, 'How a StatefulSet updates its pods.', {
  rollingUpdate: ref(`${A}.RollingUpdateStatefulSetStrategy`, 'Limits of a rolling update.'),
  type: str('RollingUpdate (default) replaces pods from the highest ordinal down; OnDelete only uses the new template for pods you delete.', { enum: ['OnDelete', 'RollingUpdate'] }),
});

type(`${A}.RollingUpdateStatefulSetStrategy`, 'The limits of a StatefulSet rolling update.', {
  maxUnavailable: intOrString('How many pods may be unavailable during the update (default 1).'),
  partition: int('Only pods with an ordinal at or above this number are updated (default 0), for staged rollouts.'),
});

type(
  `${A}.StatefulSetStatus`,
  'The observed state of a StatefulSet.',
  {
    availableReplicas: int('Pods ready for at least minReadySeconds.'),
    collisionCount: int('Bumped when a new revision name collides, to make the next one unique.'),
    conditions: list(`${A}.StatefulSetCondition`, 'The current conditions.', { listType: 'map', mapKeys: ['type'] }),
    currentReplicas: int('Pods at currentRevision.'),
    currentRevision: str('The revision of the pods being replaced.'),
    observedGeneration: int('The metadata.generation the controller last acted on.', { format: 'int64' }),
    readyReplicas: int('Pods whose Ready condition is true.'),
    replicas: int('Pods currently owned.'),
    updateRevision: str('The revision of the current template.'),
    updatedReplicas: int('Pods at updateRevision.'),
  },
  { required: ['replicas'] },
);
conditionType('StatefulSet');

// DaemonSet
kind(`${A}.DaemonSet`, { group: 'apps', version: 'v1', kind: 'DaemonSet' }, 'Runs one copy of a pod on every node (or on the nodes its template selects), for node agents such as a proxy or a log collector.', {
  spec: ref(`${A}.DaemonSetSpec`, 'The pod to run on each node.'),
  status: ref(`${A}.DaemonSetStatus`, 'The observed state. Written by the controller.'),
});

type(
  `${A}.DaemonSetSpec`,
  'The desired state of a DaemonSet.',
  {
    minReadySeconds: int(MIN_READY_TEXT),
    revisionHistoryLimit: int(HISTORY_TEXT),
    selector: ref(SELECTOR, SELECTOR_TEXT),
    template: ref(TEMPLATE, "The pod to run; its nodeSelector, affinity and tolerations decide which nodes get one."),
    updateStrategy: ref(`${A}.DaemonSetUpdateStrategy`, 'How pods are replaced when the template changes.'),
  },
  { required: ['selector', 'template'] },
);

type(`${A}.DaemonSetUpdateStrategy`, 'How a DaemonSet updates its pods.', {
  rollingUpdate: ref(`${A}.RollingUpdateDaemonSet`, 'Limits of a rolling update.'),
  type: str('RollingUpdate (default) replaces pods node by node; OnDelete only uses the new template where you delete the old pod.', { enum: ['OnDelete', 'RollingUpdate'] }),
});

type(`${A}.RollingUpdateDaemonSet`, 'The pace of a DaemonSet rolling update.', {
  maxSurge: intOrString('How many nodes may run an old and a new pod at once during the update (default 0).'),
  maxUnavailable: intOrString('How many nodes may be without an available pod during the update (default 1).'),
});

type(
  `${A}.DaemonSetStatus`,
  'The observed state of a DaemonSet.',
  {
    collisionCount: int('Bumped when a new revision name collides, to make the next one unique.'),
    conditions: list(`${A}.DaemonSetCondition`, 'The current conditions.', { listType: 'map', mapKeys: ['type'] }),
    currentNumberScheduled: int('Nodes that run the pod and should.'),
    desiredNumberScheduled: int('Nodes that should run the pod.'),
    numberAvailable: int('Nodes whose pod has been ready for at least minReadySeconds.'),
    numberMisscheduled: int('Nodes that run the pod but should not.'),
    numberReady: int('Nodes whose pod is ready.'),
    numberUnavailable: int('Nodes that should run an available pod and do not.'),
    observedGeneration: int('The metadata.generation the controller last acted on.', { format: 'int64' }),
    updatedNumberScheduled: int('Nodes that run the pod of the current template.'),
  },
  { required: ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady'] },
);
conditionType('DaemonSet');
