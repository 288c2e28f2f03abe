// validateObject: the one entry point the apiserver calls. Dispatches on kind; with `old` it applies
// the kind's update rules (immutable fields) as well. The object is validated as stored: defaulted
// (applyDefaults is idempotent, so already-defaulted input is unchanged) and, on update, prepared
// with prepareForUpdate — the apiserver must store that same form.
import { applyDefaults, prepareForUpdate } from '../defaults.js';
import type { KubeObject } from '../types.js';
import type { FieldError } from './field.js';
import { validateConfigMap, validateConfigMapUpdate, validateEvent, validateNamespace, validateNamespaceUpdate, validateNode, validateNodeUpdate, validateSecret, validateSecretUpdate, validateServiceAccount } from './core.js';
import { validateEndpointSlice, validateEndpointSliceUpdate, validateEndpoints, validateEndpointsUpdate } from './endpoints.js';
import { validateGateway, validateGatewayAPIUpdate, validateGatewayClass, validateHTTPRoute } from './gateway.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';
import { validateIngress, validateIngressClass, validateIngressClassUpdate, validateIngressUpdate } from './ingress.js';
import { validateNetworkPolicy, validateNetworkPolicyUpdate } from './networkpolicy.js';
import { validatePod, validatePodUpdate } from './pod.js';
import { DEFAULT_NODE_PORT_RANGE, validateService, validateServiceUpdate, type PortRange } from './service.js';
import {
  validateDaemonSet,
  validateDaemonSetUpdate,
  validateDeployment,
  validateDeploymentUpdate,
  validateReplicaSet,
  validateReplicaSetUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './workloads.js';

export type { FieldError } from './field.js';
export { DEFAULT_NODE_PORT_RANGE, type PortRange } from './service.js';

export interface ValidateOptions {
  /** The apiserver's NodePort range; 30000–32767 when absent. */
  readonly nodePortRange?: PortRange;
  /** The subresource an update came through (`ephemeralcontainers` may add debug containers). */
  readonly subresource?: string;
}

type Create = (obj: never, opts: ValidateOptions) => FieldError[];
type Update = (obj: never, old: never, opts: ValidateOptions) => FieldError[];

const RULES: Record<string, { create: Create; update: Update }> = {
  Namespace: { create: validateNamespace, update: validateNamespaceUpdate },
  Node: { create: validateNode, update: validateNodeUpdate },
  Pod: { create: validatePod, update: (o: never, old: never, opts: ValidateOptions) => validatePodUpdate(o, old, opts.subresource) },
  Service: {
    create: (o: never, opts: ValidateOptions) => validateService(o, { nodePortRange: opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE }),
    update: (o: never, old: never, opts: ValidateOptions) => validateServiceUpdate(o, old, { nodePortRange: opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE }),
  },
  Endpoints: { create: validateEndpoints, update: validateEndpointsUpdate },
  Secret: { create: validateSecret, update: validateSecretUpdate },
  ConfigMap: { create: validateConfigMap, update: validateConfigMapUpdate },
  Event: { create: validateEvent, update: (o: never, old: never) => [...validateObjectMetaUpdate((o as KubeObject).metadata, (old as KubeObject).metadata), ...validateEvent(o)] },
  ServiceAccount: { create: validateServiceAccount, update: (o: never, old: never) => [...validateObjectMetaUpdate((o as KubeObject).metadata, (old as KubeObject).metadata), ...validateServiceAccount(o)] },
  Deployment: { create: validateDeployment, update: validateDeploymentUpdate },
  ReplicaSet: { create: validateReplicaSet, update: validateReplicaSetUpdate },
  StatefulSet: { create: validateStatefulSet, update: validateStatefulSetUpdate },
  DaemonSet: { create: validateDaemonSet, update: validateDaemonSetUpdate },
  EndpointSlice: { create: validateEndpointSlice, update: validateEndpointSliceUpdate },
  Ingress: { create: validateIngress, update: validateIngressUpdate },
  IngressClass: { create: validateIngressClass, update: validateIngressClassUpdate },
  NetworkPolicy: { create: validateNetworkPolicy, update: validateNetworkPolicyUpdate },
  GatewayClass: { create: validateGatewayClass, update: (o: never, old: never) => validateGatewayAPIUpdate(o, old, validateGatewayClass) },
  Gateway: { create: validateGateway, update: (o: never, old: never) => validateGatewayAPIUpdate(o, old, validateGateway) },
  HTTPRoute: { create: validateHTTPRoute, update: (o: never, old: never) => validateGatewayAPIUpdate(o, old, validateHTTPRoute) },
};

/** Kinds validateObject knows; any other kind gets only the generic metadata checks. */
export const VALIDATED_KINDS: readonly string[] = Object.keys(RULES);

/**
 * Field errors for `obj` ([] = valid). With `old`, validates an update from `old` to `obj`. Never
 * throws: an object whose fields have the wrong JSON types (which upstream rejects while decoding)
 * comes back as one FieldValueTypeInvalid error.
 */
export function validateObject(obj: KubeObject, old?: KubeObject, opts: ValidateOptions = {}): FieldError[] {
  try {
    return validate(obj, old, opts);
  } catch (err) {
    const kind = obj?.kind ?? 'object';
    return [{ reason: 'FieldValueTypeInvalid', field: '', message: `Invalid value: ${JSON.stringify(kind)}: does not have the shape of a ${kind}: ${(err as Error).message}` }];
  }
}

function validate(obj: KubeObject, old: KubeObject | undefined, opts: ValidateOptions): FieldError[] {
  const rules = RULES[obj.kind ?? ''];
  const current = applyDefaults(obj);
  if (!rules) {
    const meta = validateObjectMeta(current.metadata, { namespaced: current.metadata?.namespace !== undefined, name: nameIsDNSSubdomain });
    return old ? [...validateObjectMetaUpdate(current.metadata, old.metadata), ...meta] : meta;
  }
  if (!old) return rules.create(current as never, opts);
  const previous = applyDefaults(old);
  return rules.update(prepareForUpdate(current, previous) as never, previous as never, opts);
}

export { applyDefaults, prepareForUpdate };
