// Key-range helpers shared by the SQLite and etcd stores: a prefix is turned into a half-open
// range [prefix, end) so that both backends can use their ordered index instead of scanning.

/**
 * The smallest string greater than every string starting with `prefix`, or undefined when there is
 * none (the empty prefix, or one made only of the highest code point): then the range is open-ended.
 */
export function prefixEnd(prefix: string): string | undefined {
  const points = [...prefix];
  while (points.length > 0) {
    const last = points.pop()!.codePointAt(0)!;
    if (last < 0x10ffff) {
      // Skip the surrogate block: it is not a valid code point on its own in UTF-8 (SQLite's TEXT order).
      const next = last + 1 === 0xd800 ? 0xe000 : last + 1;
      return points.join('') + String.fromCodePoint(next);
    }
  }
  return undefined;
}

/** etcd's convention for "every key with this prefix": the prefix with its last byte incremented; "\0" means no end. */
export function prefixEndBytes(prefix: Buffer): Buffer {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i] = end[i]! + 1;
      return end.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

/** Wraps bytes in a Buffer without copying (drivers bind Buffers, callers hand us Uint8Arrays). */
export function asBuffer(value: Uint8Array): Buffer {
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
}

/** etcd refuses a transaction that touches one key twice; the other stores refuse it the same way. */
export function assertDistinctKeys(ops: readonly { readonly key: string }[]): void {
  const seen = new Set<string>();
  for (const op of ops) {
    if (seen.has(op.key)) throw new TypeError(`storage: key "${op.key}" appears twice in one transaction`);
    seen.add(op.key);
  }
}
