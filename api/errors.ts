// One error base with a stable code; the component prefixes its messages ("ipam: …").
// Translate at the edge only: apiserver → Status, CNI → error code, DNS → rcode, HTTP → status.

export class PodnetError extends Error {
  readonly code: string;
  readonly details?: Record<string, unknown>;
  constructor(code: string, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'PodnetError';
    this.code = code;
    this.details = options.details;
  }
}

/** One invalid field, in Kubernetes' field-path notation (`spec.ports[0].port`). */
export interface FieldError {
  /** Kubernetes cause reason: FieldValueInvalid, FieldValueRequired, FieldValueDuplicate, FieldValueNotSupported, FieldValueForbidden, FieldValueTooLong. */
  reason: string;
  field: string;
  /** Full message as kubectl prints it after the field: `Invalid value: 0: must be between 1 and 65535, inclusive`. */
  message: string;
}

/** Raised by validation; the apiserver turns it into a 422 Status with causes. */
export class ValidationError extends PodnetError {
  readonly kind: string;
  readonly objectName: string;
  readonly causes: readonly FieldError[];
  constructor(kind: string, objectName: string, causes: readonly FieldError[]) {
    super('VALIDATION_FAILED', `${kind} "${objectName}" is invalid: ${causes.map((c) => `${c.field}: ${c.message}`).join(', ')}`);
    this.name = 'ValidationError';
    this.kind = kind;
    this.objectName = objectName;
    this.causes = causes;
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
