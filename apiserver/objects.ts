// Objects as the apiserver stores them: JSON bytes whose resourceVersion is left out (it is the
// storage modRevision, filled in on the way out so it can never disagree with the store).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import type { KV } from '../storage/types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeObject(obj: KubeObject): Uint8Array {
  const copy = { ...obj, metadata: { ...obj.metadata } };
  delete copy.metadata.resourceVersion;
  return encoder.encode(JSON.stringify(copy));
}

export function decodeKV(kv: KV, revision = kv.modRevision): KubeObject {
  const obj = JSON.parse(decoder.decode(kv.value)) as KubeObject;
  obj.metadata = { ...obj.metadata, resourceVersion: String(revision) };
  return obj;
}

export function newUID(): string {
  return randomUUID();
}

/** RFC 3339 to the second, as Kubernetes writes timestamps. */
export function timestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function typeMeta(info: ResourceInfo): { apiVersion: string; kind: string } {
  return { apiVersion: apiVersionOf(info), kind: info.kind };
}

/** Everything but metadata and status: what a change to bumps metadata.generation. */
export function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return stableJSON(rest);
}

/** JSON with object keys sorted, so equal objects compare equal whatever order a patch left them in. */
export function stableJSON(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJSON).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJSON(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
