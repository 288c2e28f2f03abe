// The SQLite store's tables and statements. `kv` holds the current rows, `log` one row per change
// (the history watches replay), `meta` the global revision and how far the log has been compacted.
import type Database from 'better-sqlite3';
import type { KV, WatchEvent } from './types.js';

/**
 * A log row's id is rev * SUB_LIMIT + the op's index in its transaction: one integer key that sorts
 * in revision order, so the log is an append-only rowid table (no separate index, no overflow
 * pages for kilobyte values, which a WITHOUT ROWID table would need) and a range on id is a range on revision.
 */
export const SUB_LIMIT = 2 ** 20;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY, value BLOB NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log (
  id INTEGER PRIMARY KEY,           -- rev * ${SUB_LIMIT} + sub
  key TEXT NOT NULL,
  type INTEGER NOT NULL,            -- 0 put, 1 delete
  value BLOB,                       -- NULL for deletes
  create_rev INTEGER NOT NULL,
  prev_value BLOB, prev_create_rev INTEGER, prev_mod_rev INTEGER,
  ts INTEGER NOT NULL               -- commit time in ms, for time-based retention
);
-- revision: a floor for the current revision, written at compaction (the log's last id says the rest);
-- compacted: every revision up to it is gone from the log. Revision 1 is the empty store, as in etcd.
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 1), ('compacted', 0);
`;

export interface KvRow {
  key: string;
  value: Buffer;
  create_rev: number;
  mod_rev: number;
}

export interface LogRow {
  id: number;
  key: string;
  type: 0 | 1;
  value: Buffer | null;
  create_rev: number;
  prev_value: Buffer | null;
  prev_create_rev: number | null;
  prev_mod_rev: number | null;
}

export function prepareStatements(db: Database.Database) {
  return {
    get: db.prepare<[string], KvRow>('SELECT key, value, create_rev, mod_rev FROM kv WHERE key = ?'),
    list: db.prepare<[string, string, string, number], KvRow>(
      'SELECT key, value, create_rev, mod_rev FROM kv WHERE key >= ? AND key > ? AND key < ? ORDER BY key LIMIT ?',
    ),
    upsert: db.prepare<[string, Buffer, number, number]>(
      'INSERT INTO kv (key, value, create_rev, mod_rev) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev',
    ),
    del: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
    log: db.prepare<[number, string, number, Buffer | null, number, Buffer | null, number | null, number | null, number]>(
      'INSERT INTO log (id, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    /** Changes after a revision: pass (rev + 1) * SUB_LIMIT. */
    history: db.prepare<[number, string, string], LogRow>(
      'SELECT id, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev FROM log WHERE id >= ? AND key >= ? AND key < ? ORDER BY id',
    ),
    lastLogId: db.prepare<[], { id: number | null }>('SELECT max(id) AS id FROM log'),
    setMeta: db.prepare<[number, string]>('UPDATE meta SET value = ? WHERE name = ?'),
    getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
    /** The newest log id that is both far enough behind (pass (rev + 1) * SUB_LIMIT) and old enough to drop. */
    droppable: db.prepare<[number, number], { id: number | null }>('SELECT max(id) AS id FROM log WHERE id < ? AND ts <= ?'),
    /** Drops every revision up to rev: pass (rev + 1) * SUB_LIMIT. */
    dropLog: db.prepare<[number]>('DELETE FROM log WHERE id < ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export function rowToKV(row: KvRow): KV {
  return { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.mod_rev };
}

export function revOf(logId: number): number {
  return Math.floor(logId / SUB_LIMIT);
}

export function rowToEvent(row: LogRow): WatchEvent {
  const rev = revOf(row.id);
  const prev: KV | undefined =
    row.prev_value === null ? undefined : { key: row.key, value: row.prev_value, createRevision: row.prev_create_rev!, modRevision: row.prev_mod_rev! };
  if (row.type === 1) return { type: 'DELETE', kv: { ...prev!, modRevision: rev }, prev };
  const kv: KV = { key: row.key, value: row.value!, createRevision: row.create_rev, modRevision: rev };
  return prev ? { type: 'PUT', kv, prev } : { type: 'PUT', kv };
}
