// metadata.managedFields as a working structure: one entry per (manager, operation,
// subresource, and for updates apiVersion), each with its decoded field set.
import type { KubeObject } from '../../api/types.js';
import { decodeFieldsV1, encodeFieldsV1, type FieldSet } from './fieldpath.js';
import { isObject, type JsonObject } from './json.js';

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion?: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
  /** Set when this write changed the entry, so it gets a fresh timestamp. */
  touched?: boolean;
}

export function entryId(e: Pick<ManagerEntry, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([e.manager, e.operation, e.operation === 'Update' ? (e.apiVersion ?? '') : '', e.subresource ?? '']);
}

export function readManaged(obj: KubeObject | undefined): Map<string, ManagerEntry> {
  const out = new Map<string, ManagerEntry>();
  const raw = obj?.metadata?.managedFields;
  if (!Array.isArray(raw)) return out;
  for (const m of raw) {
    if (!isObject(m) || typeof m.manager !== 'string' || (m.operation !== 'Apply' && m.operation !== 'Update')) continue;
    const e: ManagerEntry = {
      manager: m.manager,
      operation: m.operation,
      ...(typeof m.apiVersion === 'string' ? { apiVersion: m.apiVersion } : {}),
      ...(typeof m.subresource === 'string' ? { subresource: m.subresource } : {}),
      ...(typeof m.time === 'string' ? { time: m.time } : {}),
      set: decodeFieldsV1(m.fieldsV1),
    };
    out.set(entryId(e), e);
  }
  return out;
}

/** Kubernetes writes managedFields times with second precision. */
export function nowTime(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Writes the entries back into obj.metadata.managedFields (dropping empty ones). */
export function writeManaged(obj: JsonObject, entries: Iterable<ManagerEntry>): void {
  const list = [];
  const time = nowTime();
  for (const e of entries) {
    if (e.set.size === 0) continue;
    list.push({
      manager: e.manager,
      operation: e.operation,
      ...(e.apiVersion ? { apiVersion: e.apiVersion } : {}),
      time: e.touched || !e.time ? time : e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: encodeFieldsV1(e.set),
      ...(e.subresource ? { subresource: e.subresource } : {}),
    });
  }
  const meta = (isObject(obj.metadata) ? obj.metadata : (obj.metadata = {})) as JsonObject;
  if (list.length > 0) meta.managedFields = list;
  else delete meta.managedFields;
}
