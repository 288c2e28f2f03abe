import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prefixEnd, prefixEndBytes } from './keys.js';

test('a prefix range ends just after the last key that can start with the prefix', () => {
  assert.equal(prefixEnd('/registry/pods/'), '/registry/pods0');
  assert.equal(prefixEnd('a\u{10ffff}'), 'b');
  assert.equal(prefixEnd('\u{d7ff}'), '\u{e000}');
  assert.equal(prefixEnd(''), undefined);
  assert.equal(prefixEnd('\u{10ffff}'), undefined);
});

test('etcd prefix ranges increment the last byte, and "\\0" means to the end of the keyspace', () => {
  assert.deepEqual([...prefixEndBytes(Buffer.from('/a/'))], [...Buffer.from('/a0')]);
  assert.deepEqual([...prefixEndBytes(Buffer.from([0x61, 0xff]))], [0x62]);
  assert.deepEqual([...prefixEndBytes(Buffer.alloc(0))], [0]);
  assert.deepEqual([...prefixEndBytes(Buffer.from([0xff, 0xff]))], [0]);
});
