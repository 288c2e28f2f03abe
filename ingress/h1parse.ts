// HTTP/1.1 message heads for the fast engine, parsed strictly: request line or status line plus
// header lines up to the empty line. Anything ambiguous (bare LF, obs-fold, a space before the
// colon, two Hosts, Content-Length with Transfer-Encoding, differing Content-Lengths) is refused
// rather than guessed at, because a proxy that reads a message differently from its upstream is
// how requests get smuggled.

/** Like Node's default maxHeaderSize: a longer request head is answered 431. */
export const MAX_REQUEST_HEAD = 16 * 1024;
/** A longer upstream response head is a 502. */
export const MAX_RESPONSE_HEAD = 64 * 1024;

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e\x80-\xff]+) HTTP\/1\.([01])$/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
// The whole field section in one pass: every line a token, a colon, then only HTAB, visible
// ASCII, SP or obs-text. No bare CR or LF, no obs-fold, no space before the colon gets through.
// (Linear: the classes cannot overlap, so there is nothing to backtrack over.)
const FIELD_SECTION = /^(?:\r\n[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e\x80-\xff]*)*$/;
const DIGITS = /^\d{1,15}$/;

export interface Fields {
  /** Header names as sent, lower-cased, and their values without surrounding whitespace, in order. */
  readonly names: string[];
  readonly lower: string[];
  readonly values: string[];
  /** -1 when absent. */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** A transfer-coding other than plain "chunked" (only the full pipeline decodes those). */
  readonly otherCoding: boolean;
  /** Lower-cased tokens of the Connection field. */
  readonly connection: readonly string[];
}

export interface RequestHead extends Fields {
  /** Lower-cased name → value; repeated fields joined with ", ". */
  readonly map: Record<string, string>;
  readonly method: string;
  readonly target: string;
  readonly minor: 0 | 1;
  /** Bytes of the head, the final empty line included. */
  readonly length: number;
}

export interface ResponseHead extends Fields {
  readonly status: number;
  readonly reason: string;
  readonly minor: 0 | 1;
  readonly length: number;
}

export class HeadError extends Error {
  constructor(readonly status: 400 | 431 | 502, message: string) {
    super(`ingress: ${message}`);
  }
}

function lineEnd(text: string): number {
  const i = text.indexOf('\r\n');
  return i === -1 ? text.length : i;
}

/** Where the head ends (index after "\r\n\r\n"), or -1 when it has not all arrived. */
const END = Buffer.from('\r\n\r\n', 'latin1');

function headEnd(buf: Buffer, from: number): number {
  // A Buffer needle: a string one is converted again on every call.
  const i = buf.indexOf(END, from);
  return i === -1 ? -1 : i + 4;
}

const NONE: readonly string[] = [];

/** The value of a field line without the SP/HTAB around it (String.trim would also eat NBSP, 0xa0). */
function fieldValue(line: string, from: number): string {
  let a = from;
  let b = line.length;
  while (a < b && (line.charCodeAt(a) === 32 || line.charCodeAt(a) === 9)) a++;
  while (b > a && (line.charCodeAt(b - 1) === 32 || line.charCodeAt(b - 1) === 9)) b--;
  return line.slice(a, b);
}

const KEEP_ALIVE: readonly string[] = ['keep-alive'];
const CLOSE: readonly string[] = ['close'];

function connectionTokens(value: string): readonly string[] {
  const v = value.toLowerCase();
  // Nearly every message says one of these two; no need to split them.
  if (v === 'keep-alive') return KEEP_ALIVE;
  if (v === 'close') return CLOSE;
  return v.split(',').map((t) => t.trim()).filter(Boolean);
}

/**
 * Header fields of the head `text` after its start line (which ends at `from`); `map` is filled
 * when given.
 */
function parseFields(text: string, from: number, bad: 400 | 502, map?: Record<string, string>): Fields {
  const names: string[] = [];
  const lower: string[] = [];
  const values: string[] = [];
  let contentLength = -1;
  let te: string | undefined;
  let conn: string | undefined;
  if (from < text.length && !FIELD_SECTION.test(from === 0 ? text : text.slice(from))) throw new HeadError(bad, 'malformed header section');
  const lines = from < text.length ? text.slice(from + 2).split('\r\n') : NONE;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = fieldValue(line, colon + 1);
    const key = name.toLowerCase();
    names.push(name);
    lower.push(key);
    values.push(value);
    if (key === 'content-length') {
      if (!DIGITS.test(value)) throw new HeadError(bad, `invalid Content-Length ${JSON.stringify(value.slice(0, 32))}`);
      const n = Number(value);
      if (contentLength !== -1 && n !== contentLength) throw new HeadError(bad, 'differing Content-Length fields');
      contentLength = n;
      if (map) map[key] = value;
      continue;
    }
    if (key === 'transfer-encoding') te = te === undefined ? value : `${te}, ${value}`;
    else if (key === 'connection') conn = conn === undefined ? value : `${conn}, ${value}`;
    if (map) {
      const prev = map[key];
      map[key] = prev === undefined ? value : `${prev}, ${value}`;
    }
  }
  if (te !== undefined && contentLength !== -1) throw new HeadError(bad, 'both Content-Length and Transfer-Encoding');
  const coding = te?.toLowerCase();
  return {
    names, lower, values, contentLength,
    chunked: coding === 'chunked',
    otherCoding: coding !== undefined && coding !== 'chunked',
    connection: conn === undefined ? NONE : connectionTokens(conn),
  };
}

/**
 * The request head at the start of `buf`: undefined while incomplete, a HeadError (400, or 431
 * over MAX_REQUEST_HEAD) when it can never be valid.
 */
export function parseRequestHead(buf: Buffer): RequestHead | HeadError | undefined {
  // Empty lines before a request line are tolerated (RFC 9112 §2.2), nothing else is.
  let start = 0;
  while (start + 1 < buf.length && buf[start] === 13 && buf[start + 1] === 10) start += 2;
  const end = headEnd(buf, start);
  if (end === -1) return buf.length - start > MAX_REQUEST_HEAD ? new HeadError(431, 'request head too large') : undefined;
  if (end - start > MAX_REQUEST_HEAD) return new HeadError(431, 'request head too large');
  const text = buf.toString('latin1', start, end - 4);
  const eol = lineEnd(text);
  const m = REQUEST_LINE.exec(text.slice(0, eol));
  if (!m) return new HeadError(400, `malformed request line ${JSON.stringify(text.slice(0, Math.min(eol, 64)))}`);
  try {
    // A plain object keeps V8's fast properties (the same few names arrive every time); only
    // fixed, well-known names are read from it.
    const map: Record<string, string> = {};
    const f = parseFields(text, eol, 400, map);
    return {
      names: f.names, lower: f.lower, values: f.values, map, contentLength: f.contentLength, chunked: f.chunked, otherCoding: f.otherCoding,
      connection: f.connection, method: m[1]!, target: m[2]!, minor: m[3] === '1' ? 1 : 0, length: end,
    };
  } catch (err) {
    if (err instanceof HeadError) return err;
    throw err;
  }
}

/** The response head at the start of `buf`; undefined while incomplete; HeadError(502) when malformed. */
export function parseResponseHead(buf: Buffer): ResponseHead | HeadError | undefined {
  const end = headEnd(buf, 0);
  if (end === -1) return buf.length > MAX_RESPONSE_HEAD ? new HeadError(502, 'upstream response head too large') : undefined;
  const text = buf.toString('latin1', 0, end - 4);
  const eol = lineEnd(text);
  const m = STATUS_LINE.exec(text.slice(0, eol));
  if (!m) return new HeadError(502, `malformed upstream status line ${JSON.stringify(text.slice(0, Math.min(eol, 64)))}`);
  try {
    const f = parseFields(text, eol, 502);
    return {
      names: f.names, lower: f.lower, values: f.values, contentLength: f.contentLength, chunked: f.chunked, otherCoding: f.otherCoding,
      connection: f.connection, status: Number(m[2]), reason: m[3] ?? '', minor: m[1] === '1' ? 1 : 0, length: end,
    };
  } catch (err) {
    if (err instanceof HeadError) return err;
    throw err;
  }
}
