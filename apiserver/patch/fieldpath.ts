// Field paths and field sets in the notation of metadata.managedFields (FieldsV1): a path is a
// list of elements `f:<field>`, `k:<list-map key as JSON>`, `v:<set value as JSON>`, `i:<index>`.
// A set is kept as plain strings (elements joined by NUL), so union/difference are Set
// operations; the FieldsV1 tree form exists only at the managedFields boundary.
import { PatchError } from './errors.js';
import { deepEqual, isObject, type JsonObject } from './json.js';
import { joinPath, type KindSchema, type ListRule } from './schema.js';

export type FieldSet = Set<string>;

const SEP = '\u0000';

export function pathKey(elems: readonly string[]): string {
  return elems.join(SEP);
}

export function pathElems(key: string): string[] {
  return key === '' ? [] : key.split(SEP);
}

/** Identity of a list-map item: its key fields (keys sorted, defaults filled in) as JSON. */
export function itemKey(item: JsonObject, rule: ListRule): string {
  const out: JsonObject = {};
  for (const k of [...(rule.mapKeys ?? [])].sort()) {
    const v = item[k] ?? rule.keyDefaults?.[k];
    if (v !== undefined) out[k] = v;
  }
  return JSON.stringify(out);
}

/** Fields a write cannot own: identity and server-maintained metadata. */
const UNOWNED_META = new Set([
  'name', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp',
  'deletionTimestamp', 'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
]);

/** The set of fields `obj` sets, as server-side apply would record them. */
export function fieldsOf(obj: JsonObject, schema: KindSchema, opts: { skipStatus?: boolean; strict?: boolean } = {}): FieldSet {
  const set: FieldSet = new Set();
  const walk = (v: unknown, elems: string[], schemaPath: string, depth: number): void => {
    if (v === null || v === undefined) return;
    const leaf = (): void => void set.add(pathKey(elems));
    if (schema.atomic.has(schemaPath)) return leaf();
    if (Array.isArray(v)) {
      const rule = schema.lists.get(schemaPath);
      if (v.length === 0 || (!rule?.mapKeys && !rule?.set)) return leaf();
      for (const item of v) {
        if (rule.set || !isObject(item)) {
          set.add(pathKey([...elems, `v:${JSON.stringify(item)}`]));
        } else {
          const itemElems = [...elems, `k:${itemKey(item, rule)}`];
          if (opts.strict) checkItem(item, rule, schemaPath, set.has(pathKey(itemElems)));
          set.add(pathKey(itemElems));
          for (const [k, x] of Object.entries(item)) walk(x, [...itemElems, `f:${k}`], joinPath(schemaPath, k), depth + 1);
        }
      }
      return;
    }
    if (!isObject(v)) return leaf();
    const keys = Object.keys(v);
    if (keys.length === 0) return leaf();
    // Flat maps below the top level (labels, selectors, data, resource limits) are members
    // themselves, as in Kubernetes' own managedFields ("f:labels": {".": {}, …}).
    if (depth >= 2 && Object.values(v).every((x) => !isObject(x) && !Array.isArray(x))) set.add(pathKey(elems));
    for (const k of keys) {
      if (depth === 0 && (k === 'apiVersion' || k === 'kind' || (k === 'status' && opts.skipStatus))) continue;
      if (depth === 1 && elems[0] === 'f:metadata' && UNOWNED_META.has(k)) continue;
      walk(v[k], [...elems, `f:${k}`], joinPath(schemaPath, k), depth + 1);
    }
  };
  walk(obj, [], '', 0);
  return set;
}

/** An applied list-map item must name all its keys, once: otherwise ownership is ambiguous. */
function checkItem(item: JsonObject, rule: ListRule, path: string, duplicate: boolean): void {
  for (const k of rule.mapKeys ?? []) {
    if (item[k] === undefined && rule.keyDefaults?.[k] === undefined) {
      throw new PatchError('PATCH_MALFORMED', `an item of "${path}" omits its key field "${k}": ${JSON.stringify(item)}`);
    }
  }
  if (duplicate) throw new PatchError('PATCH_MALFORMED', `"${path}" has two items with the key ${itemKey(item, rule)}`);
}

export interface Located {
  /** The value at the path, or undefined when the path does not exist. */
  value: unknown;
  /** Container holding it, and how to remove it from there. */
  remove?: () => void;
  /** True when the path names a key field of a list-map item (never removed on its own). */
  keyField?: boolean;
}

/** Finds the value a field path points at inside `obj`. */
export function locate(obj: unknown, elems: readonly string[], schema: KindSchema): Located {
  let cur: unknown = obj;
  let schemaPath = '';
  let located: Located = { value: obj };
  let lastRule: ListRule | undefined;
  for (let i = 0; i < elems.length; i++) {
    const e = elems[i]!;
    const tag = e.slice(0, 2);
    const body = e.slice(2);
    if (tag === 'f:') {
      if (!isObject(cur) || !Object.hasOwn(cur, body)) return { value: undefined };
      const parent = cur;
      const keyField = i > 0 && elems[i - 1]!.startsWith('k:') && (lastRule?.mapKeys ?? []).includes(body);
      located = { value: parent[body], remove: () => delete parent[body], keyField };
      schemaPath = joinPath(schemaPath, body);
      lastRule = undefined;
    } else {
      if (!Array.isArray(cur)) return { value: undefined };
      const list = cur;
      const rule = schema.lists.get(schemaPath);
      let idx = -1;
      if (tag === 'k:' && rule?.mapKeys) idx = list.findIndex((x) => isObject(x) && itemKey(x, rule) === body);
      else if (tag === 'v:') idx = list.findIndex((x) => deepEqual(x, JSON.parse(body)));
      else if (tag === 'i:') idx = Number(body) < list.length ? Number(body) : -1;
      if (idx < 0) return { value: undefined };
      const item = list[idx];
      located = { value: item, remove: () => list.splice(list.indexOf(item), 1) };
      lastRule = rule;
    }
    cur = located.value;
  }
  return located;
}

/** `.spec.ports[port=80,protocol="TCP"].targetPort`: how conflicts name a field. */
export function formatPath(key: string): string {
  return pathElems(key)
    .map((e) => {
      const body = e.slice(2);
      switch (e.slice(0, 2)) {
        case 'f:':
          return `.${body}`;
        case 'k:':
          return `[${Object.entries(JSON.parse(body) as JsonObject).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        case 'v:':
          return `[=${body}]`;
        default:
          return `[${body}]`;
      }
    })
    .join('');
}

/** FieldsV1 tree → set. A node is a member when it is a leaf (`{}`) or carries `".": {}`. */
export function decodeFieldsV1(tree: unknown): FieldSet {
  const set: FieldSet = new Set();
  const walk = (node: unknown, elems: string[]) => {
    if (!isObject(node)) return;
    const keys = Object.keys(node);
    if (elems.length > 0 && (keys.length === 0 || Object.hasOwn(node, '.'))) set.add(pathKey(elems));
    for (const k of keys) if (k !== '.') walk(node[k], [...elems, k]);
  };
  walk(tree, []);
  return set;
}

/** Set → FieldsV1 tree, keys sorted so equal sets serialize identically. */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  const root: JsonObject = {};
  const members = new Set<JsonObject>();
  for (const key of [...set].sort()) {
    let node = root;
    for (const e of pathElems(key)) {
      if (!isObject(node[e])) node[e] = {};
      node = node[e] as JsonObject;
    }
    members.add(node);
  }
  const finish = (node: JsonObject): JsonObject => {
    const out: JsonObject = {};
    const keys = Object.keys(node).sort();
    if (members.has(node) && keys.length > 0) out['.'] = {};
    for (const k of keys) out[k] = finish(node[k] as JsonObject);
    return out;
  };
  return finish(root);
}
