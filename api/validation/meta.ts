// ObjectMeta, labels, annotations and label selectors: the checks every kind shares
// (apimachinery's ValidateObjectMeta / ValidateObjectMetaUpdate / ValidateLabelSelector).
import type { LabelSelector, ObjectMeta, OwnerReference } from '../types.js';
import { child, forbidden, goText, immutable, index, invalid, required, tooLong, type FieldError } from './field.js';
import { isLabelValue, isQualifiedName, nameIsDNSLabel, type NameCheck } from './names.js';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabelName(name: string, path: string): FieldError[] {
  return isQualifiedName(name).map((msg) => invalid(path, name, msg));
}

export function validateLabels(labels: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    errs.push(...validateLabelName(k, path));
    if (typeof v !== 'string') errs.push(invalid(path, String(v), 'must be a string'));
    else errs.push(...isLabelValue(v).map((msg) => invalid(path, v, msg)));
  }
  return errs;
}

export function validateAnnotations(annotations: Readonly<Record<string, string>> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(annotations ?? {})) {
    // Annotation keys are qualified names in any case, hence the lowercasing (as upstream).
    errs.push(...isQualifiedName(k.toLowerCase()).map((msg) => invalid(path, k, msg)));
    size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

export function validateLabelSelector(sel: LabelSelector | undefined | null, path: string): FieldError[] {
  if (!sel) return [];
  const errs = validateLabels(sel.matchLabels, child(path, 'matchLabels'));
  (sel.matchExpressions ?? []).forEach((e, i) => {
    const p = index(child(path, 'matchExpressions'), i);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) errs.push(required(child(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0) errs.push(forbidden(child(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(child(p, 'operator'), e.operator, 'not a valid selector operator'));
    }
    errs.push(...validateLabelName(e.key ?? '', child(p, 'key')));
    values.forEach((v, j) => errs.push(...isLabelValue(v).map((msg) => invalid(index(child(p, 'values'), j), v, msg))));
  });
  return errs;
}

/** Upstream ValidateOwnerReferences: every reference names its owner fully; at most one is the controller. Errors carry no index, as upstream's. */
export function validateOwnerReferences(refs: readonly OwnerReference[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  let controller = '';
  for (const ref of refs) {
    const apiVersion = ref.apiVersion ?? '';
    const version = apiVersion.slice(apiVersion.lastIndexOf('/') + 1);
    if (!version) errs.push(invalid(child(path, 'apiVersion'), apiVersion, 'version must not be empty'));
    if (!ref.kind) errs.push(invalid(child(path, 'kind'), ref.kind ?? '', 'kind must not be empty'));
    if (!ref.name) errs.push(invalid(child(path, 'name'), ref.name ?? '', 'name must not be empty'));
    if (!ref.uid) errs.push(invalid(child(path, 'uid'), ref.uid ?? '', 'uid must not be empty'));
    if (ref.controller) {
      const current = `${ref.kind}/${ref.name}`;
      if (controller) {
        const shown = goText(`[]v1.OwnerReference{${refs.map((r) => `v1.OwnerReference{APIVersion:${JSON.stringify(r.apiVersion ?? '')}, Kind:${JSON.stringify(r.kind ?? '')}, Name:${JSON.stringify(r.name ?? '')}, UID:${JSON.stringify(r.uid ?? '')}}`).join(', ')}}`);
        errs.push(invalid(path, shown, `Only one reference can have Controller set to true. Found "true" in references for ${controller} and ${current}`));
      } else controller = current;
    }
  }
  return errs;
}

export interface MetaRules {
  readonly namespaced: boolean;
  readonly name: NameCheck;
}

/**
 * Create-time metadata checks. An empty name with a generateName passes: the apiserver generates
 * the name after validation here (upstream validates after generating, with the same outcome).
 */
export function validateObjectMeta(meta: ObjectMeta | undefined, rules: MetaRules, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) errs.push(...rules.name(m.generateName, true).map((msg) => invalid(child(path, 'generateName'), m.generateName, msg)));
  if (!m.name) {
    if (!m.generateName) errs.push(required(child(path, 'name'), 'name or generateName is required'));
  } else {
    errs.push(...rules.name(m.name, false).map((msg) => invalid(child(path, 'name'), m.name, msg)));
  }
  if (rules.namespaced) {
    if (!m.namespace) errs.push(required(child(path, 'namespace')));
    else errs.push(...nameIsDNSLabel(m.namespace, false).map((msg) => invalid(child(path, 'namespace'), m.namespace, msg)));
  } else if (m.namespace) {
    errs.push(forbidden(child(path, 'namespace'), 'not allowed on this type'));
  }
  if (typeof m.generation === 'number' && m.generation < 0) errs.push(invalid(child(path, 'generation'), m.generation, 'must be greater than or equal to 0'));
  errs.push(...validateLabels(m.labels, child(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, child(path, 'annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences ?? [], child(path, 'ownerReferences')));
  (m.finalizers ?? []).forEach((f) => {
    errs.push(...isQualifiedName(f).map((msg) => invalid(child(path, 'finalizers'), f, msg)));
  });
  return errs;
}

/** Update-time metadata checks: identity fields may not change. A missing uid in the update is filled by the apiserver, so only a different one is an error. */
export function validateObjectMetaUpdate(meta: ObjectMeta | undefined, old: ObjectMeta | undefined, path = 'metadata'): FieldError[] {
  const m = meta ?? {};
  const o = old ?? {};
  const errs: FieldError[] = [];
  errs.push(...immutable(child(path, 'name'), m.name, o.name, m.name ?? ''));
  errs.push(...immutable(child(path, 'namespace'), m.namespace, o.namespace, m.namespace ?? ''));
  if (m.uid && o.uid) errs.push(...immutable(child(path, 'uid'), m.uid, o.uid, m.uid));
  return errs;
}
