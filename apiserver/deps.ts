// The modules other podnet engineers own (validation, defaulting, field selectors, patch engines,
// protobuf decoding), loaded by path so the apiserver builds and runs before they land; each has a
// small stand-in used only when the real module is missing. Delete a stand-in once its module exists.
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { fallbackFieldSelector, type SimpleFieldSelector } from './fieldselector.js';

export interface Deps {
  validateObject(obj: KubeObject, old?: KubeObject): FieldError[];
  applyDefaults(obj: KubeObject): KubeObject;
  parseFieldSelector(text: string): unknown;
  fieldSelectorMatches(sel: unknown, obj: KubeObject): boolean;
  strategicMergePatch(original: KubeObject, patch: unknown, kind: string): KubeObject;
  jsonPatch(original: unknown, ops: unknown): unknown;
  mergePatch(original: unknown, patch: unknown): unknown;
  serverSideApply(
    live: KubeObject | undefined,
    applied: KubeObject,
    opts: { manager: string; force: boolean; kind: string },
  ): { object: KubeObject; conflicts: { field: string; manager: string }[] };
  decodeProtobufObject(body: Uint8Array): KubeObject;
  /** Which real modules were found (for the README and tests). */
  loaded: string[];
}

async function tryImport(rel: string): Promise<Record<string, unknown> | undefined> {
  const url = new URL(rel, import.meta.url).href;
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ERR_MODULE_NOT_FOUND' && String((err as Error).message).includes(rel.replace(/^\.\.?\//, '').split('/').pop()!)) return undefined;
    throw err;
  }
}

function simpleMerge(original: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const base: Record<string, unknown> = original && typeof original === 'object' && !Array.isArray(original) ? { ...(original as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    if (v === null) delete base[k];
    else base[k] = simpleMerge(base[k], v);
  }
  return base;
}

let cached: Promise<Deps> | undefined;

export function loadDeps(): Promise<Deps> {
  cached ??= (async () => {
    const loaded: string[] = [];
    const [validation, defaults, fieldsel, patch, protobuf] = await Promise.all([
      tryImport('../api/validation/index.js'),
      tryImport('../api/defaults.js'),
      tryImport('../api/fieldselector.js'),
      tryImport('./patch/index.js'),
      tryImport('./protobuf/index.js'),
    ]);
    const pick = <T>(mod: Record<string, unknown> | undefined, name: string, fallback: T): T => {
      if (mod && typeof mod[name] === 'function') {
        loaded.push(name);
        return mod[name] as T;
      }
      return fallback;
    };
    return {
      loaded,
      validateObject: pick(validation, 'validateObject', () => []),
      applyDefaults: pick(defaults, 'applyDefaults', (o: KubeObject) => structuredClone(o)),
      parseFieldSelector: pick(fieldsel, 'parseFieldSelector', (t: string) => fallbackFieldSelector.parse(t)),
      fieldSelectorMatches: pick(fieldsel, 'fieldSelectorMatches', (s: unknown, o: KubeObject) => fallbackFieldSelector.matches(s as SimpleFieldSelector, o)),
      strategicMergePatch: pick(patch, 'strategicMergePatch', (o: KubeObject, p: unknown) => simpleMerge(o, p) as KubeObject),
      jsonPatch: pick(patch, 'jsonPatch', () => {
        throw new Error('apiserver: JSON patch is not available (apiserver/patch is missing)');
      }),
      mergePatch: pick(patch, 'mergePatch', simpleMerge),
      serverSideApply: pick(patch, 'serverSideApply', (live: KubeObject | undefined, applied: KubeObject) => ({
        object: simpleMerge(live ?? {}, applied) as KubeObject,
        conflicts: [],
      })),
      decodeProtobufObject: pick(protobuf, 'decodeProtobufObject', () => {
        throw new Error('apiserver: protobuf bodies are not supported yet (apiserver/protobuf is missing)');
      }),
    };
  })();
  return cached;
}
