// Patch engines for the apiserver: strategic merge patch, RFC 6902 JSON patch, RFC 7386 merge
// patch, server-side apply and managedFields bookkeeping. Inputs are never mutated.
export { PatchError, type PatchErrorCode } from './errors.js';
export { strategicMergePatch } from './strategic.js';
export { jsonPatch } from './jsonpatch.js';
export { mergePatch } from './mergepatch.js';
export { serverSideApply, recordUpdateManager, type ApplyOptions, type Conflict } from './ssa.js';
export { patchTypeOf, parsePatchBody, patchObject, type PatchType, type PatchObjectOptions } from './content.js';
