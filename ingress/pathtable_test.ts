// Every row of the path-matching examples table in the Kubernetes Ingress documentation, as real
// requests through the controller. Each path of a row is routed to its own backend so the test
// sees which rule matched; "no match" must be the built-in 404 (no default backend configured).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ingress, world, type World } from './testing.js';

type Kind = 'Exact' | 'Prefix';
interface Row {
  readonly paths: readonly { path: string; kind: Kind }[];
  readonly request: string;
  /** Index into paths of the rule that must answer, or undefined for no match. */
  readonly match: number | undefined;
}

const P = (path: string): { path: string; kind: Kind } => ({ path, kind: 'Prefix' });
const E = (path: string): { path: string; kind: Kind } => ({ path, kind: 'Exact' });

const TABLE: readonly Row[] = [
  { paths: [P('/')], request: '/anything/at/all', match: 0 },
  { paths: [P('/')], request: '/', match: 0 },
  { paths: [E('/foo')], request: '/foo', match: 0 },
  { paths: [E('/foo')], request: '/bar', match: undefined },
  { paths: [E('/foo')], request: '/foo/', match: undefined },
  { paths: [E('/foo/')], request: '/foo', match: undefined },
  { paths: [P('/foo')], request: '/foo', match: 0 },
  { paths: [P('/foo')], request: '/foo/', match: 0 },
  { paths: [P('/foo/')], request: '/foo', match: 0 },
  { paths: [P('/foo/')], request: '/foo/', match: 0 },
  { paths: [P('/aaa/bb')], request: '/aaa/bbb', match: undefined },
  { paths: [P('/aaa/bbb')], request: '/aaa/bbb', match: 0 },
  { paths: [P('/aaa/bbb/')], request: '/aaa/bbb', match: 0 },
  { paths: [P('/aaa/bbb')], request: '/aaa/bbb/', match: 0 },
  { paths: [P('/aaa/bbb')], request: '/aaa/bbb/ccc', match: 0 },
  { paths: [P('/aaa/bbb')], request: '/aaa/bbbxyz', match: undefined },
  { paths: [P('/'), P('/aaa')], request: '/aaa/ccc', match: 1 },
  { paths: [P('/'), P('/aaa'), P('/aaa/bbb')], request: '/aaa/bbb', match: 2 },
  { paths: [P('/'), P('/aaa'), P('/aaa/bbb')], request: '/ccc', match: 0 },
  { paths: [P('/aaa')], request: '/ccc', match: undefined },
  { paths: [P('/foo'), E('/foo')], request: '/foo', match: 1 },
  { paths: [E('/foo'), P('/foo')], request: '/foo', match: 0 },
];

let w: World;
before(async () => {
  w = await world(['p0', 'p1', 'p2']);
});
after(async () => {
  await w?.close();
});

for (const [i, row] of TABLE.entries()) {
  const rules = row.paths.map((p) => `${p.kind} ${p.path}`).join(', ');
  const expect = row.match === undefined ? 'no match' : `matches ${row.paths[row.match]!.kind} ${row.paths[row.match]!.path}`;
  test(`path table row ${i + 1}: [${rules}] request ${row.request} → ${expect}`, async () => {
    const host = `row${i}.example`;
    w.apply(ingress(`row${i}`, [{ host, paths: row.paths.map((p, j) => ({ path: p.path, pathType: p.kind, service: `svc-p${j}` })) }]));
    const r = await w.get(row.request, { host });
    if (row.match === undefined) {
      assert.equal(r.status, 404);
      assert.equal(r.backend, undefined);
    } else {
      assert.equal(r.status, 200);
      assert.equal(r.backend, `p${row.match}`);
      assert.equal(r.echo?.url, row.request);
    }
  });
}

test('query strings take no part in matching and reach the backend unchanged', async () => {
  w.apply(ingress('query', [{ host: 'q.example', paths: [{ path: '/foo', pathType: 'Exact', service: 'svc-p0' }] }]));
  const r = await w.get('/foo?bar=/baz&x=1', { host: 'q.example' });
  assert.equal(r.backend, 'p0');
  assert.equal(r.echo?.url, '/foo?bar=/baz&x=1');
});
