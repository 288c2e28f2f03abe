import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextBackoff, shouldRestart } from './backoff.js';

test('the first restart is immediate, then back-off starts at 10s, doubles, caps at 5 minutes', () => {
  let b = { crashes: 0 };
  const delays: number[] = [];
  for (let i = 0; i < 8; i++) {
    const r = nextBackoff(b, 1000);
    delays.push(r.delayMs / 1000);
    b = r.next;
  }
  assert.deepEqual(delays, [0, 10, 20, 40, 80, 160, 300, 300]);
});

test('a container that ran 10 minutes starts over', () => {
  assert.equal(nextBackoff({ crashes: 5 }, 600_000).delayMs, 0);
  assert.equal(nextBackoff({ crashes: 1 }, 1000).delayMs, 10_000);
});

test('restartPolicy decides which exits restart', () => {
  assert.equal(shouldRestart('Always', 0), true);
  assert.equal(shouldRestart('OnFailure', 0), false);
  assert.equal(shouldRestart('OnFailure', 1), true);
  assert.equal(shouldRestart('Never', 1), false);
});
