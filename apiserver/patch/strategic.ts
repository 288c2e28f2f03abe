// Strategic merge patch: what `kubectl apply` (client-side) and `kubectl patch` send. Maps
// deep-merge and null deletes; lists with a merge key merge item by item, primitive lists with
// patchStrategy=merge merge as sets, every other list is replaced. Directives: `$patch`
// (delete|replace|merge), `$setElementOrder/<f>`, `$deleteFromPrimitiveList/<f>`, `$retainKeys`.
import type { KubeObject } from '../../api/types.js';
import { PatchError } from './errors.js';
import { clone, deepEqual, isObject, type JsonObject } from './json.js';
import { joinPath, schemaFor, type KindSchema, type ListRule } from './schema.js';

const DELETE = Symbol('delete');
const SET_ORDER = '$setElementOrder/';
const DELETE_FROM = '$deleteFromPrimitiveList/';

function isDirectiveKey(k: string): boolean {
  return k === '$patch' || k === '$retainKeys' || k.startsWith(SET_ORDER) || k.startsWith(DELETE_FROM);
}

/** A patch value taken as-is (new key, replaced list): directives and nulls mean nothing there. */
function literal(v: unknown): unknown {
  if (Array.isArray(v)) return v.filter((x) => !(isObject(x) && x.$patch !== undefined && Object.keys(x).length === 1)).map(literal);
  if (!isObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, x] of Object.entries(v)) if (!isDirectiveKey(k) && x !== null) out[k] = literal(x);
  return out;
}

function mergeMap(orig: JsonObject, patch: JsonObject, path: string, schema: KindSchema): JsonObject | typeof DELETE {
  switch (patch.$patch) {
    case undefined:
    case 'merge':
      break;
    case 'replace':
      return literal(patch) as JsonObject;
    case 'delete':
      return DELETE;
    default:
      throw new PatchError('PATCH_MALFORMED', `unknown $patch directive ${JSON.stringify(patch.$patch)} at "${path || '.'}"`);
  }
  if (patch.$retainKeys !== undefined) {
    if (!Array.isArray(patch.$retainKeys)) throw new PatchError('PATCH_MALFORMED', `$retainKeys at "${path || '.'}" must be a list`);
    const keep = new Set(patch.$retainKeys);
    for (const k of Object.keys(orig)) if (!keep.has(k)) delete orig[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (!k.startsWith(DELETE_FROM)) continue;
    const f = k.slice(DELETE_FROM.length);
    if (!Array.isArray(v)) throw new PatchError('PATCH_MALFORMED', `${k} at "${path || '.'}" must be a list`);
    if (Array.isArray(orig[f])) orig[f] = (orig[f] as unknown[]).filter((x) => !v.some((d) => deepEqual(d, x)));
  }
  for (const [k, v] of Object.entries(patch)) {
    if (isDirectiveKey(k)) continue;
    const childPath = joinPath(path, k);
    if (v === null) {
      delete orig[k];
    } else if (isObject(v)) {
      const merged = mergeMap(isObject(orig[k]) ? (orig[k] as JsonObject) : {}, v, childPath, schema);
      if (merged === DELETE) delete orig[k];
      else orig[k] = merged;
    } else if (Array.isArray(v)) {
      orig[k] = mergeList(Array.isArray(orig[k]) ? (orig[k] as unknown[]) : [], v, childPath, schema);
    } else {
      orig[k] = v;
    }
  }
  for (const [k, order] of Object.entries(patch)) {
    if (!k.startsWith(SET_ORDER)) continue;
    const f = k.slice(SET_ORDER.length);
    if (!Array.isArray(order)) throw new PatchError('PATCH_MALFORMED', `${k} at "${path || '.'}" must be a list`);
    const rule = schema.lists.get(joinPath(path, f));
    if (Array.isArray(orig[f]) && rule) orig[f] = applyOrder(orig[f] as unknown[], order, rule);
  }
  return orig;
}

function mergeList(orig: unknown[], patch: unknown[], path: string, schema: KindSchema): unknown[] {
  const rule = schema.lists.get(path);
  if (!rule || (!rule.patchKey && !rule.patchSet)) return literal(patch) as unknown[];
  if (patch.some((x) => isObject(x) && x.$patch === 'replace')) {
    return literal(patch.filter((x) => !(isObject(x) && x.$patch === 'replace'))) as unknown[];
  }
  if (!rule.patchKey) {
    const out = orig.slice();
    for (const x of patch) if (!out.some((o) => deepEqual(o, x))) out.push(clone(x));
    return out;
  }
  const key = rule.patchKey;
  let out = orig.slice();
  for (const item of patch) {
    if (!isObject(item)) throw new PatchError('PATCH_MALFORMED', `"${path}" is a list of objects merged by "${key}", got ${JSON.stringify(item)}`);
    if (item[key] === undefined) {
      throw new PatchError('PATCH_MALFORMED', `an item of "${path}" has no merge key "${key}": ${JSON.stringify(item)}`);
    }
    const same = (o: unknown) => isObject(o) && deepEqual(o[key], item[key]);
    if (item.$patch === 'delete') {
      out = out.filter((o) => !same(o));
      continue;
    }
    const i = out.findIndex(same);
    const merged = mergeMap(i >= 0 ? (out[i] as JsonObject) : {}, item, path, schema);
    if (merged === DELETE) out = out.filter((o) => !same(o));
    else if (i >= 0) out[i] = merged;
    else out.push(merged);
  }
  return out;
}

/**
 * `$setElementOrder`: items the order names take the positions those items hold, in the order's
 * sequence; items only the server has (not named) keep their positions.
 */
function applyOrder(list: unknown[], order: unknown[], rule: ListRule): unknown[] {
  const keyOf = (x: unknown) => JSON.stringify(rule.patchKey && isObject(x) ? x[rule.patchKey] : x);
  const rank = new Map<string, number>();
  order.forEach((o, i) => rank.set(keyOf(o), i));
  const named = list.filter((x) => rank.has(keyOf(x))).sort((a, b) => rank.get(keyOf(a))! - rank.get(keyOf(b))!);
  let next = 0;
  return list.map((x) => (rank.has(keyOf(x)) ? named[next++] : x));
}

/** Applies a strategic merge patch for an object of `kind` to a copy of `original`. */
export function strategicMergePatch(original: KubeObject, patch: unknown, kind: string): KubeObject {
  if (!isObject(patch)) throw new PatchError('PATCH_MALFORMED', 'a strategic merge patch must be a JSON object');
  const merged = mergeMap(clone(original) as JsonObject, patch, '', schemaFor(kind));
  if (merged === DELETE) throw new PatchError('PATCH_UNSUPPORTED', '"$patch": "delete" cannot delete the whole object');
  return merged as KubeObject;
}
