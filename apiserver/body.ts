// Request bodies: read with a size limit (413 past 3 MiB, like the apiserver), then decoded by
// Content-Type (JSON, YAML, Kubernetes protobuf, and the four patch types).
import type { IncomingMessage } from 'node:http';
import { parse as parseYAML } from 'yaml';
import type { KubeObject } from '../api/types.js';
import type { Deps } from './deps.js';
import { ApiError, badRequest } from './status.js';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

export type PatchType = 'json' | 'merge' | 'strategic' | 'apply';

const PATCH_TYPES: Record<string, PatchType> = {
  'application/json-patch+json': 'json',
  'application/merge-patch+json': 'merge',
  'application/strategic-merge-patch+json': 'strategic',
  'application/apply-patch+yaml': 'apply',
  'application/apply-patch+cbor': 'apply',
};

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) {
    req.resume();
    throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new ApiError(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function mediaType(req: IncomingMessage): string {
  return String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
}

function parseJSON(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf (${(err as Error).message})`);
  }
}

function parseYAMLBody(body: Buffer): unknown {
  try {
    return parseYAML(body.toString('utf8'));
  } catch (err) {
    throw badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
}

function unsupported(type: string, accepted: string[]): ApiError {
  return new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`, {
    ...(type ? { name: type } : {}),
  });
}

/** Decodes a create/update body into an object. */
export function decodeObject(req: IncomingMessage, body: Buffer, deps: Deps): KubeObject {
  const type = mediaType(req);
  let value: unknown;
  if (type === '' || type === 'application/json' || type === '*/*') value = parseJSON(body);
  else if (type === 'application/yaml') value = parseYAMLBody(body);
  else if (type === 'application/vnd.kubernetes.protobuf') {
    // A ProtobufError carries its own status (400 malformed, 415 no schema); toApiError maps it.
    value = deps.decodeProtobufObject(new Uint8Array(body));
  } else throw unsupported(type, ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('the request body is not a Kubernetes object');
  return value as KubeObject;
}

/** Decodes a PATCH body: which patch type, and its parsed content. */
export function decodePatch(req: IncomingMessage, body: Buffer): { type: PatchType; patch: unknown } {
  const type = PATCH_TYPES[mediaType(req)];
  if (!type) throw unsupported(mediaType(req), Object.keys(PATCH_TYPES).filter((t) => !t.endsWith('cbor')));
  if (mediaType(req) === 'application/apply-patch+cbor') throw unsupported(mediaType(req), ['application/apply-patch+yaml']);
  const patch = type === 'apply' ? parseYAMLBody(body) : parseJSON(body);
  if (type === 'json' ? !Array.isArray(patch) : !patch || typeof patch !== 'object' || Array.isArray(patch)) {
    throw badRequest(type === 'json' ? 'json patch must be an array of operations' : 'the patch must be a JSON object');
  }
  return { type, patch };
}
