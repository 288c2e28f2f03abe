// The embedded store: one SQLite file holding the current rows, a log of changes for
// watch-from-revision, and the global revision. Writes are fsynced (WAL + synchronous=FULL, unless
// the caller chose NORMAL) before txn() resolves. Transactions that arrive in the same event-loop turn share one BEGIN IMMEDIATE …
// COMMIT (group commit: one fsync for many writers), each still atomic on its own through a
// savepoint and with a revision of its own. This process holds the file's lock while the store is
// open, which is what makes feeding watchers in-process after commit exact.
import Database from 'better-sqlite3';
import { PodnetError } from '../api/errors.js';
import { asBuffer, assertDistinctKeys, prefixEnd } from './keys.js';
import { prepareStatements, revOf, rowToEvent, rowToKV, SCHEMA, SUB_LIMIT, type Statements } from './sqlite_schema.js';
import { CompactedError, type KV, type ListResult, type Op, type Storage, type TxnResult, type WatchEvent, type WatchHandle } from './types.js';
import { WatchHub } from './watchers.js';

export interface SqliteOptions {
  /** Revisions of history always kept for watches (default 10 000). */
  readonly keepRevisions?: number;
  /** History younger than this is always kept too (default 5 minutes), so a watcher that reconnects within it can resume. */
  readonly keepMs?: number;
  /** Clock for the age of history (tests). */
  readonly now?: () => number;
  /**
   * FULL (default): every commit is fsynced, so an acknowledged write survives power loss.
   * NORMAL: the WAL is fsynced only at checkpoints; an acknowledged write survives the process being
   * killed (durability_test shows it) but the last commits can be lost if the machine loses power.
   */
  readonly synchronous?: 'FULL' | 'NORMAL';
}

const HIGHEST = '\u{10ffff}';

interface Applied {
  readonly result: TxnResult;
  readonly events: WatchEvent[];
}

interface Pending {
  readonly ops: readonly Op[];
  readonly resolve: (r: TxnResult) => void;
  readonly reject: (err: Error) => void;
  outcome?: Applied;
  error?: Error;
}

export async function openSqlite(path: string, opts: SqliteOptions = {}): Promise<Storage> {
  return new SqliteStorage(path, opts);
}

class SqliteStorage implements Storage {
  private readonly db: Database.Database;
  private readonly stmt: Statements;
  private readonly hub = new WatchHub();
  private readonly keepRevisions: number;
  private readonly keepMs: number;
  private readonly now: () => number;
  private readonly timer: NodeJS.Timeout;
  private readonly applyOne: Database.Transaction<(ops: readonly Op[]) => Applied>;
  private pending: Pending[] = [];
  private flushScheduled = false;
  private revision: number;
  private compacted: number;
  /** The revision at which automatic compaction looks again (it scans the log, so not on every write). */
  private nextCompactCheck: number;
  private closed = false;

  constructor(private readonly path: string, opts: SqliteOptions) {
    this.keepRevisions = opts.keepRevisions ?? 10_000;
    this.keepMs = opts.keepMs ?? 5 * 60_000;
    this.now = opts.now ?? Date.now;
    this.db = openDatabase(path);
    try {
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${opts.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      // One owner: another process writing the file would change rows our watchers never hear of.
      this.db.pragma('locking_mode = EXCLUSIVE');
      this.db.exec(SCHEMA);
    } catch (err) {
      this.db.close();
      throw openError(path, err);
    }
    this.stmt = prepareStatements(this.db);
    this.applyOne = this.db.transaction((ops: readonly Op[]) => this.applyOps(ops));
    const lastLogged = this.stmt.lastLogId.get()!.id;
    this.revision = Math.max(this.stmt.getMeta.get('revision')!.value, lastLogged === null ? 0 : revOf(lastLogged));
    this.compacted = this.stmt.getMeta.get('compacted')!.value;
    this.nextCompactCheck = this.compacted + this.keepRevisions + this.compactStep();
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

  txn(ops: readonly Op[]): Promise<TxnResult> {
    try {
      this.assertOpen();
      assertDistinctKeys(ops);
      if (ops.length >= SUB_LIMIT) throw new RangeError(`storage: a transaction of ${ops.length} ops is over the limit of ${SUB_LIMIT - 1}`);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise((resolve, reject) => {
      this.pending.push({ ops, resolve, reject });
      if (this.flushScheduled) return;
      this.flushScheduled = true;
      // setImmediate, not a microtask: every writer woken by the previous commit gets to queue first.
      setImmediate(() => this.flush());
    });
  }

  watch(prefix: string, fromRevision: number, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): WatchHandle {
    this.assertOpen();
    if (fromRevision < this.compacted) throw new CompactedError(fromRevision, this.compacted);
    // Catch-up and registration happen in one synchronous step, so no commit can fall between them.
    const rows = this.stmt.history.all((Math.max(fromRevision, 0) + 1) * SUB_LIMIT, prefix, prefixEnd(prefix) ?? HIGHEST);
    return this.hub.add(prefix, fromRevision, rows.map(rowToEvent), onEvent, onError);
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    this.flush();
    this.compactTo(revision);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // Writers already queued were promised an answer; give them their commit first.
    this.flush();
    this.closed = true;
    clearInterval(this.timer);
    this.hub.closeAll();
    this.db.close();
  }

  /** Commits every queued transaction in one SQLite transaction, then answers them and feeds watchers in revision order. */
  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0 || this.closed) return;
    const before = this.revision;
    try {
      this.db.transaction(() => {
        for (const p of batch) {
          try {
            // A nested better-sqlite3 transaction is a savepoint: an error undoes this txn only.
            p.outcome = this.applyOne(p.ops);
            this.revision = p.outcome.result.revision;
          } catch (err) {
            p.error = new PodnetError('STORAGE_WRITE_FAILED', `storage: a transaction on "${this.path}" failed: ${(err as Error).message}`, { cause: err });
          }
        }
      }).immediate();
    } catch (err) {
      this.revision = before;
      const failed = new PodnetError('STORAGE_WRITE_FAILED', `storage: cannot commit to "${this.path}": ${(err as Error).message}`, { cause: err });
      for (const p of batch) p.reject(failed);
      return;
    }
    for (const p of batch) {
      if (p.error) p.reject(p.error);
      else {
        this.hub.publish(p.outcome!.events);
        p.resolve(p.outcome!.result);
      }
    }
    if (this.revision >= this.nextCompactCheck) this.autoCompact();
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
      const id = rev * SUB_LIMIT + events.length;
      if (op.type === 'put') {
        const value = asBuffer(op.value);
        const kv: KV = { key: op.key, value, createRevision: prev?.createRevision ?? rev, modRevision: rev };
        this.stmt.upsert.run(op.key, value, kv.createRevision, rev);
        this.stmt.log.run(id, op.key, 0, value, kv.createRevision, row?.value ?? null, row?.create_rev ?? null, row?.mod_rev ?? null, ts);
        results.push(kv);
        events.push(prev ? { type: 'PUT', kv, prev } : { type: 'PUT', kv });
      } else if (prev) {
        this.stmt.del.run(op.key);
        this.stmt.log.run(id, op.key, 1, null, prev.createRevision, row.value, row.create_rev, row.mod_rev, ts);
        results.push(prev);
        events.push({ type: 'DELETE', kv: { ...prev, modRevision: rev }, prev });
      } else {
        results.push(undefined);
      }
    }
    // Deleting keys that do not exist changes nothing, so it does not cost a revision (as in etcd).
    return { result: { succeeded: true, revision: events.length > 0 ? rev : this.revision, results }, events };
  }

  private compactTo(revision: number): void {
    const upTo = Math.min(revision, this.revision);
    if (upTo <= this.compacted) return;
    this.db.transaction(() => {
      this.stmt.dropLog.run((upTo + 1) * SUB_LIMIT);
      this.stmt.setMeta.run(upTo, 'compacted');
      // With the log emptied, the revision would otherwise be forgotten on reopen.
      this.stmt.setMeta.run(this.revision, 'revision');
    }).immediate();
    this.compacted = upTo;
  }

  private autoCompact(): void {
    if (this.closed) return;
    this.nextCompactCheck = this.revision + this.compactStep();
    const { id } = this.stmt.droppable.get((this.revision - this.keepRevisions + 1) * SUB_LIMIT, this.now() - this.keepMs)!;
    if (id !== null) this.compactTo(revOf(id));
  }

  private compactStep(): number {
    return Math.max(1, Math.ceil(this.keepRevisions / 10));
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
