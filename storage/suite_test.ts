// The shared storage suite against every backend: memory, SQLite (a file per test) and a private
// etcd (a key prefix per test).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { openEtcd } from './etcd.js';
import { etcdMissing, startEtcd, type EtcdFixture } from './etcd_fixture.js';
import { MemoryStorage } from './memory.js';
import { openSqlite } from './sqlite.js';
import { storageSuite } from './suite.js';

const dir = mkdtempSync(join(tmpdir(), 'pn-storage-suite-'));
const noEtcd = etcdMissing();
let etcd: EtcdFixture | undefined;

before(async () => {
  if (!noEtcd) etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

storageSuite('memory', async () => ({ storage: new MemoryStorage() }));

let files = 0;
storageSuite('sqlite', async () => {
  const path = join(dir, `store-${files++}.db`);
  return { storage: await openSqlite(path), cleanup: async () => rmSync(path + '*', { force: true }) };
});

storageSuite(
  'etcd',
  async () => ({ storage: await openEtcd(etcd!.url, { prefix: `/pn-t${randomBytes(4).toString('hex')}` }) }),
  noEtcd ? { skip: noEtcd } : {},
);
