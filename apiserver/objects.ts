// Objects as the apiserver stores them: JSON bytes whose resourceVersion is left out (it is the
// storage modRevision, filled in on the way out so it can never disagree with the store).
import { randomUUID } from 'node:crypto';
import type { KubeObject } from '../api/types.js';
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import type { KV } from '../storage/types.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * apiVersion, kind and metadata always come first, so that objectJSON can find where metadata
 * starts without parsing the rest (see there).
 */
export function encodeObject(obj: KubeObject): Uint8Array {
  const { apiVersion, kind, metadata, ...rest } = obj;
  const meta = { ...metadata };
  delete meta.resourceVersion;
  return encoder.encode(JSON.stringify({ apiVersion, kind, metadata: meta, ...rest }));
}

// The head encodeObject writes. Inside JSON strings a quote is always escaped, so this can only
// match the object's own top-level keys.
const HEAD = /^\{"apiVersion":"(?:[^"\\]|\\.)*","kind":"(?:[^"\\]|\\.)*","metadata":\{/;
const HEAD_BYTES = 512;

/**
 * The object's JSON as clients see it (resourceVersion = `revision`), spliced from the stored bytes
 * without parsing them: lists and watches of thousands of objects spend most of their time in
 * JSON.parse and JSON.stringify otherwise. Values written before encodeObject fixed the key order
 * fall back to decode and re-encode.
 */
export function objectJSON(kv: KV, revision = kv.modRevision): Uint8Array {
  const value = kv.value;
  // latin1 maps one byte to one character, so the match length is a byte offset.
  const head = HEAD.exec(Buffer.from(value.buffer, value.byteOffset, Math.min(value.length, HEAD_BYTES)).toString('latin1'));
  if (!head) return encoder.encode(JSON.stringify(decodeKV(kv, revision)));
  const at = head[0].length;
  const rv = encoder.encode(`"resourceVersion":"${revision}"${value[at] === 0x7d ? '' : ','}`);
  const out = new Uint8Array(value.length + rv.length);
  out.set(value.subarray(0, at), 0);
  out.set(rv, at);
  out.set(value.subarray(at), at + rv.length);
  return out;
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
