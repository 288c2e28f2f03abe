// The behaviour every Storage must have, run against each backend by suite_test.ts. Revisions are
// only compared with each other, never with absolute numbers: an etcd shared by several tests has
// one revision counter for all of them.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CompactedError, type Storage, type WatchEvent, type WatchHandle } from './types.js';

export interface OpenedStore {
  readonly storage: Storage;
  /** Removes what the store left behind (files, prefixes); called after close. */
  readonly cleanup?: () => Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

/** A guard against a watch that never delivers: the test fails with a message instead of hanging. */
const WATCH_GUARD_MS = 10_000;

export function storageSuite(name: string, open: () => Promise<OpenedStore>, opts: { skip?: string } = {}): void {
  const it = (title: string, body: (s: Storage) => Promise<void>) =>
    test(title, async () => {
      const { storage, cleanup } = await open();
      try {
        await body(storage);
      } finally {
        await storage.close();
        await cleanup?.();
      }
    });

  describe(`storage suite: ${name}`, { skip: opts.skip ?? false }, () => {
    it('a missing key reads as undefined and a created key reads back with its revisions', async (s) => {
      assert.equal(await s.get('/a'), undefined);
      const r = await s.txn([{ type: 'put', key: '/a', value: enc('one') }]);
      assert.equal(r.succeeded, true);
      const kv = await s.get('/a');
      assert.equal(dec(kv!.value), 'one');
      assert.equal(kv!.createRevision, r.revision);
      assert.equal(kv!.modRevision, r.revision);
      assert.equal(r.results[0]!.modRevision, r.revision);
    });

    it('values are bytes and come back unchanged', async (s) => {
      const bytes = new Uint8Array([0, 255, 1, 0, 128, 10]);
      await s.txn([{ type: 'put', key: '/bin', value: bytes }]);
      assert.deepEqual([...(await s.get('/bin'))!.value], [...bytes]);
    });

    it('a create-only put fails when the key exists, reports it, and writes nothing', async (s) => {
      const first = await s.txn([{ type: 'put', key: '/a', value: enc('1'), expectRevision: 0 }]);
      assert.equal(first.succeeded, true);
      const again = await s.txn([{ type: 'put', key: '/a', value: enc('2'), expectRevision: 0 }]);
      assert.equal(again.succeeded, false);
      assert.equal(again.failedOp, 0);
      assert.equal(again.current?.modRevision, first.revision);
      assert.equal(again.revision, first.revision);
      assert.equal(dec((await s.get('/a'))!.value), '1');
    });

    it('an update succeeds only at the key\'s current modRevision and keeps its createRevision', async (s) => {
      const created = await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
      const updated = await s.txn([{ type: 'put', key: '/a', value: enc('2'), expectRevision: created.revision }]);
      assert.equal(updated.succeeded, true);
      assert.ok(updated.revision > created.revision);
      const stale = await s.txn([{ type: 'put', key: '/a', value: enc('3'), expectRevision: created.revision }]);
      assert.equal(stale.succeeded, false);
      assert.equal(stale.current?.modRevision, updated.revision);
      assert.equal(dec(stale.current!.value), '2');
      const kv = (await s.get('/a'))!;
      assert.deepEqual([dec(kv.value), kv.createRevision, kv.modRevision], ['2', created.revision, updated.revision]);
    });

    it('an update of a missing key with an expected revision fails', async (s) => {
      const r = await s.txn([{ type: 'put', key: '/nope', value: enc('x'), expectRevision: 5 }]);
      assert.equal(r.succeeded, false);
      assert.equal(r.current, undefined);
      assert.equal(await s.get('/nope'), undefined);
    });

    it('a delete succeeds only at the current modRevision and returns the deleted value', async (s) => {
      const created = await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
      const stale = await s.txn([{ type: 'delete', key: '/a', expectRevision: created.revision - 1 }]);
      assert.equal(stale.succeeded, false);
      assert.ok(await s.get('/a'));
      const del = await s.txn([{ type: 'delete', key: '/a', expectRevision: created.revision }]);
      assert.equal(del.succeeded, true);
      assert.equal(dec(del.results[0]!.value), '1');
      assert.equal(await s.get('/a'), undefined);
      const gone = await s.txn([{ type: 'delete', key: '/a', expectRevision: created.revision }]);
      assert.equal(gone.succeeded, false);
    });

    it('deleting a key that does not exist succeeds without using a revision', async (s) => {
      const before = await s.currentRevision();
      const r = await s.txn([{ type: 'delete', key: '/never' }]);
      assert.equal(r.succeeded, true);
      assert.equal(r.results[0], undefined);
      assert.equal(await s.currentRevision(), before);
    });

    it('a transaction with one failing precondition writes none of its ops', async (s) => {
      await s.txn([{ type: 'put', key: '/exists', value: enc('old') }, { type: 'put', key: '/other', value: enc('o') }]);
      const before = await s.currentRevision();
      const r = await s.txn([
        { type: 'put', key: '/new', value: enc('n') },
        { type: 'delete', key: '/other' },
        { type: 'put', key: '/exists2', value: enc('x'), expectRevision: 0 },
        { type: 'put', key: '/exists', value: enc('x'), expectRevision: 0 },
      ]);
      assert.equal(r.succeeded, false);
      assert.equal(r.failedOp, 3);
      assert.equal(dec(r.current!.value), 'old');
      assert.equal(await s.get('/new'), undefined);
      assert.equal(await s.get('/exists2'), undefined);
      assert.equal(dec((await s.get('/exists'))!.value), 'old');
      assert.equal(dec((await s.get('/other'))!.value), 'o');
      assert.equal(await s.currentRevision(), before);
    });

    it('all ops of a transaction commit at one revision', async (s) => {
      await s.txn([{ type: 'put', key: '/old', value: enc('o') }]);
      const r = await s.txn([
        { type: 'put', key: '/x', value: enc('x'), expectRevision: 0 },
        { type: 'put', key: '/y', value: enc('y') },
        { type: 'delete', key: '/old' },
      ]);
      assert.equal(r.succeeded, true);
      assert.deepEqual(r.results.map((kv) => kv?.key), ['/x', '/y', '/old']);
      assert.equal((await s.get('/x'))!.modRevision, r.revision);
      assert.equal((await s.get('/y'))!.modRevision, r.revision);
      assert.equal(await s.currentRevision(), r.revision);
    });

    it('revisions strictly increase with every write and list reports the current one', async (s) => {
      let last = await s.currentRevision();
      for (let i = 0; i < 20; i++) {
        const r = await s.txn([{ type: 'put', key: `/k${i % 3}`, value: enc(String(i)) }]);
        assert.ok(r.revision > last, `revision ${r.revision} after ${last}`);
        last = r.revision;
      }
      assert.equal(await s.currentRevision(), last);
      assert.equal((await s.list('/')).revision, last);
    });

    it('list returns only keys under the prefix, sorted by key', async (s) => {
      for (const k of ['/p/c', '/p/a', '/q/x', '/pa', '/p/b/deep', '/o']) await s.txn([{ type: 'put', key: k, value: enc(k) }]);
      const got = await s.list('/p/');
      assert.deepEqual(got.items.map((kv) => kv.key), ['/p/a', '/p/b/deep', '/p/c']);
      assert.deepEqual(got.items.map((kv) => dec(kv.value)), ['/p/a', '/p/b/deep', '/p/c']);
      assert.deepEqual((await s.list('/')).items.map((kv) => kv.key), ['/o', '/p/a', '/p/b/deep', '/p/c', '/pa', '/q/x']);
      assert.deepEqual((await s.list('/z/')).items, []);
    });

    it('limit and startAfter page through a prefix without gaps or repeats', async (s) => {
      const keys = Array.from({ length: 25 }, (_, i) => `/page/${String(i).padStart(2, '0')}`);
      await s.txn([{ type: 'put', key: '/pagf', value: enc('outside') }]);
      for (const k of keys) await s.txn([{ type: 'put', key: k, value: enc(k) }]);
      const seen: string[] = [];
      let startAfter: string | undefined;
      for (;;) {
        const page = await s.list('/page/', startAfter === undefined ? { limit: 7 } : { limit: 7, startAfter });
        assert.ok(page.items.length <= 7);
        if (page.items.length === 0) break;
        seen.push(...page.items.map((kv) => kv.key));
        startAfter = page.items.at(-1)!.key;
      }
      assert.deepEqual(seen, keys);
    });

    it('a list bigger than 4 MB comes back whole', async (s) => {
      const big = new Uint8Array(1024 * 1024).fill(120);
      for (let i = 0; i < 6; i++) await s.txn([{ type: 'put', key: `/big/${i}`, value: big }]);
      const got = await s.list('/big/');
      assert.equal(got.items.length, 6);
      assert.equal(got.items.reduce((n, kv) => n + kv.value.length, 0), 6 * big.length);
    });

    it('watch replays history after a revision, then delivers live changes, in order, with prev values', async (s) => {
      const r0 = await s.txn([{ type: 'put', key: '/w/a', value: enc('a1') }]);
      await s.txn([{ type: 'put', key: '/w/a', value: enc('a2') }]);
      await s.txn([{ type: 'put', key: '/other/z', value: enc('z') }]);
      await s.txn([{ type: 'put', key: '/w/b', value: enc('b1') }]);
      const w = collect(s, '/w/', r0.revision, 5);
      await s.txn([{ type: 'delete', key: '/w/a' }]);
      await s.txn([{ type: 'put', key: '/wx', value: enc('not under /w/') }]);
      await s.txn([{ type: 'put', key: '/w/b', value: enc('b2') }, { type: 'put', key: '/w/c', value: enc('c1') }]);
      const events = await w.done;
      assert.deepEqual(events.map(show), [
        'PUT /w/a a2 prev=a1',
        'PUT /w/b b1',
        'DELETE /w/a a2 prev=a2',
        'PUT /w/b b2 prev=b1',
        'PUT /w/c c1',
      ]);
      const revs = events.map((e) => e.kv.modRevision);
      for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! >= revs[i - 1]!, `revisions out of order: ${revs.join(',')}`);
      assert.equal(revs[3], revs[4], 'one transaction, one revision');
      assert.ok(revs[0]! > r0.revision);
    });

    it('a delete event carries the deletion revision and the deleted value', async (s) => {
      const put = await s.txn([{ type: 'put', key: '/d/x', value: enc('v') }]);
      const w = collect(s, '/d/', put.revision, 1);
      const del = await s.txn([{ type: 'delete', key: '/d/x' }]);
      const [ev] = await w.done;
      assert.equal(ev!.type, 'DELETE');
      assert.equal(ev!.kv.modRevision, del.revision);
      assert.equal(dec(ev!.kv.value), 'v');
      assert.equal(ev!.prev?.modRevision, put.revision);
    });

    it('a watch from the current revision sees only later changes', async (s) => {
      await s.txn([{ type: 'put', key: '/n/old', value: enc('old') }]);
      const w = collect(s, '/n/', await s.currentRevision(), 1);
      await s.txn([{ type: 'put', key: '/n/new', value: enc('new') }]);
      assert.deepEqual((await w.done).map(show), ['PUT /n/new new']);
    });

    it('a closed watch receives nothing more', async (s) => {
      const from = await s.currentRevision();
      const closedOne: WatchEvent[] = [];
      const h = s.watch('/c/', from, (ev) => closedOne.push(ev));
      h.close();
      // A second watch proves the writes were delivered somewhere before we look at the first.
      const w = collect(s, '/c/', from, 2);
      await s.txn([{ type: 'put', key: '/c/1', value: enc('1') }]);
      await s.txn([{ type: 'put', key: '/c/2', value: enc('2') }]);
      await w.done;
      assert.deepEqual(closedOne, []);
    });

    it('a watch from before the compacted revision fails with CompactedError, and one from it works', async (s) => {
      const first = await s.txn([{ type: 'put', key: '/h/a', value: enc('0') }]);
      for (let i = 1; i <= 5; i++) await s.txn([{ type: 'put', key: '/h/a', value: enc(String(i)) }]);
      const at = await s.currentRevision();
      await s.txn([{ type: 'put', key: '/h/a', value: enc('after') }]);
      await s.compact(at);
      const err = await watchError(s, '/h/', first.revision);
      assert.ok(err instanceof CompactedError, `expected CompactedError, got ${err}`);
      assert.equal(err.code, 'STORAGE_COMPACTED');
      assert.equal(err.requested, first.revision);
      assert.ok(err.compacted >= first.revision && err.compacted <= at, `compacted=${err.compacted}`);
      const w = collect(s, '/h/', at, 1);
      assert.deepEqual((await w.done).map(show), ['PUT /h/a after prev=5']);
    });

    it('the store refuses work after close', async (s) => {
      await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
      await s.close();
      await assert.rejects(async () => s.get('/a'), /closed/);
      await assert.rejects(async () => s.txn([{ type: 'put', key: '/b', value: enc('1') }]), /closed/);
    });
  });
}

function show(ev: WatchEvent): string {
  const prev = ev.prev ? ` prev=${dec(ev.prev.value)}` : '';
  return `${ev.type} ${ev.kv.key} ${dec(ev.kv.value)}${prev}`;
}

/** Watches until `n` events arrived; fails on a watch error or on more events than expected. */
function collect(s: Storage, prefix: string, from: number, n: number): { done: Promise<WatchEvent[]> } {
  const events: WatchEvent[] = [];
  let handle: WatchHandle | undefined;
  const done = new Promise<WatchEvent[]>((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error(`watch of "${prefix}" got ${events.length} of ${n} events: ${events.map(show).join('; ')}`)), WATCH_GUARD_MS);
    const finish = (err?: Error) => {
      clearTimeout(guard);
      handle?.close();
      if (err) reject(err);
      else resolve(events);
    };
    handle = s.watch(
      prefix,
      from,
      (ev) => {
        events.push(ev);
        if (events.length === n) finish();
      },
      (err) => finish(err),
    );
  });
  return { done };
}

/** The error a watch reports, whether the store throws it at once or hands it to onError. */
async function watchError(s: Storage, prefix: string, from: number): Promise<Error> {
  let handle: WatchHandle | undefined;
  try {
    return await new Promise<Error>((resolve, reject) => {
      const guard = setTimeout(() => reject(new Error(`watch of "${prefix}" from ${from} neither failed nor delivered`)), WATCH_GUARD_MS);
      try {
        handle = s.watch(prefix, from, (ev) => reject(new Error(`expected an error, got event ${show(ev)}`)), (err) => {
          clearTimeout(guard);
          resolve(err);
        });
      } catch (err) {
        clearTimeout(guard);
        resolve(err as Error);
      }
    });
  } finally {
    handle?.close();
  }
}
