// The fast counter and histogram must print exactly what prom-client's own would for the same samples.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { LabeledCounter, LabeledHistogram } from './labeled.js';

test('LabeledCounter and LabeledHistogram print what prom-client prints for the same samples', async () => {
  const ours = new Registry();
  const theirs = new Registry();
  const c1 = new LabeledCounter(ours, 'req_total', 'requests', ['route', 'status']);
  const c2 = new Counter({ name: 'req_total', help: 'requests', labelNames: ['route', 'status'], registers: [theirs] });
  const bounds = [0.01, 0.1, 1];
  const h1 = new LabeledHistogram(ours, 'lat_seconds', 'latency', ['route'], bounds);
  const h2 = new Histogram({ name: 'lat_seconds', help: 'latency', labelNames: ['route'], buckets: bounds, registers: [theirs] });
  const samples: [string, string, number][] = [['a', '200', 0.005], ['a', '200', 0.01], ['b', '503', 0.5], ['a', '404', 3], ['b', '503', 0.05]];
  for (const [route, status, v] of samples) {
    c1.inc([route, status]);
    c2.inc({ route, status });
    h1.observe([route], v);
    h2.observe({ route }, v);
  }
  assert.equal(await ours.metrics(), await theirs.metrics());
});
