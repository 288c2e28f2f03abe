// apps/v1 workloads: Deployment, ReplicaSet, StatefulSet, DaemonSet (upstream pkg/apis/apps/validation).
import type { DaemonSet, Deployment, ReplicaSet, StatefulSet } from '../types.js';
import type { LabelSelector } from '../types.js';
import type { PodTemplateSpec } from 'kubernetes-types/core/v1.js';
import { compileSelector, matches } from '../labels.js';
import { child, deepEqual, forbidden, goText, invalid, notSupported, required, type FieldError } from './field.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { nameIsDNSSubdomain } from './names.js';
import { validatePodTemplateSpec } from './pod.js';

const NEGATIVE = 'must be greater than or equal to 0';

function nonNegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, NEGATIVE)] : [];
}

/**
 * A metav1.LabelSelector in Go's %#v notation, as apiservers up to 1.30 print it in these messages
 * (the form users search for: `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, …}`).
 */
export function labelSelectorText(sel: LabelSelector | undefined): string {
  if (!sel) return 'null';
  const q = (v: string) => JSON.stringify(v);
  const labelKeys = Object.keys(sel.matchLabels ?? {}).sort();
  const labels = sel.matchLabels
    ? `map[string]string{${labelKeys.map((k) => `${q(k)}:${q(sel.matchLabels![k]!)}`).join(', ')}}`
    : 'map[string]string(nil)';
  const exprs = sel.matchExpressions
    ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
        .map((e) => `v1.LabelSelectorRequirement{Key:${q(e.key ?? '')}, Operator:${q(e.operator ?? '')}, Values:${e.values ? `[]string{${e.values.map(q).join(', ')}}` : '[]string(nil)'}}`)
        .join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

/** An intstr.IntOrString in Go's %#v notation. */
function intOrPercentText(v: number | string | undefined): string {
  if (typeof v === 'string') return `intstr.IntOrString{Type:1, IntVal:0, StrVal:${JSON.stringify(v)}}`;
  return `intstr.IntOrString{Type:0, IntVal:${v ?? 0}, StrVal:""}`;
}

function percentValue(v: number | string | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^[0-9]+%$/.test(v)) return Number(v.slice(0, -1));
  return undefined;
}

function validatePositiveIntOrPercent(v: number | string | undefined, path: string): FieldError[] {
  if (v === undefined) return [];
  if (typeof v === 'string') {
    return /^[0-9]+%$/.test(v)
      ? []
      : [invalid(path, goText(intOrPercentText(v)), "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")];
  }
  return nonNegative(v, path);
}

function notMoreThan100Percent(v: number | string | undefined, path: string): FieldError[] {
  if (typeof v !== 'string') return [];
  const n = percentValue(v);
  return n !== undefined && n > 100 ? [invalid(path, goText(intOrPercentText(v)), 'must not be greater than 100%')] : [];
}

function validateRollingUpdate(ru: { maxUnavailable?: number | string; maxSurge?: number | string }, path: string, zeroMsg: string): FieldError[] {
  const errs = [
    ...validatePositiveIntOrPercent(ru.maxUnavailable, child(path, 'maxUnavailable')),
    ...validatePositiveIntOrPercent(ru.maxSurge, child(path, 'maxSurge')),
  ];
  if ((percentValue(ru.maxUnavailable) ?? 0) === 0 && (percentValue(ru.maxSurge) ?? 0) === 0) {
    errs.push(invalid(child(path, 'maxUnavailable'), goText(intOrPercentText(ru.maxUnavailable)), zeroMsg));
  }
  errs.push(...notMoreThan100Percent(ru.maxUnavailable, child(path, 'maxUnavailable')));
  return errs;
}

/** Selector present, valid, non-empty, and matching the template's labels; the template itself valid and restartPolicy Always. */
function validateSelectorAndTemplate(selector: LabelSelector | undefined, template: PodTemplateSpec | undefined, what: string, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!selector) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(selector, 'spec.selector'));
    if (Object.keys(selector.matchLabels ?? {}).length + (selector.matchExpressions ?? []).length === 0) {
      errs.push(invalid('spec.selector', goText(labelSelectorText(selector)), `empty selector is invalid for ${what}`));
    }
  }
  if (!template) return [...errs, required('spec.template')];
  let compiled;
  try {
    compiled = selector ? compileSelector(selector) : undefined;
  } catch {
    compiled = undefined;
  }
  if (compiled && compiled.requirements.length > 0 && !matches(compiled, template.metadata?.labels)) {
    errs.push(invalid('spec.template.metadata.labels', template.metadata?.labels ?? {}, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(template, 'spec.template'));
  const rp = template.spec?.restartPolicy;
  if (rp && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (template.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(forbidden('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

const META = { namespaced: true, name: nameIsDNSSubdomain };

export function validateDeployment(d: Deployment): FieldError[] {
  const spec = d.spec;
  const errs = validateObjectMeta(d.metadata, META);
  errs.push(...nonNegative(spec?.replicas, 'spec.replicas'));
  errs.push(...validateSelectorAndTemplate(spec?.selector, spec?.template, 'deployment', 'ReplicaSet'));
  const strategy = spec?.strategy ?? {};
  switch (strategy.type) {
    case 'Recreate':
      if (strategy.rollingUpdate) errs.push(forbidden('spec.strategy.rollingUpdate', "may not be specified when strategy `type` is 'Recreate'"));
      break;
    case 'RollingUpdate':
      if (!strategy.rollingUpdate) errs.push(required('spec.strategy.rollingUpdate', 'this should be defaulted and never be nil'));
      else errs.push(...validateRollingUpdate(strategy.rollingUpdate, 'spec.strategy.rollingUpdate', 'may not be 0 when `maxSurge` is 0'));
      break;
    default:
      errs.push(notSupported('spec.strategy.type', strategy.type ?? '', ['Recreate', 'RollingUpdate']));
  }
  errs.push(...nonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...nonNegative(spec?.revisionHistoryLimit, 'spec.revisionHistoryLimit'));
  const pds = spec?.progressDeadlineSeconds;
  if (pds !== undefined) {
    errs.push(...nonNegative(pds, 'spec.progressDeadlineSeconds'));
    if (pds <= (spec?.minReadySeconds ?? 0)) errs.push(invalid('spec.progressDeadlineSeconds', pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateReplicaSet(rs: ReplicaSet): FieldError[] {
  const spec = rs.spec;
  const errs = validateObjectMeta(rs.metadata, META);
  errs.push(...nonNegative(spec?.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
  // "for deployment" is upstream's wording for ReplicaSets too.
  errs.push(...validateSelectorAndTemplate(spec?.selector, spec?.template, 'deployment', 'ReplicaSet'));
  return errs;
}

export function validateStatefulSet(ss: StatefulSet): FieldError[] {
  const spec = ss.spec;
  const errs = validateObjectMeta(ss.metadata, META);
  const pmp = spec?.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = spec?.updateStrategy ?? {};
  switch (us.type) {
    case undefined:
    case '':
      errs.push(required('spec.updateStrategy'));
      break;
    case 'OnDelete':
      if (us.rollingUpdate) errs.push(invalid('spec.updateStrategy.rollingUpdate', goText('&apps.RollingUpdateStatefulSetStrategy{...}'), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate': {
      const ru = us.rollingUpdate;
      if (ru) {
        errs.push(...nonNegative(ru.partition, 'spec.updateStrategy.rollingUpdate.partition'));
        if (ru.maxUnavailable !== undefined) {
          errs.push(...validatePositiveIntOrPercent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
          if (percentValue(ru.maxUnavailable) === 0) errs.push(invalid('spec.updateStrategy.rollingUpdate.maxUnavailable', goText(intOrPercentText(ru.maxUnavailable)), 'must be greater than 0'));
          errs.push(...notMoreThan100Percent(ru.maxUnavailable, 'spec.updateStrategy.rollingUpdate.maxUnavailable'));
        }
      }
      break;
    }
    default:
      errs.push(invalid('spec.updateStrategy', goText(`apps.StatefulSetUpdateStrategy{Type:${JSON.stringify(us.type)}}`), "must be 'RollingUpdate' or 'OnDelete'"));
  }
  errs.push(...nonNegative(spec?.replicas, 'spec.replicas'));
  errs.push(...nonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
  errs.push(...validateSelectorAndTemplate(spec?.selector, spec?.template, 'statefulset', 'StatefulSet'));
  return errs;
}

export function validateDaemonSet(ds: DaemonSet): FieldError[] {
  const spec = ds.spec;
  const errs = validateObjectMeta(ds.metadata, META);
  errs.push(...validateSelectorAndTemplate(spec?.selector, spec?.template, 'daemonset', 'DaemonSet'));
  errs.push(...nonNegative(spec?.minReadySeconds, 'spec.minReadySeconds'));
  const us = spec?.updateStrategy ?? {};
  switch (us.type) {
    case 'OnDelete':
      break;
    case 'RollingUpdate':
      if (!us.rollingUpdate) errs.push(required('spec.updateStrategy.rollingUpdate'));
      else errs.push(...validateRollingUpdate(us.rollingUpdate, 'spec.updateStrategy.rollingUpdate', 'cannot be 0 when maxSurge is 0'));
      break;
    default:
      errs.push(notSupported('spec.updateStrategy.type', us.type ?? '', ['RollingUpdate', 'OnDelete']));
  }
  return errs;
}

function selectorImmutable(sel: LabelSelector | undefined, old: LabelSelector | undefined): FieldError[] {
  return deepEqual(sel, old) ? [] : [invalid('spec.selector', goText(labelSelectorText(sel)), 'field is immutable')];
}

export function validateDeploymentUpdate(d: Deployment, old: Deployment): FieldError[] {
  return [...validateObjectMetaUpdate(d.metadata, old.metadata), ...selectorImmutable(d.spec?.selector, old.spec?.selector), ...validateDeployment(d)];
}

export function validateReplicaSetUpdate(rs: ReplicaSet, old: ReplicaSet): FieldError[] {
  return [...validateObjectMetaUpdate(rs.metadata, old.metadata), ...selectorImmutable(rs.spec?.selector, old.spec?.selector), ...validateReplicaSet(rs)];
}

export function validateDaemonSetUpdate(ds: DaemonSet, old: DaemonSet): FieldError[] {
  return [...validateObjectMetaUpdate(ds.metadata, old.metadata), ...selectorImmutable(ds.spec?.selector, old.spec?.selector), ...validateDaemonSet(ds)];
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export function validateStatefulSetUpdate(ss: StatefulSet, old: StatefulSet): FieldError[] {
  const errs = validateObjectMetaUpdate(ss.metadata, old.metadata);
  const strip = (spec: object | undefined) => Object.fromEntries(Object.entries(spec ?? {}).filter(([k]) => !STS_MUTABLE.includes(k)));
  if (!deepEqual(strip(ss.spec), strip(old.spec))) {
    errs.push(
      forbidden(
        'spec',
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return [...errs, ...validateStatefulSet(ss)];
}
