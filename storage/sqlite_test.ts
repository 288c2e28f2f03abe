import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openSqlite } from './sqlite.js';
import { CompactedError, type Storage } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'pn-sqlite-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `s${n++}.db`);
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

async function using<T>(s: Storage, body: (s: Storage) => Promise<T>): Promise<T> {
  try {
    return await body(s);
  } finally {
    await s.close();
  }
}

test('rows, the revision and the compaction point survive closing and reopening the file', async () => {
  const path = fresh();
  const { rev, compactedAt } = await using(await openSqlite(path), async (s) => {
    for (let i = 0; i < 5; i++) await s.txn([{ type: 'put', key: `/k/${i}`, value: enc(`v${i}`) }]);
    await s.txn([{ type: 'delete', key: '/k/0' }]);
    const compactedAt = (await s.currentRevision()) - 2;
    await s.compact(compactedAt);
    return { rev: await s.currentRevision(), compactedAt };
  });
  await using(await openSqlite(path), async (s) => {
    assert.equal(await s.currentRevision(), rev);
    assert.deepEqual((await s.list('/k/')).items.map((kv) => `${kv.key}=${dec(kv.value)}`), ['/k/1=v1', '/k/2=v2', '/k/3=v3', '/k/4=v4']);
    assert.throws(() => s.watch('/', compactedAt - 1, () => {}), CompactedError);
    const next = await s.txn([{ type: 'put', key: '/k/5', value: enc('v5') }]);
    assert.equal(next.revision, rev + 1);
  });
});

test('the file is in WAL mode (durability of acknowledged writes is tested by durability_test)', async () => {
  const path = fresh();
  await using(await openSqlite(path), async (s) => {
    await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
  });
  const db = new Database(path, { readonly: true });
  try {
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
  } finally {
    db.close();
  }
});

test('a second store on the same file is refused while the first is open', async () => {
  const path = fresh();
  await using(await openSqlite(path), async (s) => {
    await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
    await assert.rejects(openSqlite(path), (err: Error & { code?: string }) => err.code === 'STORAGE_LOCKED' && err.message.includes(path));
  });
});

test('history older than keepRevisions is compacted automatically once it is old enough', async () => {
  await using(await openSqlite(fresh(), { keepRevisions: 5, keepMs: 0 }), async (s) => {
    const first = await s.txn([{ type: 'put', key: '/a', value: enc('0') }]);
    for (let i = 1; i < 30; i++) await s.txn([{ type: 'put', key: '/a', value: enc(String(i)) }]);
    assert.throws(() => s.watch('/', first.revision, () => {}), CompactedError);
    const recent = (await s.currentRevision()) - 5;
    s.watch('/', recent, () => {}).close();
  });
});

test('history younger than keepMs is kept however many revisions there are', async () => {
  let now = 1_000_000;
  await using(await openSqlite(fresh(), { keepRevisions: 0, keepMs: 60_000, now: () => now }), async (s) => {
    const first = await s.txn([{ type: 'put', key: '/a', value: enc('0') }]);
    for (let i = 1; i < 10; i++) await s.txn([{ type: 'put', key: '/a', value: enc(String(i)) }]);
    s.watch('/', first.revision - 1, () => {}).close();
    const lastOld = await s.currentRevision();
    now += 60_001;
    await s.txn([{ type: 'put', key: '/a', value: enc('later') }]);
    assert.throws(() => s.watch('/', first.revision, () => {}), CompactedError);
    s.watch('/', lastOld, () => {}).close();
  });
});

test('a transaction that touches one key twice is refused and writes nothing', async () => {
  await using(await openSqlite(fresh()), async (s) => {
    await assert.rejects(
      s.txn([{ type: 'put', key: '/a', value: enc('1') }, { type: 'delete', key: '/a' }]),
      (err: Error) => err instanceof TypeError && err.message.includes('"/a"'),
    );
    assert.equal(await s.get('/a'), undefined);
  });
});

test('a watch handler that writes sees its own write once, after the event it is handling', async () => {
  await using(await openSqlite(fresh()), async (s) => {
    const seen: string[] = [];
    let sawSecond!: () => void;
    let sawThird!: () => void;
    const second = new Promise<void>((r) => (sawSecond = r));
    const third = new Promise<void>((r) => (sawThird = r));
    s.watch('/r/', 0, (ev) => {
      seen.push(ev.kv.key);
      if (ev.kv.key === '/r/1') void s.txn([{ type: 'put', key: '/r/2', value: enc('2') }]);
      if (ev.kv.key === '/r/2') sawSecond();
      if (ev.kv.key === '/r/3') sawThird();
    });
    await s.txn([{ type: 'put', key: '/r/1', value: enc('1') }]);
    await second;
    await s.txn([{ type: 'put', key: '/r/3', value: enc('3') }]);
    await third;
    assert.deepEqual(seen, ['/r/1', '/r/2', '/r/3']);
  });
});

test('concurrent transactions commit together yet each keeps its own atomicity and revision', async () => {
  await using(await openSqlite(fresh()), async (s) => {
    await s.txn([{ type: 'put', key: '/taken', value: enc('x') }]);
    const before = await s.currentRevision();
    const bad = 'not bytes' as unknown as Uint8Array;
    const [a, b, c, d] = await Promise.allSettled([
      s.txn([{ type: 'put', key: '/a', value: enc('a') }]),
      s.txn([{ type: 'put', key: '/b1', value: enc('b1') }, { type: 'put', key: '/b2', value: bad }]),
      s.txn([{ type: 'put', key: '/taken', value: enc('y'), expectRevision: 0 }]),
      s.txn([{ type: 'put', key: '/d', value: enc('d') }]),
    ]);
    assert.equal(a.status, 'fulfilled');
    assert.equal(b.status, 'rejected');
    assert.equal(c.status === 'fulfilled' && c.value.succeeded, false);
    assert.equal(d.status, 'fulfilled');
    assert.deepEqual([a.status === 'fulfilled' && a.value.revision, d.status === 'fulfilled' && d.value.revision], [before + 1, before + 2]);
    assert.equal(await s.get('/b1'), undefined, 'the failed transaction left half of itself behind');
    assert.deepEqual((await s.list('/')).items.map((kv) => kv.key), ['/a', '/d', '/taken']);
  });
});

test('a watch from a revision that has not happened yet starts after it', async () => {
  await using(await openSqlite(fresh()), async (s) => {
    const from = (await s.currentRevision()) + 2;
    const got: number[] = [];
    let done!: () => void;
    const third = new Promise<void>((r) => (done = r));
    const h = s.watch('/', from, (ev) => {
      got.push(ev.kv.modRevision);
      done();
    });
    for (let i = 0; i < 3; i++) await s.txn([{ type: 'put', key: '/f', value: enc(String(i)) }]);
    await third;
    h.close();
    assert.deepEqual(got, [from + 1]);
  });
});
