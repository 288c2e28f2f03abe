// etcd-only behaviour: prefixes keep stores apart in one etcd, and a watch whose etcd goes away says so.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { openEtcd } from './etcd.js';
import { etcdMissing, startEtcd, type EtcdFixture } from './etcd_fixture.js';
import type { WatchEvent } from './types.js';

const noEtcd = etcdMissing();
const skip = noEtcd ?? false;
let etcd: EtcdFixture | undefined;
before(async () => {
  if (!noEtcd) etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
});
const enc = (s: string) => new TextEncoder().encode(s);
const prefix = () => `/pn-t${randomBytes(4).toString('hex')}`;

test('two stores with different prefixes in one etcd see only their own keys', { skip }, async () => {
  const a = await openEtcd(etcd!.url, { prefix: prefix() });
  const b = await openEtcd(etcd!.url, { prefix: prefix() });
  try {
    const seenByB: WatchEvent[] = [];
    let sawOne!: () => void;
    const first = new Promise<void>((r) => (sawOne = r));
    const h = b.watch('/', await b.currentRevision(), (ev) => {
      seenByB.push(ev);
      sawOne();
    });
    await a.txn([{ type: 'put', key: '/x', value: enc('a') }]);
    const mine = await b.txn([{ type: 'put', key: '/x', value: enc('b') }]);
    assert.deepEqual((await a.list('/')).items.map((kv) => new TextDecoder().decode(kv.value)), ['a']);
    assert.equal((await b.get('/x'))!.modRevision, mine.revision);
    // Events come in revision order, so b's own write arriving first proves a's earlier one never will.
    await first;
    h.close();
    assert.deepEqual(seenByB.map((ev) => `${ev.kv.key}@${ev.kv.modRevision}`), [`/x@${mine.revision}`]);
  } finally {
    await a.close();
    await b.close();
  }
});

test('a watch reports STORAGE_WATCH_FAILED when its etcd goes away', { skip }, async () => {
  const own = await startEtcd();
  const s = await openEtcd(own.url);
  try {
    let ready!: () => void;
    const firstEvent = new Promise<void>((r) => (ready = r));
    const failed = new Promise<Error>((resolve) => s.watch('/', 0, () => ready(), resolve));
    await s.txn([{ type: 'put', key: '/a', value: enc('1') }]);
    await firstEvent;
    await own.stop();
    const err = (await failed) as Error & { code?: string };
    assert.equal(err.code, 'STORAGE_WATCH_FAILED');
  } finally {
    await s.close();
    await own.stop();
  }
});

test('a watch from a revision that has not happened yet starts after it', { skip }, async () => {
  const s = await openEtcd(etcd!.url, { prefix: prefix() });
  try {
    const from = (await s.currentRevision()) + 2;
    const got: number[] = [];
    let done!: () => void;
    const first = new Promise<void>((r) => (done = r));
    const h = s.watch('/', from, (ev) => {
      got.push(ev.kv.modRevision);
      done();
    });
    for (let i = 0; i < 3; i++) await s.txn([{ type: 'put', key: '/f', value: enc(String(i)) }]);
    await first;
    h.close();
    assert.deepEqual(got, [from + 1]);
  } finally {
    await s.close();
  }
});
