import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { etcdHosts } from './etcd.js';
import { openStorage, parseStorageSpec } from './open.js';

const dir = mkdtempSync(join(tmpdir(), 'pn-open-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('store specs name memory, SQLite files and etcd endpoints', () => {
  assert.deepEqual(parseStorageSpec('memory:'), { kind: 'memory' });
  assert.deepEqual(parseStorageSpec('sqlite:/var/lib/podnet/state.db'), { kind: 'sqlite', path: '/var/lib/podnet/state.db' });
  assert.deepEqual(parseStorageSpec('./state.db'), { kind: 'sqlite', path: './state.db' });
  assert.deepEqual(parseStorageSpec('sqlite:/tmp/s.db?sync=normal'), { kind: 'sqlite', path: '/tmp/s.db', synchronous: 'NORMAL' });
  assert.deepEqual(parseStorageSpec('etcd://127.0.0.1:2379'), { kind: 'etcd', url: 'etcd://127.0.0.1:2379' });
  assert.deepEqual(parseStorageSpec('etcd://127.0.0.1:2379?prefix=/podnet'), { kind: 'etcd', url: 'etcd://127.0.0.1:2379', prefix: '/podnet' });
});

test('a spec that names no store is refused with the spec quoted', () => {
  assert.throws(() => parseStorageSpec('sqlite:'), /"sqlite:" names no file/);
  assert.throws(() => parseStorageSpec('sqlite:/tmp/s.db?sync=off'), /"sqlite:\/tmp\/s.db\?sync=off" asks for sync mode "off"/);
  assert.throws(() => parseStorageSpec('postgres://db:5432'), (err: Error & { code?: string }) => err.code === 'STORAGE_BAD_SPEC' && err.message.includes('"postgres://db:5432"'));
  assert.throws(() => etcdHosts('etcd://no-port'), /"etcd:\/\/no-port" is not an etcd address/);
});

test('etcd specs with several endpoints dial each of them', () => {
  assert.deepEqual(etcdHosts('etcd://10.0.0.1:2379,10.0.0.2:2379'), ['http://10.0.0.1:2379', 'http://10.0.0.2:2379']);
});

test('openStorage opens a working SQLite store from a plain path and from sqlite:', async () => {
  for (const spec of [join(dir, 'plain.db'), `sqlite:${join(dir, 'prefixed.db')}`]) {
    const s = await openStorage(spec);
    try {
      const r = await s.txn([{ type: 'put', key: '/a', value: new Uint8Array([1]) }]);
      assert.equal((await s.get('/a'))?.modRevision, r.revision);
    } finally {
      await s.close();
    }
  }
});

test('openStorage on a file in a missing directory fails with the path quoted', async () => {
  const path = join(dir, 'missing', 'x.db');
  await assert.rejects(openStorage(path), (err: Error & { code?: string }) => err.code === 'STORAGE_OPEN_FAILED' && err.message.includes(`"${path}"`));
});

test('openStorage on an etcd address where nothing listens fails with the address quoted', async () => {
  await assert.rejects(
    openStorage('etcd://127.0.0.1:1'),
    (err: Error & { code?: string }) => err.code === 'STORAGE_OPEN_FAILED' && err.message.startsWith('storage: cannot reach etcd at "etcd://127.0.0.1:1"'),
  );
});
