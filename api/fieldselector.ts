// Field selectors (`?fieldSelector=`, `kubectl --field-selector`): `a=b,c!=d,e==f`, with backslash
// escapes for ',', '=' and '\' in values, as k8s.io/apimachinery/pkg/fields parses them. Each kind
// supports only a few fields (upstream's per-resource field label conversion); others are an error
// worded as upstream's: `field label not supported: x`.
import type { KubeObject } from './types.js';

export type FieldOperator = '=' | '!=';

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

/** A parsed selector; no requirements selects everything. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
}

const COMMON = ['metadata.name', 'metadata.namespace'];

/** Fields each kind can be selected on, beyond metadata.name and metadata.namespace. */
export const SELECTABLE_FIELDS: Readonly<Record<string, readonly string[]>> = {
  Pod: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'spec.hostNetwork',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  Event: [
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  Secret: ['type'],
  Namespace: ['status.phase'],
  Node: ['spec.unschedulable'],
  ReplicaSet: ['status.replicas'],
  Service: ['spec.clusterIP', 'spec.type'],
};

export function selectableFields(kind: string): readonly string[] {
  return [...COMMON, ...(SELECTABLE_FIELDS[kind] ?? [])];
}

/** Splits on unescaped commas, keeping escapes for the value decoder. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

function unescape(value: string, selector: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c !== '\\') {
      if (c === ',' || c === '=') throw new SyntaxError(`invalid selector: '${selector}'; unescaped '${c}' in value '${value}'`);
      out += c;
      continue;
    }
    const next = value[++i];
    if (next !== '\\' && next !== ',' && next !== '=') throw new SyntaxError(`invalid selector: '${selector}'; invalid escape sequence in value '${value}'`);
    out += next;
  }
  return out;
}

function splitTerm(term: string): { field: string; operator: FieldOperator; value: string } | undefined {
  let escaped = false;
  for (let i = 0; i < term.length; i++) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] === '\\') {
      escaped = true;
      continue;
    }
    for (const op of ['!=', '==', '='] as const) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), operator: op === '!=' ? '!=' : '=', value: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * Parses the string form. Throws SyntaxError for malformed input and, when `kind` is given, for a
 * field that kind cannot be selected on (`field label not supported: x`); the apiserver answers 400.
 */
export function parseFieldSelector(text: string, kind?: string): FieldSelector {
  const requirements: FieldRequirement[] = [];
  for (const term of splitTerms(text)) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (!parts) throw new SyntaxError(`invalid selector: '${text}'; can't understand '${term}'`);
    requirements.push({ field: parts.field.trim(), operator: parts.operator, value: unescape(parts.value, text) });
  }
  const sel = { requirements };
  if (kind !== undefined) checkFieldSelector(sel, kind);
  return sel;
}

/** Throws SyntaxError `field label not supported: x` for the first field `kind` cannot be selected on. */
export function checkFieldSelector(sel: FieldSelector, kind: string): void {
  const allowed = selectableFields(kind);
  for (const r of sel.requirements) {
    if (!allowed.includes(r.field)) throw new SyntaxError(`field label not supported: ${r.field}`);
  }
}

function walk(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[p];
  }
  return cur;
}

/**
 * The value a field selector compares for `path`, as upstream's *ToSelectableFields produce it:
 * booleans and numbers as text, Event `source` as the source component, absent booleans/counts as
 * their zero value. undefined when the object has no such field (matching treats that as "").
 */
export function fieldValue(obj: KubeObject, path: string): string | undefined {
  switch (path) {
    case 'source':
      return stringOf(walk(obj, ['source', 'component']));
    case 'spec.hostNetwork':
    case 'spec.unschedulable':
      return String(walk(obj, path.split('.')) === true);
    case 'status.replicas':
      return String(walk(obj, ['status', 'replicas']) ?? 0);
    case 'metadata.namespace':
      return obj.metadata?.namespace ?? '';
  }
  return stringOf(walk(obj, path.split('.')));
}

function stringOf(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

export function fieldSelectorMatches(sel: FieldSelector, obj: KubeObject): boolean {
  return sel.requirements.every((r) => {
    const v = fieldValue(obj, r.field) ?? '';
    return r.operator === '=' ? v === r.value : v !== r.value;
  });
}

/** Formats a selector back to its string form (escaping values). */
export function formatFieldSelector(sel: FieldSelector): string {
  return sel.requirements.map((r) => `${r.field}${r.operator}${r.value.replace(/[\\,=]/g, (c) => `\\${c}`)}`).join(',');
}
