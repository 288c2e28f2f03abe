import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonPatch, PatchError } from './index.js';

const fails = (code: string) => (e: unknown) => e instanceof PatchError && e.code === code;

describe('jsonPatch (RFC 6902)', () => {
  it('adds an object member and inserts into an array (RFC 6902 A.1, A.2)', () => {
    assert.deepEqual(jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }]), { foo: 'bar', baz: 'qux' });
    assert.deepEqual(jsonPatch({ foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }]), { foo: ['bar', 'qux', 'baz'] });
  });

  it('appends with "-" and replaces the whole document with an empty path', () => {
    assert.deepEqual(jsonPatch({ a: [1] }, [{ op: 'add', path: '/a/-', value: 2 }]), { a: [1, 2] });
    assert.deepEqual(jsonPatch({ a: 1 }, [{ op: 'replace', path: '', value: { b: 2 } }]), { b: 2 });
  });

  it('removes, replaces, moves and copies (RFC 6902 A.3–A.7)', () => {
    const doc = { baz: 'qux', foo: 'bar', list: ['a', 'b', 'c'] };
    const out = jsonPatch(doc, [
      { op: 'remove', path: '/baz' },
      { op: 'replace', path: '/foo', value: 'boo' },
      { op: 'move', from: '/list/0', path: '/list/2' },
      { op: 'copy', from: '/foo', path: '/copied' },
    ]);
    assert.deepEqual(out, { foo: 'boo', list: ['b', 'c', 'a'], copied: 'boo' });
  });

  it('passes a matching test and fails the whole patch on a mismatching one (A.8, A.9)', () => {
    const doc = { baz: 'qux', foo: ['a', 2, 'c'] };
    assert.deepEqual(jsonPatch(doc, [{ op: 'test', path: '/foo', value: ['a', 2, 'c'] }]), doc);
    assert.throws(() => jsonPatch(doc, [{ op: 'add', path: '/x', value: 1 }, { op: 'test', path: '/baz', value: 'bar' }]), fails('PATCH_TEST_FAILED'));
    assert.deepEqual(doc, { baz: 'qux', foo: ['a', 2, 'c'] }, 'the input is untouched when a later op fails');
  });

  it('unescapes ~1 and ~0 in pointers, as used for annotation keys', () => {
    const obj = { metadata: { annotations: { 'example.com/a~b': 'x' } } };
    const out = jsonPatch(obj, [{ op: 'replace', path: '/metadata/annotations/example.com~1a~0b', value: 'y' }]);
    assert.deepEqual(out, { metadata: { annotations: { 'example.com/a~b': 'y' } } });
  });

  it('rejects paths that do not exist (A.12) and bad array indexes with 422', () => {
    assert.throws(() => jsonPatch({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]), fails('PATCH_PATH_NOT_FOUND'));
    assert.throws(() => jsonPatch({ a: [1] }, [{ op: 'remove', path: '/a/1' }]), fails('PATCH_PATH_NOT_FOUND'));
    assert.throws(() => jsonPatch({ a: [1] }, [{ op: 'add', path: '/a/01', value: 0 }]), fails('PATCH_PATH_NOT_FOUND'));
    assert.throws(() => jsonPatch({ a: 1 }, [{ op: 'replace', path: '/b', value: 0 }]), (e: unknown) => e instanceof PatchError && e.httpStatus === 422);
  });

  it('rejects malformed patches with 400', () => {
    for (const bad of [{}, [{ op: 'frobnicate', path: '/a' }], [{ op: 'add', value: 1 }], [{ op: 'add', path: 'a', value: 1 }], [{ op: 'move', from: '/a', path: '/a/b' }]]) {
      assert.throws(() => jsonPatch({ a: {} }, bad), (e: unknown) => e instanceof PatchError && e.httpStatus === 400, JSON.stringify(bad));
    }
  });

  it('does not alias values between the patch and the result', () => {
    const value = { nested: [1] };
    const out = jsonPatch({}, [{ op: 'add', path: '/v', value }]) as { v: { nested: number[] } };
    out.v.nested.push(2);
    assert.deepEqual(value, { nested: [1] });
  });
});
