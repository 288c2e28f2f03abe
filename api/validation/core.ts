// The small core/v1 kinds: Namespace, Node, Secret, ConfigMap, Event, ServiceAccount.
import type { ConfigMap, Event, Namespace, Node, Secret, ServiceAccount } from '../types.js';
import { tryParseCIDR } from '../ip.js';
import { child, deepEqual, duplicate, forbidden, immutable, index, invalid, key, required, tooLong, type FieldError } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isConfigMapKey, isDNS1123Subdomain, isQualifiedName, isValidCIDR, nameIsDNSLabel, nameIsDNSSubdomain } from './names.js';

const MAX_DATA_SIZE = 1024 * 1024;

function decodedLength(b64: string): number {
  return Buffer.from(String(b64), 'base64').length;
}

export function validateNamespace(ns: Namespace): FieldError[] {
  const errs = validateObjectMeta(ns.metadata, { namespaced: false, name: nameIsDNSLabel });
  (ns.spec?.finalizers ?? []).forEach((f, i) => {
    // Standard finalizers ("kubernetes") have no prefix; anything else must be a qualified, prefixed name.
    if (f !== 'kubernetes') errs.push(...isQualifiedName(f).map((msg) => invalid(index('spec.finalizers', i), f, msg)));
  });
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const errs = validateObjectMeta(node.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const cidrs = node.spec?.podCIDRs ?? [];
  cidrs.forEach((c, i) => errs.push(...isValidCIDR(c).map((msg) => invalid(index('spec.podCIDRs', i), c, msg))));
  if (cidrs.length > 1) {
    const families = cidrs.map((c) => tryParseCIDR(c)?.family);
    if (cidrs.length > 2 || families[0] === families[1]) errs.push(invalid('spec.podCIDRs', cidrs, 'may specify no more than one CIDR for each IP family'));
    const seen = new Set<string>();
    cidrs.forEach((c, i) => {
      if (seen.has(c)) errs.push(duplicate(index('spec.podCIDRs', i), c));
      seen.add(c);
    });
  }
  return errs;
}

export function validateNodeUpdate(node: Node, old: Node): FieldError[] {
  const errs = validateObjectMetaUpdate(node.metadata, old.metadata);
  const oldCIDRs = old.spec?.podCIDRs ?? [];
  if (oldCIDRs.length > 0 && !deepEqual(oldCIDRs, node.spec?.podCIDRs ?? [])) {
    errs.push(forbidden('spec.podCIDRs', 'node updates may not change podCIDR except from "" to valid'));
  }
  const oldProvider = old.spec?.providerID;
  if (oldProvider && oldProvider !== node.spec?.providerID) {
    errs.push(forbidden('spec.providerID', 'node updates may not change providerID except from "" to valid'));
  }
  return [...errs, ...validateNode(node)];
}

function requireKeys(data: Readonly<Record<string, string>>, keys: readonly string[]): FieldError[] {
  return keys.filter((k) => !(k in data)).map((k) => required(key('data', k)));
}

export function validateSecret(secret: Secret): FieldError[] {
  const errs = validateObjectMeta(secret.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const data = secret.data ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((msg) => invalid(key('data', k), k, msg)));
    size += decodedLength(v);
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('data', MAX_DATA_SIZE));
  switch (secret.type) {
    case 'kubernetes.io/service-account-token':
      if (!secret.metadata?.annotations?.['kubernetes.io/service-account.name']) {
        errs.push(required('metadata.annotations[kubernetes.io/service-account.name]'));
      }
      break;
    case 'kubernetes.io/dockercfg':
      errs.push(...requireKeys(data, ['.dockercfg']));
      break;
    case 'kubernetes.io/dockerconfigjson':
      errs.push(...requireKeys(data, ['.dockerconfigjson']));
      break;
    case 'kubernetes.io/basic-auth':
      if (!('username' in data) && !('password' in data)) errs.push(...requireKeys(data, ['username', 'password']));
      break;
    case 'kubernetes.io/ssh-auth':
      if (!data['ssh-privatekey']) errs.push(required(key('data', 'ssh-privatekey')));
      break;
    case 'kubernetes.io/tls':
      errs.push(...requireKeys(data, ['tls.crt', 'tls.key']));
      break;
  }
  return errs;
}

export function validateSecretUpdate(secret: Secret, old: Secret): FieldError[] {
  const errs = validateObjectMetaUpdate(secret.metadata, old.metadata);
  errs.push(...immutable('type', secret.type, old.type, secret.type ?? ''));
  if (old.immutable) {
    if (!secret.immutable) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(secret.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
  }
  return [...errs, ...validateSecret(secret)];
}

export function validateConfigMap(cm: ConfigMap): FieldError[] {
  const errs = validateObjectMeta(cm.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const data = cm.data ?? {};
  const binary = cm.binaryData ?? {};
  let size = 0;
  for (const [k, v] of Object.entries(data)) {
    errs.push(...isConfigMapKey(k).map((msg) => invalid(key('data', k), k, msg)));
    if (k in binary) errs.push(invalid(key('data', k), k, 'duplicate of key present in binaryData'));
    size += Buffer.byteLength(String(v));
  }
  for (const [k, v] of Object.entries(binary)) {
    errs.push(...isConfigMapKey(k).map((msg) => invalid(key('binaryData', k), k, msg)));
    if (k in data) errs.push(invalid(key('binaryData', k), k, 'duplicate of key present in data'));
    size += decodedLength(v);
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong('', MAX_DATA_SIZE));
  return errs;
}

export function validateConfigMapUpdate(cm: ConfigMap, old: ConfigMap): FieldError[] {
  const errs = validateObjectMetaUpdate(cm.metadata, old.metadata);
  if (old.immutable) {
    if (!cm.immutable) errs.push(forbidden('immutable', 'field is immutable when `immutable` is set'));
    if (!deepEqual(cm.data, old.data)) errs.push(forbidden('data', 'field is immutable when `immutable` is set'));
    if (!deepEqual(cm.binaryData, old.binaryData)) errs.push(forbidden('binaryData', 'field is immutable when `immutable` is set'));
  }
  return [...errs, ...validateConfigMap(cm)];
}

/** core/v1 Events: the involved object's namespace must agree with the event's ("default" tolerated for old clients). */
export function validateEvent(ev: Event): FieldError[] {
  const errs = validateObjectMeta(ev.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const ns = ev.metadata?.namespace ?? '';
  const involved = ev.involvedObject?.namespace ?? '';
  if (involved === '' ? ns !== '' && ns !== 'default' : ns !== involved) {
    errs.push(invalid(child('involvedObject', 'namespace'), involved, 'does not match event.namespace'));
  }
  if (ns) errs.push(...isDNS1123Subdomain(ns).map((msg) => invalid('namespace', ns, msg)));
  return errs;
}

export function validateServiceAccount(sa: ServiceAccount): FieldError[] {
  return validateObjectMeta(sa.metadata, { namespaced: true, name: nameIsDNSSubdomain });
}

export function validateNamespaceUpdate(ns: Namespace, old: Namespace): FieldError[] {
  return [...validateObjectMetaUpdate(ns.metadata, old.metadata), ...validateNamespace(ns)];
}
