// RFC 7386 JSON Merge Patch: what `kubectl label|annotate` and `kubectl patch --type=merge` send.
// Objects merge key by key, null deletes, anything else (arrays included) replaces.
import { clone, isObject, type JsonObject } from './json.js';

export function mergePatch(original: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(original) ? clone(original) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}
