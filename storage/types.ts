// The storage interface under the apiserver: a revisioned key-value store with compare-and-swap
// transactions and watch-from-revision, shaped like etcd v3 so that resourceVersion can be the
// store's revision. Values are opaque bytes (the apiserver stores JSON).

export interface KV {
  readonly key: string;
  readonly value: Uint8Array;
  /** Revision at which this key was created. */
  readonly createRevision: number;
  /** Revision of the last change to this key (the object's resourceVersion). */
  readonly modRevision: number;
}

export interface ListResult {
  readonly items: readonly KV[];
  /** The store's revision at which the list was read. */
  readonly revision: number;
}

export interface WatchEvent {
  readonly type: 'PUT' | 'DELETE';
  readonly kv: KV;
  /** For DELETE and for PUTs over an existing key: the value before. */
  readonly prev?: KV;
}

/** One compare-and-swap write. `expectRevision`: 0 = key must not exist; n = key's modRevision must be n; undefined = unconditional. */
export type Op =
  | { readonly type: 'put'; readonly key: string; readonly value: Uint8Array; readonly expectRevision?: number }
  | { readonly type: 'delete'; readonly key: string; readonly expectRevision?: number };

export interface TxnResult {
  /** false when a precondition failed; nothing was written then. */
  readonly succeeded: boolean;
  /** The revision the transaction committed at (the current one when it failed). */
  readonly revision: number;
  /** Per op, the resulting KV (for puts) or the deleted KV (for deletes); undefined when it failed. */
  readonly results: readonly (KV | undefined)[];
  /** When it failed: index of the first failing op and the key's current state. */
  readonly failedOp?: number;
  readonly current?: KV;
}

export interface WatchHandle {
  close(): void;
}

export class CompactedError extends Error {
  readonly code = 'STORAGE_COMPACTED';
  constructor(readonly requested: number, readonly compacted: number) {
    super(`storage: revision ${requested} has been compacted (oldest available is ${compacted + 1})`);
    this.name = 'CompactedError';
  }
}

export interface Storage {
  get(key: string): Promise<KV | undefined>;
  /** Every key under `prefix`, sorted by key, at the current revision. `limit`/`startAfter` page through it. */
  list(prefix: string, opts?: { limit?: number; startAfter?: string }): Promise<ListResult>;
  /** Applies all ops atomically if every precondition holds. Durable before it resolves. */
  txn(ops: readonly Op[]): Promise<TxnResult>;
  /**
   * Calls `onEvent` for every change under `prefix` after `fromRevision` (exclusive), in order, then live.
   * Throws CompactedError (synchronously or via onError) when fromRevision is older than the history kept.
   */
  watch(prefix: string, fromRevision: number, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): WatchHandle;
  currentRevision(): Promise<number>;
  /** Discards history up to `revision` (watches from before it then get CompactedError). */
  compact(revision: number): Promise<void>;
  close(): Promise<void>;
}
