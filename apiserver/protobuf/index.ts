// Protobuf request bodies (`application/vnd.kubernetes.protobuf`), which kubectl 1.32+ sends for
// `kubectl create namespace|deployment|service|secret|configmap|serviceaccount`.
import type { KubeObject } from '../../api/types.js';
import { decodeMessage } from './decode.js';
import { ProtobufError } from './errors.js';
import { KINDS } from './schema.js';

export { ProtobufError, type ProtobufErrorCode } from './errors.js';

/** The 4-byte prefix that marks a Kubernetes protobuf envelope: "k8s\0". */
export const PROTOBUF_MAGIC = Uint8Array.of(0x6b, 0x38, 0x73, 0x00);

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

export function isProtobufContentType(ct: string | undefined): boolean {
  if (!ct) return false;
  return ct.split(';')[0]!.trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

/** Decodes a "k8s\0" + runtime.Unknown body into the object's JSON form (apiVersion and kind first). */
export function decodeProtobufObject(body: Uint8Array): KubeObject {
  if (body.length < 4 || !PROTOBUF_MAGIC.every((b, i) => body[i] === b)) {
    throw new ProtobufError('PROTOBUF_INVALID', 'body does not start with the "k8s\\0" magic');
  }
  const unknown = decodeMessage(body.subarray(4), 'Unknown');
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const apiVersion = typeMeta.apiVersion ?? '';
  const kind = typeMeta.kind ?? '';
  if (unknown.contentEncoding) {
    throw new ProtobufError('PROTOBUF_INVALID', `content encoding "${String(unknown.contentEncoding)}" is not supported`);
  }
  if (!KINDS[apiVersion]?.includes(kind)) {
    throw new ProtobufError('PROTOBUF_UNSUPPORTED_KIND', `no schema for kind "${kind}" in "${apiVersion}"; send JSON instead`);
  }
  const raw = typeof unknown.raw === 'string' ? Buffer.from(unknown.raw, 'base64') : new Uint8Array();
  return { apiVersion, kind, ...decodeMessage(raw, kind) };
}
