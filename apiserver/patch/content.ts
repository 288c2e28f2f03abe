// From an HTTP PATCH to a patched object: which engine a Content-Type selects, how its body is
// parsed, and the ownership bookkeeping that goes with it. The apiserver can call `patchObject`
// and only translate PatchError / conflicts into Status replies.
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { PatchError } from './errors.js';
import { isObject } from './json.js';
import { jsonPatch } from './jsonpatch.js';
import { mergePatch } from './mergepatch.js';
import { recordUpdateManager, serverSideApply, type Conflict } from './ssa.js';
import { strategicMergePatch } from './strategic.js';

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  // Newer clients may label an apply body as CBOR or JSON explicitly; JSON is the one we read.
  'application/apply-patch+json': 'apply',
};

/** The patch type a Content-Type names, or undefined (the apiserver answers 415). */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  if (!contentType) return undefined;
  return TYPES[contentType.split(';')[0]!.trim().toLowerCase()];
}

/** Parses a PATCH body: JSON for the three classic types, YAML (JSON is valid YAML) for apply. */
export function parsePatchBody(type: PatchType, text: string): unknown {
  try {
    if (type !== 'apply') return JSON.parse(text) as unknown;
    const doc = parseYaml(text, { uniqueKeys: true, prettyErrors: false }) as unknown;
    if (!isObject(doc)) throw new PatchError('PATCH_MALFORMED', 'an apply configuration must be a single object');
    return doc;
  } catch (err) {
    if (err instanceof PatchError) throw err;
    throw new PatchError('PATCH_MALFORMED', `cannot parse the ${type} patch body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

export interface PatchObjectOptions {
  kind: string;
  /** fieldManager; required for apply, defaults to "unknown" for the other types. */
  manager?: string;
  force?: boolean;
}

/**
 * Applies a parsed patch of `type` to `live` and records field ownership. `live` may be undefined
 * only for apply (which then creates). Non-empty `conflicts` means nothing was changed.
 */
export function patchObject(
  live: KubeObject | undefined,
  type: PatchType,
  patch: unknown,
  opts: PatchObjectOptions,
): { object: KubeObject; conflicts: Conflict[] } {
  if (type === 'apply') {
    return serverSideApply(live, patch as KubeObject, { manager: opts.manager ?? '', force: opts.force ?? false, kind: opts.kind });
  }
  if (!live) throw new PatchError('PATCH_UNSUPPORTED', `a ${type} patch needs an existing object`);
  let patched: unknown;
  if (type === 'json') patched = jsonPatch(live, patch);
  else if (type === 'merge') patched = mergePatch(live, patch);
  else patched = strategicMergePatch(live, patch, opts.kind);
  if (!isObject(patched)) throw new PatchError('PATCH_INVALID_RESULT', 'the patch did not produce an object');
  return { object: recordUpdateManager(live, patched as KubeObject, opts.manager ?? 'unknown'), conflicts: [] };
}
