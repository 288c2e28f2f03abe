// An in-memory Storage: the same revision, compare-and-swap and watch semantics as the SQLite and
// etcd stores, with a bounded ring of history so that old watches get CompactedError like they
// would from etcd. Used by tests and by `podnet apiserver --store memory`.
import { CompactedError, type KV, type ListResult, type Op, type Storage, type TxnResult, type WatchEvent, type WatchHandle } from './types.js';

export interface MemoryStorageOptions {
  /** How many past events are kept for watches from an old revision (default 10 000). */
  readonly historySize?: number;
}

interface Watcher {
  readonly prefix: string;
  readonly onEvent: (ev: WatchEvent) => void;
  readonly onError?: (err: Error) => void;
  readonly queue: WatchEvent[];
  scheduled: boolean;
  closed: boolean;
}

export class MemoryStorage implements Storage {
  private readonly data = new Map<string, KV>();
  private readonly history: WatchEvent[] = [];
  private readonly watchers = new Set<Watcher>();
  private readonly historySize: number;
  private revision = 1;
  /** Every revision up to and including this one is gone from history. */
  private compacted = 0;
  private closed = false;

  constructor(opts: MemoryStorageOptions = {}) {
    this.historySize = opts.historySize ?? 10_000;
  }

  async get(key: string): Promise<KV | undefined> {
    this.assertOpen();
    return this.data.get(key);
  }

  async list(prefix: string, opts: { limit?: number; startAfter?: string } = {}): Promise<ListResult> {
    this.assertOpen();
    const keys = [...this.data.keys()].filter((k) => k.startsWith(prefix) && (opts.startAfter === undefined || k > opts.startAfter)).sort();
    const limited = opts.limit !== undefined && opts.limit > 0 ? keys.slice(0, opts.limit) : keys;
    return { items: limited.map((k) => this.data.get(k)!), revision: this.revision };
  }

  async txn(ops: readonly Op[]): Promise<TxnResult> {
    this.assertOpen();
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i]!;
      const current = this.data.get(op.key);
      if (op.expectRevision === undefined) continue;
      const ok = op.expectRevision === 0 ? current === undefined : current?.modRevision === op.expectRevision;
      if (!ok) return { succeeded: false, revision: this.revision, results: [], failedOp: i, current };
    }
    const changed = ops.some((op) => op.type === 'put' || this.data.has(op.key));
    if (!changed) return { succeeded: true, revision: this.revision, results: ops.map(() => undefined) };
    const rev = ++this.revision;
    const results: (KV | undefined)[] = [];
    const events: WatchEvent[] = [];
    for (const op of ops) {
      const prev = this.data.get(op.key);
      if (op.type === 'put') {
        const kv: KV = { key: op.key, value: op.value, createRevision: prev?.createRevision ?? rev, modRevision: rev };
        this.data.set(op.key, kv);
        results.push(kv);
        events.push(prev ? { type: 'PUT', kv, prev } : { type: 'PUT', kv });
      } else if (prev) {
        this.data.delete(op.key);
        results.push(prev);
        events.push({ type: 'DELETE', kv: { ...prev, modRevision: rev }, prev });
      } else {
        results.push(undefined);
      }
    }
    this.record(events);
    return { succeeded: true, revision: rev, results };
  }

  watch(prefix: string, fromRevision: number, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): WatchHandle {
    this.assertOpen();
    if (fromRevision < this.compacted) throw new CompactedError(fromRevision, this.compacted);
    const w: Watcher = { prefix, onEvent, onError, queue: [], scheduled: false, closed: false };
    for (const ev of this.history) if (ev.kv.modRevision > fromRevision && ev.kv.key.startsWith(prefix)) w.queue.push(ev);
    this.watchers.add(w);
    this.schedule(w);
    return {
      close: () => {
        w.closed = true;
        this.watchers.delete(w);
      },
    };
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    return this.revision;
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const upTo = Math.min(revision, this.revision);
    if (upTo <= this.compacted) return;
    this.compacted = upTo;
    while (this.history.length > 0 && this.history[0]!.kv.modRevision <= upTo) this.history.shift();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.watchers) w.closed = true;
    this.watchers.clear();
  }

  private record(events: readonly WatchEvent[]): void {
    this.history.push(...events);
    // Dropping whole revisions keeps "compacted" meaning: nothing at or before it can be replayed.
    while (this.history.length > this.historySize) {
      const rev = this.history[0]!.kv.modRevision;
      while (this.history.length > 0 && this.history[0]!.kv.modRevision === rev) this.history.shift();
      this.compacted = Math.max(this.compacted, rev);
    }
    for (const w of this.watchers) {
      let added = false;
      for (const ev of events) {
        if (ev.kv.key.startsWith(w.prefix)) {
          w.queue.push(ev);
          added = true;
        }
      }
      if (added) this.schedule(w);
    }
  }

  // Events are delivered from a microtask, never inside watch() or txn(): callers can finish
  // setting up before the first event, and a handler that writes cannot re-enter the store.
  private schedule(w: Watcher): void {
    if (w.scheduled || w.queue.length === 0) return;
    w.scheduled = true;
    queueMicrotask(() => {
      w.scheduled = false;
      while (!w.closed && w.queue.length > 0) {
        const ev = w.queue.shift()!;
        try {
          w.onEvent(ev);
        } catch (err) {
          w.onError?.(err instanceof Error ? err : new Error(String(err)));
        }
      }
    });
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('storage: the memory store is closed');
  }
}
