// The peer for the SQLite numbers: better-sqlite3 with no podnet code in between, one 1 KB row per
// committed transaction, same pragmas. It shows what the disk allows at this moment, so the store's
// numbers can be read as a ratio to it.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { serviceJSON } from './stats.js';

export function rawSqliteCommitsPerSec(path: string, synchronous: 'FULL' | 'NORMAL', n: number): number {
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, v BLOB)');
    const insert = db.prepare('INSERT INTO t (k, v) VALUES (?, ?)');
    const value = serviceJSON('peer');
    const start = performance.now();
    for (let i = 0; i < n; i++) insert.run(`/peer/${i}`, value);
    return n / ((performance.now() - start) / 1000);
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
  }
}
