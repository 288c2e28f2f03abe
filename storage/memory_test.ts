import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStorage } from './memory.js';
import { CompactedError, type WatchEvent } from './types.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

test('a put with expectRevision 0 fails when the key exists and writes nothing', async () => {
  const s = new MemoryStorage();
  const first = await s.txn([{ type: 'put', key: '/a', value: enc('1'), expectRevision: 0 }]);
  assert.equal(first.succeeded, true);
  const again = await s.txn([{ type: 'put', key: '/a', value: enc('2'), expectRevision: 0 }]);
  assert.equal(again.succeeded, false);
  assert.equal(again.current?.modRevision, first.revision);
  assert.equal(dec((await s.get('/a'))!.value), '1');
});

test('compare-and-swap on modRevision guards updates and deletes', async () => {
  const s = new MemoryStorage();
  const put = await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
  const stale = await s.txn([{ type: 'put', key: '/a', value: enc('2'), expectRevision: put.revision - 1 }]);
  assert.equal(stale.succeeded, false);
  const del = await s.txn([{ type: 'delete', key: '/a', expectRevision: put.revision }]);
  assert.equal(del.succeeded, true);
  assert.equal(await s.get('/a'), undefined);
});

test('list returns keys under a prefix in order with the current revision and pages with startAfter', async () => {
  const s = new MemoryStorage();
  for (const k of ['/p/c', '/p/a', '/q/x', '/p/b']) await s.txn([{ type: 'put', key: k, value: enc(k) }]);
  const all = await s.list('/p/');
  assert.deepEqual(all.items.map((kv) => kv.key), ['/p/a', '/p/b', '/p/c']);
  assert.equal(all.revision, await s.currentRevision());
  const page = await s.list('/p/', { limit: 2, startAfter: '/p/a' });
  assert.deepEqual(page.items.map((kv) => kv.key), ['/p/b', '/p/c']);
});

test('watch replays changes after a revision, then delivers live ones with prev values', async () => {
  const s = new MemoryStorage();
  const r1 = await s.txn([{ type: 'put', key: '/p/a', value: enc('1') }]);
  await s.txn([{ type: 'put', key: '/p/a', value: enc('2') }]);
  const got: WatchEvent[] = [];
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const h = s.watch('/p/', r1.revision, (ev) => {
    got.push(ev);
    if (got.length === 2) done();
  });
  await s.txn([{ type: 'delete', key: '/p/a' }]);
  await finished;
  h.close();
  assert.deepEqual(got.map((e) => [e.type, dec(e.kv.value), e.prev && dec(e.prev.value)]), [['PUT', '2', '1'], ['DELETE', '2', '2']]);
});

test('watching from a compacted revision throws CompactedError', async () => {
  const s = new MemoryStorage({ historySize: 2 });
  for (let i = 0; i < 5; i++) await s.txn([{ type: 'put', key: '/a', value: enc(String(i)) }]);
  assert.throws(() => s.watch('/', 1, () => {}), CompactedError);
  await s.compact(await s.currentRevision());
  const now = await s.currentRevision();
  assert.throws(() => s.watch('/', now - 1, () => {}), CompactedError);
});
