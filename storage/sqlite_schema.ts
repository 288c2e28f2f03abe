// The SQLite store's tables and statements. `kv` holds the current rows, `log` one row per change
// (the history watches replay), `meta` the global revision and how far the log has been compacted.
import type Database from 'better-sqlite3';
import type { KV, WatchEvent } from './types.js';

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT PRIMARY KEY, value BLOB NOT NULL, create_rev INTEGER NOT NULL, mod_rev INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log (
  rev INTEGER NOT NULL, sub INTEGER NOT NULL, key TEXT NOT NULL,
  type INTEGER NOT NULL,            -- 0 put, 1 delete
  value BLOB,                       -- NULL for deletes
  create_rev INTEGER NOT NULL,
  prev_value BLOB, prev_create_rev INTEGER, prev_mod_rev INTEGER,
  ts INTEGER NOT NULL,              -- commit time in ms, for time-based retention
  PRIMARY KEY (rev, sub)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
-- Revision 1 is the empty store, as in etcd; compacted = every revision up to it is gone.
INSERT OR IGNORE INTO meta (name, value) VALUES ('revision', 1), ('compacted', 0);
`;

export interface KvRow {
  key: string;
  value: Buffer;
  create_rev: number;
  mod_rev: number;
}

export interface LogRow {
  rev: number;
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
    log: db.prepare<[number, number, string, number, Buffer | null, number, Buffer | null, number | null, number | null, number]>(
      'INSERT INTO log (rev, sub, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev, ts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    history: db.prepare<[number, string, string], LogRow>(
      'SELECT rev, key, type, value, create_rev, prev_value, prev_create_rev, prev_mod_rev FROM log WHERE rev > ? AND key >= ? AND key < ? ORDER BY rev, sub',
    ),
    setMeta: db.prepare<[number, string]>('UPDATE meta SET value = ? WHERE name = ?'),
    getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
    /** The newest revision that is both far enough behind and old enough to drop. */
    droppable: db.prepare<[number, number], { rev: number | null }>('SELECT max(rev) AS rev FROM log WHERE rev <= ? AND ts <= ?'),
    dropLog: db.prepare<[number]>('DELETE FROM log WHERE rev <= ?'),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;

export function rowToKV(row: KvRow): KV {
  return { key: row.key, value: row.value, createRevision: row.create_rev, modRevision: row.mod_rev };
}

export function rowToEvent(row: LogRow): WatchEvent {
  const prev: KV | undefined =
    row.prev_value === null ? undefined : { key: row.key, value: row.prev_value, createRevision: row.prev_create_rev!, modRevision: row.prev_mod_rev! };
  if (row.type === 1) return { type: 'DELETE', kv: { ...prev!, modRevision: row.rev }, prev };
  const kv: KV = { key: row.key, value: row.value!, createRevision: row.create_rev, modRevision: row.rev };
  return prev ? { type: 'PUT', kv, prev } : { type: 'PUT', kv };
}
