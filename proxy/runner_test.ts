import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BoundedFrequencyRunner, FakeClock } from './runner.js';

const settle = () => new Promise((r) => setImmediate(r));

test('a burst of requests within the min interval becomes one more run', async () => {
  const clock = new FakeClock();
  let runs = 0;
  const r = new BoundedFrequencyRunner(async () => void runs++, { minIntervalMs: 1000, clock });
  r.request();
  await settle();
  assert.equal(runs, 1);
  for (let i = 0; i < 50; i++) r.request();
  await settle();
  assert.equal(runs, 1, 'held back by the min interval');
  clock.advance(999);
  await settle();
  assert.equal(runs, 1);
  clock.advance(1);
  await settle();
  assert.equal(runs, 2);
  r.stop();
});

test('requests during a run cause exactly one follow-up run', async () => {
  const clock = new FakeClock();
  let release!: () => void;
  let runs = 0;
  const r = new BoundedFrequencyRunner(
    () => {
      runs++;
      return new Promise<void>((res) => (release = res));
    },
    { minIntervalMs: 0, clock },
  );
  r.request();
  r.request();
  r.request();
  assert.equal(runs, 1);
  release();
  await settle();
  await settle();
  assert.equal(runs, 2);
  release();
  await settle();
  assert.equal(runs, 2);
  r.stop();
});

test('the max interval triggers periodic runs and errors do not stop the runner', async () => {
  const clock = new FakeClock();
  let runs = 0;
  const errors: unknown[] = [];
  const r = new BoundedFrequencyRunner(
    async () => {
      runs++;
      throw new Error('boom');
    },
    { minIntervalMs: 10, maxIntervalMs: 5000, clock, onError: (e) => errors.push(e) },
  );
  clock.advance(5000);
  await settle();
  assert.equal(runs, 1);
  clock.advance(5000);
  await settle();
  assert.equal(runs, 2);
  assert.equal(errors.length, 2);
  r.stop();
  clock.advance(20000);
  await settle();
  assert.equal(runs, 2);
});
