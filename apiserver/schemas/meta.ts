// Object metadata and the shared scalar types (Time, IntOrString, Quantity, label selectors).
import { bool, define, int, list, PKG, ref, str, strList, strMap, time, type } from './dsl.js';

const M = PKG.meta;

define(`${M}.Time`, { type: 'string', format: 'date-time', description: 'A timestamp, serialized as RFC 3339 in UTC with second precision.' });
define(`${M}.MicroTime`, { type: 'string', format: 'date-time', description: 'A timestamp with microsecond precision, serialized as RFC 3339.' });
define(`${PKG.intstr}.IntOrString`, {
  type: 'string',
  format: 'int-or-string',
  'x-kubernetes-int-or-string': true,
  description: 'Either an integer or a string: a port number or a port name, a count or a percentage ("25%").',
});
define(`${PKG.resource}.Quantity`, {
  type: 'string',
  description: 'A fixed-point amount with an optional suffix: "100m" CPU is a tenth of a core, "64Mi" is 64 × 2^20 bytes, "1G" is 10^9.',
});
define(`${M}.FieldsV1`, { type: 'object', description: 'The set of fields a manager owns, encoded as a trie of "f:<name>", "k:<key>" and "v:<value>" entries.' });

type(`${M}.ObjectMeta`, 'Metadata every persisted object has.', {
  annotations: strMap('Unstructured key/value data set by tools and controllers; not queryable. Keys follow the same prefix/name rules as labels.'),
  creationTimestamp: time('When the server created the object. Set by the system, read-only, absent on lists.'),
  deletionGracePeriodSeconds: int('Seconds the object is allowed to shut down gracefully before it is removed. Only set when deletionTimestamp is set. Read-only.', { format: 'int64' }),
  deletionTimestamp: time(
    'When the object will be (or was asked to be) deleted. Set by the server when a graceful deletion is requested; the object stays visible until its finalizers are empty. Read-only.',
  ),
  finalizers: strList('Names of controllers that must finish cleaning up before the object is removed from storage. Deletion waits until the list is empty.', { listType: 'set' }),
  generateName: str('A prefix the server uses to make a unique name when none is given: a random suffix is appended.'),
  generation: int('A sequence number for changes to the desired state (spec). Set by the system, read-only.', { format: 'int64' }),
  labels: strMap('Key/value pairs used to organize and select objects; Services, controllers and policies select by them.'),
  managedFields: list(`${M}.ManagedFieldsEntry`, 'Which manager owns which fields, for server-side apply. Maintained by the server.', { listType: 'atomic' }),
  name: str('Unique within a namespace (or the cluster for cluster-scoped kinds). Required when creating, unless generateName is used; cannot be updated.'),
  namespace: str('The namespace the object lives in. Empty for cluster-scoped kinds; defaults to "default" for namespaced ones. Cannot be updated.'),
  ownerReferences: list(`${M}.OwnerReference`, 'Objects this one depends on. When every owner is gone, the garbage collector deletes this object.', {
    listType: 'map',
    mapKeys: ['uid'],
  }),
  resourceVersion: str(
    'An opaque version the server changes on every write. Clients send it back for optimistic concurrency on update and use it to resume watches; never compare two of them for order.',
  ),
  selfLink: str('Deprecated and always empty.'),
  uid: str('Unique in time and space for this object, set by the server on creation. Read-only.'),
});

type(`${M}.ListMeta`, 'Metadata of a list response.', {
  continue: str('Set when the list was cut short by a limit: send it back as the continue parameter to get the next page.'),
  remainingItemCount: int('How many items a paged list has after this page, when the server knows.', { format: 'int64' }),
  resourceVersion: str('The version of the collection this list was read at; watch from it to see every later change.'),
  selfLink: str('Deprecated and always empty.'),
});

type(
  `${M}.OwnerReference`,
  'Identifies an owning object in the same namespace (or a cluster-scoped one).',
  {
    apiVersion: str("The owner's API version."),
    blockOwnerDeletion: bool('With foreground deletion, the owner is not removed until this dependent is gone.'),
    controller: bool('True for the managing controller; at most one owner reference may say so.'),
    kind: str("The owner's kind."),
    name: str("The owner's name."),
    uid: str("The owner's uid."),
  },
  { required: ['apiVersion', 'kind', 'name', 'uid'] },
);

type(`${M}.ManagedFieldsEntry`, 'A workflow (manager) and the fields it set, with the operation that set them.', {
  apiVersion: str('The version of the resource the fieldset applies to.'),
  fieldsType: str('The format of fieldsV1; always "FieldsV1".'),
  fieldsV1: ref(`${M}.FieldsV1`, 'The fields owned, as a trie.'),
  manager: str('The name of the workflow, usually the client program (for example kubectl-client-side-apply).'),
  operation: str('Apply or Update: how the fields came to be owned.'),
  subresource: str('The subresource written ("status", "scale"), empty for the main resource.'),
  time: time('When the manager last changed these fields.'),
});

type(
  `${M}.LabelSelectorRequirement`,
  'One set-based condition on a label.',
  {
    key: str('The label key the condition applies to.'),
    operator: str('How the key relates to the values: In, NotIn, Exists or DoesNotExist.'),
    values: strList('For In and NotIn, the values to compare with (at least one); empty for Exists and DoesNotExist.', { listType: 'atomic' }),
  },
  { required: ['key', 'operator'] },
);

type(
  `${M}.LabelSelector`,
  'Selects objects by their labels. Both parts must match (they are ANDed). An empty selector matches everything; a null one matches nothing.',
  {
    matchExpressions: list(`${M}.LabelSelectorRequirement`, 'Set-based conditions, all of which must hold.', { listType: 'atomic' }),
    matchLabels: strMap('Exact key/value pairs, each equivalent to an In condition with a single value.'),
  },
);

type(
  `${M}.Condition`,
  'One aspect of an object\'s current state, in the standard shape controllers use.',
  {
    lastTransitionTime: time('When the status last changed from one value to another.'),
    message: str('A human-readable explanation of the transition.'),
    observedGeneration: int("The object's metadata.generation this condition was computed from.", { format: 'int64' }),
    reason: str('A CamelCase, machine-readable reason for the last transition.'),
    status: str('True, False or Unknown.'),
    type: str('The condition type, in CamelCase or as foo.example.com/CamelCase.'),
  },
  { required: ['type', 'status', 'lastTransitionTime', 'reason', 'message'] },
);
