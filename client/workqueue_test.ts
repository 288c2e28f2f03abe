import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FakeClock } from './clock.js';
import { WorkQueue } from './workqueue.js';

test('adding a key many times queues it once', async () => {
  const q = new WorkQueue();
  q.add('a');
  q.add('a');
  q.add('b');
  assert.equal(q.length, 2);
  assert.equal(await q.get(), 'a');
  assert.equal(await q.get(), 'b');
});

test('a key added while it is processed is handed out again only after done', async () => {
  const q = new WorkQueue();
  q.add('a');
  const k = await q.get();
  q.add('a');
  assert.equal(q.length, 0, 'not queued while processing');
  q.done(k!);
  assert.equal(q.length, 1);
  assert.equal(await q.get(), 'a');
});

test('a waiting get receives the next add', async () => {
  const q = new WorkQueue();
  const p = q.get();
  q.add('x');
  assert.equal(await p, 'x');
});

test('addAfter fires on the injected clock, and the earlier of two delays wins', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock });
  q.addAfter('a', 1000);
  q.addAfter('a', 100);
  clock.advance(99);
  assert.equal(q.length, 0);
  clock.advance(1);
  assert.equal(q.length, 1);
  clock.advance(5000);
  assert.equal(q.length, 1, 'the later delay was dropped');
});

test('failures back off exponentially per key until the retry budget is spent', async () => {
  const clock = new FakeClock();
  const q = new WorkQueue({ clock, baseDelayMs: 10, maxDelayMs: 1000, maxRetries: 3 });
  const delays: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = clock.now();
    assert.equal(q.addRateLimited('k'), true);
    while (q.length === 0) clock.advance(1);
    delays.push(clock.now() - start);
    q.done((await q.get())!);
  }
  assert.deepEqual(delays, [10, 20, 40]);
  assert.equal(q.addRateLimited('k'), false, 'budget spent');
  assert.equal(q.retries('k'), 0, 'history cleared after giving up');
  q.addRateLimited('k');
  q.forget('k');
  assert.equal(q.retries('k'), 0);
});

test('shutdown releases waiting workers with undefined', async () => {
  const q = new WorkQueue();
  const p = q.get();
  q.shutdown();
  assert.equal(await p, undefined);
  q.add('late');
  assert.equal(q.length, 0);
});
