// Storage over a real etcd v3 (the distributed backend). Revisions are etcd's own, so a
// resourceVersion read from one podnet process means the same thing in every other one. Writes are
// one etcd Txn: mod_revision/create_revision compares, then the puts and deletes; when a compare
// fails the same Txn reads the compared keys back so the caller learns which op failed and why.
import { Etcd3, type ICompare, type IRangeResponse, type IRequestOp } from 'etcd3';
import { PodnetError } from '../api/errors.js';
import { watchEtcd, toKV } from './etcd_watch.js';
import { asBuffer, prefixEndBytes, assertDistinctKeys } from './keys.js';
import type { KV, ListResult, Op, Storage, TxnResult, WatchEvent, WatchHandle } from './types.js';

export interface EtcdOptions {
  /** Every key of this store lives under this prefix in etcd (default none). */
  readonly prefix?: string;
  /** How long to wait for a connection to etcd before a request fails (default 10 s). */
  readonly timeoutMs?: number;
}

// gRPC refuses replies over 4 MB by default; a list of 10k Services is about 10 MB. etcd itself
// sends up to 2 GiB (the kube-apiserver lifts its client limit the same way).
const GRPC_OPTIONS = { 'grpc.max_receive_message_length': 2 ** 31 - 1 };

export async function openEtcd(url: string, opts: EtcdOptions = {}): Promise<Storage> {
  const hosts = etcdHosts(url);
  const store = new EtcdStorage(url, new Etcd3({ hosts, dialTimeout: opts.timeoutMs ?? 10_000, grpcOptions: GRPC_OPTIONS }), opts);
  try {
    await store.currentRevision();
  } catch (err) {
    await store.close();
    const why = (err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message;
    throw new PodnetError('STORAGE_OPEN_FAILED', `storage: cannot reach etcd at "${url}": ${why.trim()}`, { cause: err });
  }
  return store;
}

/** "etcd://h:p,h2:p2" (or http:// URLs) → the gRPC endpoints the client dials. */
export function etcdHosts(url: string): string[] {
  const rest = url.replace(/^etcd:\/\//, '');
  const hosts = rest.split(',').map((h) => (/^https?:\/\//.test(h) ? h : `http://${h}`).replace(/\/+$/, ''));
  for (const h of hosts) {
    if (!/^https?:\/\/[^/\s:]+:\d+$/.test(h)) throw new TypeError(`storage: "${url}" is not an etcd address (want etcd://host:port)`);
  }
  return hosts;
}

class EtcdStorage implements Storage {
  private readonly ns: string;
  private readonly watches = new Set<WatchHandle>();
  private closed = false;

  constructor(private readonly url: string, private readonly client: Etcd3, opts: EtcdOptions) {
    this.ns = opts.prefix ?? '';
  }

  async get(key: string): Promise<KV | undefined> {
    this.assertOpen();
    const res = await this.call('get', () => this.client.kv.range({ key: this.key(key) }));
    return res.kvs[0] && toKV(res.kvs[0], this.ns);
  }

  async list(prefix: string, opts: { limit?: number; startAfter?: string } = {}): Promise<ListResult> {
    this.assertOpen();
    const from = Buffer.from(this.ns + prefix);
    // Keys sort as bytes; the smallest key after startAfter is startAfter + "\0".
    const after = opts.startAfter !== undefined ? Buffer.from(`${this.ns}${opts.startAfter}\0`) : undefined;
    const start = after && Buffer.compare(after, from) > 0 ? after : from;
    const res = await this.call('list', () =>
      this.client.kv.range({
        key: start.length > 0 ? start : Buffer.from([0]),
        range_end: prefixEndBytes(from),
        limit: opts.limit !== undefined && opts.limit > 0 ? opts.limit : 0,
      }),
    );
    return { items: res.kvs.map((kv) => toKV(kv, this.ns)), revision: Number(res.header.revision) };
  }

  async txn(ops: readonly Op[]): Promise<TxnResult> {
    this.assertOpen();
    assertDistinctKeys(ops);
    const guarded = ops.map((op, i) => ({ op, i })).filter(({ op }) => op.expectRevision !== undefined);
    const compare: ICompare[] = guarded.map(({ op }) =>
      op.expectRevision === 0
        ? { key: this.key(op.key), target: 'Create', result: 'Equal', create_revision: 0 }
        : { key: this.key(op.key), target: 'Mod', result: 'Equal', mod_revision: op.expectRevision },
    );
    const success: IRequestOp[] = ops.map((op) =>
      op.type === 'put'
        ? { request_put: { key: this.key(op.key), value: asBuffer(op.value), prev_kv: true } }
        : { request_delete_range: { key: this.key(op.key), prev_kv: true } },
    );
    const failure: IRequestOp[] = guarded.map(({ op }) => ({ request_range: { key: this.key(op.key) } }));
    const res = await this.call('txn', () => this.client.kv.txn({ compare, success, failure }));
    const revision = Number(res.header.revision);
    if (!res.succeeded) {
      for (let j = 0; j < guarded.length; j++) {
        const { op, i } = guarded[j]!;
        const row = res.responses[j]!.response_range.kvs[0];
        const current = row && toKV(row, this.ns);
        const ok = op.expectRevision === 0 ? current === undefined : current?.modRevision === op.expectRevision;
        if (!ok) return { succeeded: false, revision, results: [], failedOp: i, current };
      }
      // Every compare holds again by the time we read them back: the keys changed in between.
      return { succeeded: false, revision, results: [] };
    }
    const results = ops.map((op, i): KV | undefined => {
      const r = res.responses[i]!;
      if (op.type === 'delete') {
        const gone = r.response_delete_range.prev_kvs[0];
        return gone && toKV(gone, this.ns);
      }
      const prev = r.response_put.prev_kv;
      return { key: op.key, value: op.value, createRevision: prev ? Number(prev.create_revision) : revision, modRevision: revision };
    });
    return { succeeded: true, revision, results };
  }

  watch(prefix: string, fromRevision: number, onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): WatchHandle {
    this.assertOpen();
    const handle = watchEtcd({ client: this.client.watchClient, nsPrefix: this.ns, onDone: (h) => this.watches.delete(h) }, prefix, fromRevision, onEvent, onError);
    this.watches.add(handle);
    return handle;
  }

  async currentRevision(): Promise<number> {
    this.assertOpen();
    const res: IRangeResponse = await this.call('read the revision', () => this.client.kv.range({ key: this.key(''), count_only: true }));
    return Number(res.header.revision);
  }

  async compact(revision: number): Promise<void> {
    this.assertOpen();
    const current = await this.currentRevision();
    try {
      await this.client.kv.compact({ revision: Math.min(revision, current), physical: true });
    } catch (err) {
      // Compacting to where we already are is a no-op, as it is for the other stores.
      if (/compacted/.test((err as Error).message)) return;
      throw new PodnetError('STORAGE_WRITE_FAILED', `storage: etcd at "${this.url}" refused to compact to ${revision}: ${(err as Error).message}`, { cause: err });
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of [...this.watches]) w.close();
    this.client.close();
  }

  private key(key: string): Buffer {
    const full = Buffer.from(this.ns + key);
    return full.length > 0 ? full : Buffer.from([0]);
  }

  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new PodnetError('STORAGE_UNAVAILABLE', `storage: etcd at "${this.url}" failed to ${what}: ${(err as Error).message}`, { cause: err });
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new PodnetError('STORAGE_CLOSED', `storage: the etcd store at "${this.url}" is closed`);
  }
}
