import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePatch } from './index.js';

describe('mergePatch (RFC 7386)', () => {
  // The example table of RFC 7386 appendix A: [original, patch, result].
  const cases: [unknown, unknown, unknown][] = [
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [original, patch, result] of cases) {
    it(`${JSON.stringify(original)} + ${JSON.stringify(patch)} = ${JSON.stringify(result)}`, () => {
      assert.deepEqual(mergePatch(original, patch), result);
    });
  }

  it('applies what kubectl label sends without touching the input', () => {
    const svc = { metadata: { name: 'web', labels: { app: 'web' } }, spec: { ports: [{ port: 80 }] } };
    const out = mergePatch(svc, { metadata: { labels: { tier: 'front', app: null } } });
    assert.deepEqual(out, { metadata: { name: 'web', labels: { tier: 'front' } }, spec: { ports: [{ port: 80 }] } });
    assert.deepEqual(svc.metadata.labels, { app: 'web' });
  });
});
