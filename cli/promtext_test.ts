import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText } from './promtext.js';

test('well-formed expositions parse into samples with labels', () => {
  const s = parsePrometheusText('# HELP x_total help\n# TYPE x_total counter\nx_total{a="1",b="q\\"uote"} 3\nh_bucket{le="+Inf"} 2\n');
  assert.deepEqual(s[0], { name: 'x_total', labels: { a: '1', b: 'q\\"uote' }, value: 3 });
  assert.equal(s[1]!.labels.le, '+Inf');
});

test('malformed lines, duplicate TYPEs and bad values are rejected', () => {
  assert.throws(() => parsePrometheusText('x{a=1} 3\n'), /bad labels/);
  assert.throws(() => parsePrometheusText('# TYPE x gauge\n# TYPE x gauge\n'), /second TYPE/);
  assert.throws(() => parsePrometheusText('x one\n'), /bad value/);
  assert.throws(() => parsePrometheusText('9x 1\n'), /not a sample/);
});
