// The embedded store: one SQLite file holding the current rows, a log of changes for
// watch-from-revision, and the global revision. Every write is one BEGIN IMMEDIATE transaction,
// fsynced (WAL + synchronous=FULL) before txn() resolves. This process holds the file's lock for
// as long as the store is open, which is what makes feeding watchers in-process after commit exact.
import Database from 'better-sqlite3';
import { PodnetError } from '../api/errors.js';
import { asBuffer, prefixEnd, assertDistinctKeys } from './keys.js';
import { SCHEMA, prepareStatements, rowToEvent, rowToKV, type Statements } from './sqlite_schema.js';
import { CompactedError, type KV, type ListResult, type Op, type Storage, type TxnResult, type WatchEvent, type WatchHandle } from './types.js';
import { WatchHub } from './watchers.js';

export interface SqliteOptions {
  /** Revisions of history always kept for watches (default 10 000). */
  readonly keepRevisions?: number;
  /** History younger than this is always kept too (default 5 minutes), so a watcher that reconnects within it can resume. */
  readonly keepMs?: number;
  /** Clock for the age of history (tests). */
  readonly now?: () => number;
}

const HIGHEST = '\u{10ffff}';

interface Applied {
  readonly result: TxnResult;
  readonly events: WatchEvent[];
}

export async function openSqlite(path: string, opts: SqliteOptions = {}): Promise<Storage> {
  return new SqliteStorage(path, opts);
}

class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly hub = new WatchHub();
  private readonly keepRevisions: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private revision: number;
  private compacted: number;
  private closed = false;
  private readonly stmt: Statements;
  private readonly apply: Database.Transaction<(ops: readonly Op[]) => Applied>;

  constructor(private readonly path: string, opts: SqliteOptions) {
    this.keepRevisions = opts.keepRevisions ?? 10_000;
    this.keepMs = opts.keepMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.db = openDatabase(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = FULL');
      // One owner: another process writing the file would change rows our watchers never hear of.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      throw openError(path, err);
    }
    this.stmt = prepareStatements(this.db);
    this.apply = this.db.transaction((ops: readonly Op[]) => this.applyOps(ops));
    this.revision = this.stmt.getMeta.get('revision')!.value;
    this.compacted = this.stmt.getMeta.get('compacted')!.value;
    // Time-based retention needs a clock tick even when nothing is written.
    this.timer = setInterval(() => this.autoCompact(), Math.max(1000, Math.min(this.keepMs, 30_000)));
    this.timer.unref();
  }

  async get(key: string): Promise<KV | undefined> {
    this.assertOpen();
    const row = this.stmt.get.get(key);
    return row && rowToKV(row);
  }

  async list(prefix: string, opts: { limit?: number; startAfter?: string } = {}): Promise<ListResult> {
    this.assertOpen();
    const limit = opts.limit !== undefined && opts.limit > 0 ? opts.limit : -1;
    const rows = this.stmt.list.all(prefix, opts.startAfter ?? '', prefixEnd(prefix) ?? HIGHEST, limit);
    return { items: rows.map(rowToKV), revision: this.revision };
  }

  async txn(ops: readonly Op[]): Promise<TxnResult> {
    this.assertOpen();
    assertDistinctKeys(ops);
    let outcome: Applied;
    try {
      outcome = this.apply.immediate(ops);
    } catch (err) {
      throw new PodnetError('STORAGE_WRITE_FAILED', `storage: the transaction on "${this.path}" failed: ${(err as Error).message}`, { cause: err });
    }
    this.revision = outcome.result.revision;
    if (outcome.events.length > 0) {
      this.hub.publish(outcome.events);
      if (this.revision - this.compacted > this.keepRevisions + Math.ceil(this.keepRevisions / 10)) this.autoCompact();
    }
    return outcome.result;
  }

  watch(prefix: string, fromRevision: number, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): WatchHandle {
    this.assertOpen();
    if (fromRevision < this.compacted) throw new CompactedError(fromRevision, this.compacted);
    // Catch-up and registration happen in one synchronous step, so no commit can fall between them.
    const backlog = this.stmt.history.all(fromRevision, prefix, prefixEnd(prefix) ?? HIGHEST).map(rowToEvent);
    return this.hub.add(prefix, backlog, onEvent, onError);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    this.compactTo(revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.hub.closeAll();
    this.db.close();
  }

  private applyOps(ops: readonly Op[]): Applied {
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      if (op.expectRevision === undefined) continue;
      const row = this.stmt.get.get(op.key);
      const ok = op.expectRevision === 0 ? row === undefined : row?.mod_rev === op.expectRevision;
      if (!ok) return { result: { succeeded: false, revision: this.revision, results: [], failedOp: i, current: row && rowToKV(row) }, events: [] };
    }
    const rev = this.revision + 1;
    const ts = this.now();
    const results: (KV | undefined)[] = [];
    const events: WatchEvent[] = [];
    for (const op of ops) {
      const row = this.stmt.get.get(op.key);
      const prev = row && rowToKV(row);
      const sub = events.length;
      if (op.type === 'put') {
        const value = asBuffer(op.value);
        const kv: KV = { key: op.key, value, createRevision: prev?.createRevision ?? rev, modRevision: rev };
        this.stmt.upsert.run(op.key, value, kv.createRevision, rev);
        this.stmt.log.run(rev, sub, op.key, 0, value, kv.createRevision, row?.value ?? null, row?.create_rev ?? null, row?.mod_rev ?? null, ts);
        results.push(kv);
        events.push(prev ? { type: 'PUT', kv, prev } : { type: 'PUT', kv });
      } else if (prev) {
        this.stmt.del.run(op.key);
        this.stmt.log.run(rev, sub, op.key, 1, null, prev.createRevision, row.value, row.create_rev, row.mod_rev, ts);
        results.push(prev);
        events.push({ type: 'DELETE', kv: { ...prev, modRevision: rev }, prev });
      } else {
        results.push(undefined);
      }
    }
    // Deleting keys that do not exist changes nothing, so it does not cost a revision (as in etcd).
    if (events.length === 0) return { result: { succeeded: true, revision: this.revision, results }, events };
    this.stmt.setMeta.run(rev, 'revision');
    return { result: { succeeded: true, revision: rev, results }, events };
  }

  private compactTo(revision: number): void {
    const upTo = Math.min(revision, this.revision);
    if (upTo <= this.compacted) return;
    this.db.transaction(() => {
      this.stmt.dropLog.run(upTo);
      this.stmt.setMeta.run(upTo, 'compacted');
    }).immediate();
    this.compacted = upTo;
  }

  private autoCompact(): void {
    if (this.closed) return;
    const { rev } = this.stmt.droppable.get(this.revision - this.keepRevisions, this.now() - this.keepMs)!;
    if (rev !== null) this.compactTo(rev);
  }

  private assertOpen(): void {
    if (this.closed) throw new PodnetError('STORAGE_CLOSED', `storage: the SQLite store at "${this.path}" is closed`);
  }
}

function openDatabase(path: string): Database.Database {
  try {
    // Only this process ever writes the file, so waiting on a lock only delays the "already open" error.
    return new Database(path, { timeout: 200 });
  } catch (err) {
    throw openError(path, err);
  }
}

function openError(path: string, err: unknown): PodnetError {
  const message = (err as Error).message;
  if ((err as { code?: string }).code === 'SQLITE_BUSY') {
    return new PodnetError('STORAGE_LOCKED', `storage: cannot open "${path}": another process has it open`, { cause: err });
  }
  return new PodnetError('STORAGE_OPEN_FAILED', `storage: cannot open "${path}": ${message}`, { cause: err });
}
