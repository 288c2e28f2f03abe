// Errors as Kubernetes Status objects: the shape and wording kubectl turns into
// "Error from server (<reason>): <message>" or "The Service "web" is invalid: …".
import type { FieldError } from '../api/errors.js';
import { ValidationError } from '../api/errors.js';
import type { ResourceInfo } from '../api/resources.js';
import { PatchError } from './patch/errors.js';
import { ProtobufError } from './protobuf/errors.js';

export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { reason: string; message: string; field?: string }[]; retryAfterSeconds?: number };
  code: number;
}

/** An error the apiserver answers with as a Status; `code` here is the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly reason: string,
    message: string,
    readonly details?: StatusBody['details'],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toStatus(): StatusBody {
    return {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      ...(this.details ? { details: this.details } : {}),
      code: this.httpStatus,
    };
  }
}

/** `deployments.apps` / `services`: how the apiserver names a resource in messages. */
export function qualifiedName(info: ResourceInfo): string {
  return info.group ? `${info.plural}.${info.group}` : info.plural;
}

export function notFound(info: ResourceInfo, name: string): ApiError {
  return new ApiError(404, 'NotFound', `${qualifiedName(info)} "${name}" not found`, { name, group: info.group, kind: info.plural });
}

export function alreadyExists(info: ResourceInfo, name: string): ApiError {
  return new ApiError(409, 'AlreadyExists', `${qualifiedName(info)} "${name}" already exists`, { name, group: info.group, kind: info.plural });
}

export function conflict(info: ResourceInfo, name: string, why = 'the object has been modified; please apply your changes to the latest version and try again'): ApiError {
  return new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(info)} "${name}": ${why}`, { name, group: info.group, kind: info.plural });
}

export function invalid(info: ResourceInfo, name: string, causes: readonly FieldError[]): ApiError {
  const text = causes.map((c) => `${c.field}: ${c.message}`).join(', ');
  const message = `${info.kind} "${name}" is invalid: ${causes.length > 1 ? `[${text}]` : text}`;
  return new ApiError(422, 'Invalid', message, {
    name,
    group: info.group,
    kind: info.kind,
    causes: causes.map((c) => ({ reason: c.reason, message: c.message, field: c.field })),
  });
}

export function badRequest(message: string): ApiError {
  return new ApiError(400, 'BadRequest', message);
}

export function fromValidation(info: ResourceInfo, err: ValidationError): ApiError {
  return invalid(info, err.objectName, err.causes);
}

const REASONS: Record<number, string> = { 400: 'BadRequest', 415: 'UnsupportedMediaType', 422: 'Invalid' };

/** Any thrown value → a Status error; unknown errors become 500 without taking the server down. */
export function toApiError(err: unknown, info?: ResourceInfo): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof ValidationError && info) return fromValidation(info, err);
  if (err instanceof SyntaxError || err instanceof URIError || err instanceof RangeError) return badRequest(err.message);
  // Both carry the status their author chose: 400 for a body that cannot be read at all, 422 for a
  // patch that cannot apply to this object, 415 for protobuf podnet has no schema for.
  if (err instanceof PatchError || err instanceof ProtobufError) {
    return new ApiError(err.httpStatus, REASONS[err.httpStatus] ?? 'BadRequest', err.message);
  }
  return new ApiError(500, 'InternalError', `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`);
}
