// Field errors worded exactly as k8s.io/apimachinery's field package words them, so kubectl prints
// `The Service "web" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive`.
// The bad value is rendered the way Go's error body renders it: numbers and booleans bare, strings
// quoted, and composite values in Go's %#v notation (see goValue).
import type { FieldError } from '../errors.js';

export type { FieldError };

/** A value already rendered in Go notation (structs, pointers): printed verbatim. */
export interface GoText {
  readonly goText: string;
}

export function goText(text: string): GoText {
  return { goText: text };
}

/** A []string as Go prints it, nil included (`[]string(nil)`), for fields that may be absent. */
export function stringList(v: readonly string[] | undefined): BadValue {
  return v === undefined ? goText('[]string(nil)') : v;
}

export type BadValue = string | number | boolean | null | undefined | readonly string[] | Readonly<Record<string, string>> | GoText;

function quote(s: string): string {
  return JSON.stringify(s);
}

/** Renders a value as Go's field error body does (%v for scalars, %q for strings, %#v otherwise). */
export function goValue(value: BadValue): string {
  // Go renders a nil value as the string "null", quotes included.
  if (value === null || value === undefined) return '"null"';
  if (typeof value === 'string') return quote(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[]string{${value.map((v) => quote(String(v))).join(', ')}}`;
  if ('goText' in value && typeof (value as GoText).goText === 'string') return (value as GoText).goText;
  const map = value as Readonly<Record<string, string>>;
  const keys = Object.keys(map).sort();
  return `map[string]string{${keys.map((k) => `${quote(k)}:${quote(String(map[k]))}`).join(', ')}}`;
}

function withDetail(head: string, detail: string): string {
  return detail ? `${head}: ${detail}` : head;
}

export function invalid(field: string, value: BadValue, detail: string): FieldError {
  return { reason: 'FieldValueInvalid', field, message: withDetail(`Invalid value: ${goValue(value)}`, detail) };
}

export function required(field: string, detail = ''): FieldError {
  return { reason: 'FieldValueRequired', field, message: withDetail('Required value', detail) };
}

export function notFound(field: string, value: BadValue): FieldError {
  return { reason: 'FieldValueNotFound', field, message: `Not found: ${goValue(value)}` };
}

export function duplicate(field: string, value: BadValue): FieldError {
  return { reason: 'FieldValueDuplicate', field, message: `Duplicate value: ${goValue(value)}` };
}

export function notSupported(field: string, value: BadValue, supported: readonly string[]): FieldError {
  const detail = supported.length ? `supported values: ${supported.map(quote).join(', ')}` : '';
  return { reason: 'FieldValueNotSupported', field, message: withDetail(`Unsupported value: ${goValue(value)}`, detail) };
}

export function forbidden(field: string, detail: string): FieldError {
  return { reason: 'FieldValueForbidden', field, message: withDetail('Forbidden', detail) };
}

export function tooLong(field: string, maxBytes: number): FieldError {
  return { reason: 'FieldValueTooLong', field, message: `Too long: must have at most ${maxBytes} bytes` };
}

export function tooMany(field: string, actual: number, max: number): FieldError {
  return { reason: 'FieldValueTooMany', field, message: `Too many: ${actual}: must have at most ${max} items` };
}

export const FIELD_IMMUTABLE = 'field is immutable';

/** Upstream ValidateImmutableField: the new value is reported when it differs from the old one. */
export function immutable(field: string, newValue: unknown, oldValue: unknown, shown: BadValue): FieldError[] {
  return deepEqual(newValue, oldValue) ? [] : [invalid(field, shown, FIELD_IMMUTABLE)];
}

/** Structural equality of JSON values; absent, null and empty maps/lists compare equal as Go's semantic DeepEqual does for nil vs empty. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (a === b) return true;
  if (typeof a !== typeof b || typeof a !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((v, i) => deepEqual(v, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const k of keys) if (!deepEqual(ao[k], bo[k])) return false;
  return true;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

/** Field paths: `child('spec', 'ports')`, `index('spec.ports', 0)`, `key('metadata.annotations', 'a/b')`. */
export function child(base: string, ...names: string[]): string {
  return [base, ...names].filter((s) => s !== '').join('.');
}

export function index(base: string, i: number): string {
  return `${base}[${i}]`;
}

export function key(base: string, k: string): string {
  return `${base}[${k}]`;
}
