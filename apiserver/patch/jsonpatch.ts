// RFC 6902 JSON Patch over RFC 6901 JSON Pointers: what client-node sends by default
// (`application/json-patch+json`). Operations apply in order to a private copy; if any fails the
// whole patch fails and the input is untouched.
import { PatchError } from './errors.js';
import { clone, deepEqual, isObject, type JsonObject } from './json.js';

type Container = JsonObject | unknown[];

/** Splits an RFC 6901 pointer into unescaped reference tokens ("" is the whole document). */
export function parsePointer(pointer: unknown): string[] {
  if (typeof pointer !== 'string') throw new PatchError('PATCH_MALFORMED', `JSON pointer must be a string, got ${JSON.stringify(pointer)}`);
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new PatchError('PATCH_MALFORMED', `JSON pointer "${pointer}" must start with "/"`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~[^01]|~$/.test(t)) throw new PatchError('PATCH_MALFORMED', `JSON pointer "${pointer}" has an invalid escape`);
      return t.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

function arrayIndex(token: string, length: number, allowEnd: boolean, pointer: string): number {
  if (allowEnd && token === '-') return length;
  // RFC 6901: decimal digits, no leading zeros.
  if (!/^(0|[1-9][0-9]*)$/.test(token)) throw new PatchError('PATCH_PATH_NOT_FOUND', `"${token}" in "${pointer}" is not an array index`);
  const i = Number(token);
  if (i > length || (!allowEnd && i === length)) throw new PatchError('PATCH_PATH_NOT_FOUND', `index ${i} in "${pointer}" is out of bounds (length ${length})`);
  return i;
}

/** Walks to the container holding the last token; throws when an intermediate step is missing. */
function parentOf(doc: unknown, tokens: string[], pointer: string): Container {
  let cur: unknown = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[arrayIndex(t, cur.length, false, pointer)];
    else if (isObject(cur) && Object.hasOwn(cur, t)) cur = cur[t];
    else throw new PatchError('PATCH_PATH_NOT_FOUND', `path "${pointer}" does not exist`);
  }
  if (!Array.isArray(cur) && !isObject(cur)) throw new PatchError('PATCH_PATH_NOT_FOUND', `path "${pointer}" does not exist`);
  return cur;
}

function get(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return doc;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) return parent[arrayIndex(last, parent.length, false, pointer)];
  if (!Object.hasOwn(parent, last)) throw new PatchError('PATCH_PATH_NOT_FOUND', `path "${pointer}" does not exist`);
  return parent[last];
}

function add(doc: unknown, pointer: string, value: unknown): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return value;
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, true, pointer), 0, value);
  else parent[last] = value;
  return doc;
}

function remove(doc: unknown, pointer: string): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) throw new PatchError('PATCH_PATH_NOT_FOUND', 'cannot remove the whole document');
  const parent = parentOf(doc, tokens, pointer);
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent.splice(arrayIndex(last, parent.length, false, pointer), 1);
  else if (Object.hasOwn(parent, last)) delete parent[last];
  else throw new PatchError('PATCH_PATH_NOT_FOUND', `path "${pointer}" does not exist`);
  return doc;
}

function field(op: JsonObject, name: string, index: number): unknown {
  if (!Object.hasOwn(op, name)) throw new PatchError('PATCH_MALFORMED', `operation ${index} ("${String(op.op)}") is missing "${name}"`);
  return op[name];
}

/** Applies an RFC 6902 operation list to a copy of `original`. */
export function jsonPatch(original: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw new PatchError('PATCH_MALFORMED', 'a JSON patch must be an array of operations');
  let doc = clone(original);
  ops.forEach((op, i) => {
    if (!isObject(op)) throw new PatchError('PATCH_MALFORMED', `operation ${i} is not an object`);
    const path = field(op, 'path', i) as string;
    parsePointer(path);
    switch (op.op) {
      case 'add':
        doc = add(doc, path, clone(field(op, 'value', i)));
        break;
      case 'remove':
        doc = remove(doc, path);
        break;
      case 'replace': {
        const value = clone(field(op, 'value', i));
        get(doc, path);
        doc = parsePointer(path).length === 0 ? value : add(remove(doc, path), path, value);
        break;
      }
      case 'move': {
        const from = field(op, 'from', i) as string;
        const fromTokens = parsePointer(from);
        const toTokens = parsePointer(path);
        if (from !== path && fromTokens.length < toTokens.length && fromTokens.every((t, j) => t === toTokens[j])) {
          throw new PatchError('PATCH_MALFORMED', `cannot move "${from}" into its own child "${path}"`);
        }
        const value = get(doc, from);
        doc = add(remove(doc, from), path, value);
        break;
      }
      case 'copy': {
        const value = clone(get(doc, field(op, 'from', i) as string));
        doc = add(doc, path, value);
        break;
      }
      case 'test': {
        const actual = get(doc, path);
        if (!deepEqual(actual, field(op, 'value', i))) {
          throw new PatchError('PATCH_TEST_FAILED', `test operation ${i} failed: "${path}" is ${JSON.stringify(actual)}, not ${JSON.stringify(op.value)}`);
        }
        break;
      }
      default:
        throw new PatchError('PATCH_MALFORMED', `operation ${i} has unknown op ${JSON.stringify(op.op)}`);
    }
  });
  return doc;
}
