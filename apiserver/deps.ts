// The pieces other podnet modules provide (validation, defaulting, field selectors, patch engines,
// protobuf decoding), gathered behind one interface so the registry can be tested with stand-ins.
import type { FieldError } from '../api/errors.js';
import type { KubeObject } from '../api/types.js';
import { applyDefaults, prepareForUpdate } from '../api/defaults.js';
import { fieldSelectorMatches, parseFieldSelector, type FieldSelector } from '../api/fieldselector.js';
import { validateObject } from '../api/validation/index.js';
import { jsonPatch, mergePatch, recordUpdateManager, serverSideApply, strategicMergePatch } from './patch/index.js';
import { decodeProtobufObject } from './protobuf/index.js';

export interface Deps {
  validateObject(obj: KubeObject, old?: KubeObject, subresource?: string): FieldError[];
  applyDefaults(obj: KubeObject): KubeObject;
  /** Update strategy (fields a type change leaves meaningless are dropped). */
  prepareForUpdate(obj: KubeObject, old: KubeObject): KubeObject;
  parseFieldSelector(text: string, kind?: string): FieldSelector;
  fieldSelectorMatches(sel: FieldSelector, obj: KubeObject): boolean;
  strategicMergePatch(original: KubeObject, patch: unknown, kind: string): KubeObject;
  jsonPatch(original: unknown, ops: unknown): unknown;
  mergePatch(original: unknown, patch: unknown): unknown;
  serverSideApply(
    live: KubeObject | undefined,
    applied: KubeObject,
    opts: { manager: string; force: boolean; kind: string },
  ): { object: KubeObject; conflicts: { field: string; manager: string }[] };
  /** managedFields bookkeeping for a non-apply write by `manager`. */
  recordUpdateManager(old: KubeObject | undefined, updated: KubeObject, manager: string): KubeObject;
  decodeProtobufObject(body: Uint8Array): KubeObject;
}

export const DEFAULT_DEPS: Deps = {
  validateObject: (obj, old, subresource) => validateObject(obj, old, { subresource }),
  applyDefaults,
  prepareForUpdate,
  parseFieldSelector,
  fieldSelectorMatches,
  strategicMergePatch,
  jsonPatch,
  mergePatch,
  serverSideApply,
  recordUpdateManager,
  decodeProtobufObject,
};
