// Decodes Kubernetes protobuf messages into the JSON the same object would have on the wire.
// Go's protobuf marshaller writes every non-pointer field, zero or not, whereas JSON omits them
// (`omitempty`), so zero scalars and empty structs are dropped unless the Go field is a pointer.
import { ProtobufError } from './errors.js';
import { Reader, WIRE } from './reader.js';
import { messageFields, type FieldDef } from './schema.js';

type Json = { [k: string]: unknown };

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(b: Uint8Array, where: string): string {
  try {
    return utf8.decode(b);
  } catch {
    throw new ProtobufError('PROTOBUF_INVALID', `${where} is not valid UTF-8`);
  }
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function int(v: bigint): number {
  return Number(BigInt.asIntN(64, v));
}

function expectWire(actual: number, expected: number, where: string): void {
  if (actual !== expected) throw new ProtobufError('PROTOBUF_INVALID', `${where} has wire type ${actual}, expected ${expected}`);
}

/** Reads a small fixed-layout message (Time, IntOrString, map entries) into raw field values. */
function rawFields(b: Uint8Array): Map<number, bigint | Uint8Array> {
  const r = new Reader(b);
  const out = new Map<number, bigint | Uint8Array>();
  while (!r.done) {
    const { field, wire } = r.tag();
    if (wire === WIRE.VARINT) out.set(field, r.varint());
    else if (wire === WIRE.LEN) out.set(field, r.bytes());
    else r.skip(wire);
  }
  return out;
}

function num(f: Map<number, bigint | Uint8Array>, n: number): number {
  const v = f.get(n);
  return typeof v === 'bigint' ? int(v) : 0;
}

function str(f: Map<number, bigint | Uint8Array>, n: number, where: string): string {
  const v = f.get(n);
  return v instanceof Uint8Array ? text(v, where) : '';
}

/** metav1.Time → RFC 3339 with second precision, as metav1.Time marshals to JSON. */
function time(b: Uint8Array): string | undefined {
  const f = rawFields(b);
  const seconds = num(f, 1);
  if (seconds === 0 && num(f, 2) === 0) return undefined;
  const date = new Date(seconds * 1000);
  if (Number.isNaN(date.getTime())) throw new ProtobufError('PROTOBUF_INVALID', `timestamp ${seconds}s is out of range`);
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}

function special(type: string, b: Uint8Array, where: string): unknown {
  switch (type) {
    case 'Time':
      return time(b);
    case 'IntOrString': {
      const f = rawFields(b);
      return num(f, 1) === 1 ? str(f, 3, where) : num(f, 2);
    }
    case 'Quantity':
      return str(rawFields(b), 1, where);
    case 'FieldsV1': {
      const raw = rawFields(b).get(1);
      if (!(raw instanceof Uint8Array)) return {};
      try {
        return JSON.parse(text(raw, where)) as unknown;
      } catch {
        throw new ProtobufError('PROTOBUF_INVALID', `${where} is not JSON`);
      }
    }
    default:
      return undefined;
  }
}

function mapEntry(type: string, b: Uint8Array, where: string): [string, unknown] {
  const f = rawFields(b);
  const key = str(f, 1, where);
  const raw = f.get(2);
  const bytes = raw instanceof Uint8Array ? raw : new Uint8Array();
  if (type === 'map<bytes>') return [key, base64(bytes)];
  if (type === 'map<Quantity>') return [key, special('Quantity', bytes, where)];
  return [key, text(bytes, where)];
}

function isZero(v: unknown): boolean {
  return v === undefined || v === '' || v === 0 || v === false || (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
}

/** Values of one wire occurrence of a field (several for a packed repeated scalar). */
function values(def: FieldDef, wire: number, r: Reader, where: string): unknown[] {
  switch (def.type) {
    case 'i32':
    case 'i64':
    case 'bool': {
      const conv = (v: bigint) => (def.type === 'bool' ? v !== 0n : int(v));
      if (wire === WIRE.VARINT) return [conv(r.varint())];
      expectWire(wire, WIRE.LEN, where);
      const packed = new Reader(r.bytes());
      const out: unknown[] = [];
      while (!packed.done) out.push(conv(packed.varint()));
      return out;
    }
    default:
      expectWire(wire, WIRE.LEN, where);
  }
  const b = r.bytes();
  switch (def.type) {
    case 's':
      return [text(b, where)];
    case 'bytes':
      return [base64(b)];
    case 'Time':
    case 'IntOrString':
    case 'Quantity':
    case 'FieldsV1':
      return [special(def.type, b, where)];
    default:
      return [decodeMessage(b, def.type, where)];
  }
}

/** Decodes one message of the named type into its JSON form. */
export function decodeMessage(b: Uint8Array, message: string, where = message): Json {
  const fields = messageFields(message);
  const out: Json = {};
  const r = new Reader(b);
  while (!r.done) {
    const { field, wire } = r.tag();
    const def = fields.get(field);
    if (!def) {
      throw new ProtobufError('PROTOBUF_UNKNOWN_FIELD', `${where}: field number ${field} is not in podnet's schema for ${message}`);
    }
    const at = `${where}.${def.name}`;
    if (def.type.startsWith('map')) {
      expectWire(wire, WIRE.LEN, at);
      const [k, v] = mapEntry(def.type, r.bytes(), at);
      ((out[def.name] ??= {}) as Json)[k] = v;
      continue;
    }
    for (const v of values(def, wire, r, at)) {
      if (def.repeated) (out[def.name] ??= [] as unknown[]) as unknown[];
      if (def.repeated) (out[def.name] as unknown[]).push(v);
      else if (def.inline) Object.assign(out, v);
      else if (v !== undefined && (def.pointer || !isZero(v))) out[def.name] = v;
    }
  }
  return out;
}
