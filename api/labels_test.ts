import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileMapSelector, compileSelector, formatSelector, matches, parseSelector } from './labels.js';

test('the string form parses equality, sets, existence and negation', () => {
  const sel = parseSelector('app=web, tier!=db,env in (prod, staging),!legacy,team');
  assert.equal(formatSelector(sel), 'app=web,tier!=db,env in (prod,staging),!legacy,team');
  assert.ok(matches(sel, { app: 'web', env: 'prod', team: 'a' }));
  assert.ok(!matches(sel, { app: 'web', env: 'prod', team: 'a', legacy: 'x' }));
  assert.ok(!matches(sel, { app: 'web', env: 'dev', team: 'a' }));
  assert.ok(matches(parseSelector('tier notin (db)'), {}));
  assert.ok(matches(parseSelector('app==web'), { app: 'web' }));
  assert.ok(matches(parseSelector(''), { any: 'thing' }));
});

test('bad selector strings are rejected with the problem named', () => {
  assert.throws(() => parseSelector('app=we b'), SyntaxError);
  assert.throws(() => parseSelector('app in (a,b'), /expected: '\)'/);
  assert.throws(() => parseSelector('-bad=1'), /invalid label key/);
  assert.throws(() => parseSelector('=x'), /expected: identifier/);
});

test('structured selectors: empty selects everything, nil may select nothing', () => {
  assert.ok(matches(compileSelector({}), { a: 'b' }));
  assert.ok(matches(compileSelector(undefined), {}));
  assert.ok(!matches(compileSelector(undefined, { nilMatchesNothing: true }), {}));
  assert.ok(!matches(compileMapSelector({}), { a: 'b' }));
  const sel = compileSelector({ matchLabels: { app: 'db' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['x'] }] });
  assert.ok(matches(sel, { app: 'db' }));
  assert.ok(!matches(sel, { app: 'db', tier: 'x' }));
  assert.throws(() => compileSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }), TypeError);
  assert.throws(() => compileSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] }), TypeError);
});
