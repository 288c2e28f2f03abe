// Server-side apply (`application/apply-patch+yaml`) and the ownership bookkeeping of ordinary
// writes. Every manager owns a set of fields (metadata.managedFields). Apply merges the applied
// configuration into the live object by list-map keys, removes what the same manager applied
// before and no longer applies (unless someone else owns it), and reports a conflict when it
// would change a field another manager owns — unless forced, in which case ownership moves.
// Ordinary writes (create/update/patch) never conflict: the writer takes the fields it changed.
import type { KubeObject } from '../../api/types.js';
import { PatchError } from './errors.js';
import { fieldsOf, formatPath, itemKey, locate, pathElems, pathKey, type FieldSet } from './fieldpath.js';
import { clone, deepEqual, isObject, type JsonObject } from './json.js';
import { entryId, readManaged, writeManaged, type ManagerEntry } from './managed.js';
import { joinPath, schemaFor, type KindSchema } from './schema.js';

export interface ApplyOptions {
  manager: string;
  force: boolean;
  kind: string;
  operation?: 'Apply' | 'Update';
}

export interface Conflict {
  field: string;
  manager: string;
}

/**
 * Overlays the applied configuration on live: maps merge, list-maps merge by key, sets union.
 * `live` must be a private copy: it is reused (and changed) in place.
 */
function overlay(live: unknown, applied: unknown, path: string, schema: KindSchema): unknown {
  if (schema.atomic.has(path)) return clone(applied);
  if (isObject(applied)) {
    const out: JsonObject = isObject(live) ? live : {};
    for (const [k, v] of Object.entries(applied)) {
      if (v === null) delete out[k];
      else out[k] = overlay(out[k], v, joinPath(path, k), schema);
    }
    return out;
  }
  if (Array.isArray(applied)) {
    const rule = schema.lists.get(path);
    if (!Array.isArray(live) || !(rule?.mapKeys || rule?.set)) return clone(applied);
    const keyOf = (x: unknown) => (rule.set || !isObject(x) ? JSON.stringify(x) : itemKey(x, rule));
    return interleave(live, applied, keyOf, (l, r) => overlay(l, r, path, schema));
  }
  return applied;
}

/**
 * Merged order of a list-map or set, as structured-merge-diff produces it: items in both lists
 * follow the applied order, items only the live object has keep their place among them, new
 * items land where the applied list puts them.
 */
function interleave(live: unknown[], applied: unknown[], keyOf: (x: unknown) => string, merge: (l: unknown, r: unknown) => unknown): unknown[] {
  const lk = live.map(keyOf);
  const rk = applied.map(keyOf);
  const inLive = new Map(lk.map((k, i) => [k, live[i]]));
  const inApplied = new Set(rk);
  const shared = rk.filter((k) => inLive.has(k));
  let next = 0;
  const done = new Set<string>();
  const out: unknown[] = [];
  const take = (k: string, r: unknown) => {
    out.push(merge(inLive.get(k), r));
    done.add(k);
    if (shared[next] === k) next++;
  };
  let l = 0;
  let r = 0;
  while (l < live.length || r < applied.length) {
    if (l < live.length && r < applied.length) {
      if (lk[l] === rk[r]) {
        take(rk[r]!, applied[r++]);
        l++;
        continue;
      }
      // A shared item that the applied order wants later: skip it here, it is taken with its RHS twin.
      if (inApplied.has(lk[l]!) && next < shared.length && shared[next] !== lk[l]) {
        l++;
        continue;
      }
    }
    if (l < live.length && (!inApplied.has(lk[l]!) || done.has(lk[l]!))) {
      if (!inApplied.has(lk[l]!)) out.push(live[l]);
      l++;
      continue;
    }
    if (r < applied.length) {
      take(rk[r]!, applied[r++]);
      continue;
    }
    l++;
  }
  return out;
}

function union(sets: Iterable<FieldSet>): FieldSet {
  const out: FieldSet = new Set();
  for (const s of sets) for (const p of s) out.add(p);
  return out;
}

/** Paths of `set` whose value differs between `before` and `after` (added counts as changed). */
function changedPaths(set: FieldSet, before: unknown, after: unknown, schema: KindSchema): FieldSet {
  // On create every field of the new object appeared; walking each path twice cost half a create.
  if (before === undefined) return new Set(set);
  const parents = new Set<string>();
  for (const p of set) {
    const elems = pathElems(p);
    for (let n = 1; n < elems.length; n++) parents.add(pathKey(elems.slice(0, n)));
  }
  const out: FieldSet = new Set();
  for (const p of set) {
    const a = locate(before, pathElems(p), schema).value;
    const b = locate(after, pathElems(p), schema).value;
    // Containers (maps, list items) only "change" by appearing; their leaves carry the values.
    if (a === undefined ? b !== undefined : !parents.has(p) && !deepEqual(a, b)) out.add(p);
  }
  return out;
}

/**
 * Removes fields a manager stopped applying, deepest first. A leaf goes unless someone else
 * owns it; a list item goes unless someone else owns something inside it; a map goes once empty.
 */
function removeFields(obj: JsonObject, paths: FieldSet, others: FieldSet, schema: KindSchema): void {
  const ownedByOthersUnder = (p: string) => [...others].some((o) => o === p || o.startsWith(p + '\u0000'));
  const sorted = [...paths].sort((a, b) => pathElems(b).length - pathElems(a).length);
  for (const p of sorted) {
    if (ownedByOthersUnder(p)) continue;
    const elems = pathElems(p);
    const at = locate(obj, elems, schema);
    if (at.value === undefined || !at.remove || at.keyField) continue;
    const isItem = !elems[elems.length - 1]!.startsWith('f:');
    const isMap = isObject(at.value) && !isItem;
    if (isMap && Object.keys(at.value as JsonObject).length > 0) continue;
    at.remove();
    pruneEmptyAncestors(obj, elems, ownedByOthersUnder, schema);
  }
}

/** Maps emptied by a removal go too (below the top level), unless someone owns something there. */
function pruneEmptyAncestors(obj: JsonObject, elems: string[], owned: (p: string) => boolean, schema: KindSchema): void {
  for (let n = elems.length - 1; n >= 2; n--) {
    const up = elems.slice(0, n);
    if (!up[n - 1]!.startsWith('f:') || owned(pathKey(up))) return;
    const at = locate(obj, up, schema);
    if (!isObject(at.value) || Object.keys(at.value).length > 0 || !at.remove) return;
    at.remove();
  }
}

function stripForApply(applied: KubeObject): JsonObject {
  const out = clone(applied) as JsonObject;
  delete out.status;
  return out;
}

/** Server-side apply of `applied` onto `live` (undefined: the object is being created). */
export function serverSideApply(
  live: KubeObject | undefined,
  applied: KubeObject,
  opts: ApplyOptions,
): { object: KubeObject; conflicts: Conflict[] } {
  if (!isObject(applied)) throw new PatchError('PATCH_MALFORMED', 'an apply configuration must be an object');
  if (!opts.manager) throw new PatchError('PATCH_MALFORMED', 'fieldManager is required for apply', 400);
  const schema = schemaFor(opts.kind);
  const config = stripForApply(applied);
  if (opts.operation === 'Update') {
    const merged = overlay(clone(live ?? {}), config, '', schema) as KubeObject;
    return { object: recordUpdateManager(live, merged, opts.manager), conflicts: [] };
  }

  const managed = readManaged(live);
  if (live && managed.size === 0) {
    // Objects written before any ownership was tracked: someone owns everything already there.
    const e: ManagerEntry = { manager: 'before-first-apply', operation: 'Update', set: fieldsOf(live, schema), touched: true };
    if (typeof live.apiVersion === 'string') e.apiVersion = live.apiVersion;
    managed.set(entryId(e), e);
  }
  const id = entryId({ manager: opts.manager, operation: 'Apply' });
  const previous = managed.get(id)?.set ?? new Set<string>();
  const appliedSet = fieldsOf(config, schema, { skipStatus: true, strict: true });
  const others = [...managed.entries()].filter(([k]) => k !== id).map(([, e]) => e);

  const merged = overlay(clone(live ?? {}), config, '', schema) as JsonObject;
  const changed = changedPaths(appliedSet, live, merged, schema);
  const conflicts: Conflict[] = [];
  for (const e of others) {
    for (const p of e.set) if (changed.has(p)) conflicts.push({ field: formatPath(p), manager: e.manager });
  }
  if (conflicts.length > 0 && !opts.force) return { object: clone(live ?? applied), conflicts };

  const othersUnion = union(others.map((e) => e.set));
  const dropped = new Set([...previous].filter((p) => !appliedSet.has(p)));
  removeFields(merged, dropped, othersUnion, schema);

  for (const e of others) {
    for (const p of changed) if (e.set.delete(p)) e.touched = true;
  }
  const mine: ManagerEntry = { manager: opts.manager, operation: 'Apply', set: appliedSet, touched: true };
  const apiVersion = applied.apiVersion ?? live?.apiVersion;
  if (typeof apiVersion === 'string') mine.apiVersion = apiVersion;
  managed.set(id, mine);
  pruneMissing(managed.values(), merged, schema, fieldsOf(merged, schema));
  writeManaged(merged, managed.values());
  // Forced: the conflicting fields now belong to this manager, so nothing is left in conflict.
  return { object: merged as KubeObject, conflicts: [] };
}

/** Drops owned paths that no longer exist in the object (`present`: its own field set, a fast path). */
function pruneMissing(entries: Iterable<ManagerEntry>, obj: unknown, schema: KindSchema, present: FieldSet): void {
  for (const e of entries) {
    for (const p of [...e.set]) {
      if (!present.has(p) && locate(obj, pathElems(p), schema).value === undefined) {
        e.set.delete(p);
        e.touched = true;
      }
    }
  }
}

/**
 * Ownership for a non-apply write (create, update, any patch): `manager` takes every field it
 * added or changed; other managers lose those fields; fields that disappeared are owned by no one.
 */
export function recordUpdateManager(old: KubeObject | undefined, updated: KubeObject, manager: string): KubeObject {
  const out = clone(updated) as JsonObject;
  const kind = updated.kind ?? old?.kind ?? '';
  const schema = schemaFor(kind);
  // A client that sends managedFields of its own (kubectl's client-side → server-side apply
  // upgrade replaces them with a JSON patch) is taken at its word, as the apiserver does; an
  // empty or absent list means "unchanged".
  const supplied = readManaged(updated);
  const managed = supplied.size > 0 ? supplied : readManaged(old);
  const newSet = fieldsOf(out, schema);
  const changed = changedPaths(newSet, old, out, schema);
  const id = entryId({ manager, operation: 'Update', apiVersion: updated.apiVersion });
  for (const [k, e] of managed) {
    if (k === id) continue;
    for (const p of changed) if (e.set.delete(p)) e.touched = true;
  }
  pruneMissing(managed.values(), out, schema, newSet);
  const mine = managed.get(id) ?? { manager, operation: 'Update' as const, set: new Set<string>() };
  if (updated.apiVersion) mine.apiVersion = updated.apiVersion;
  for (const p of changed) mine.set.add(p);
  if (changed.size > 0) mine.touched = true;
  managed.set(id, mine);
  writeManaged(out, managed.values());
  return out as KubeObject;
}
