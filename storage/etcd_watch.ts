// One Storage.watch over etcd: a raw Watch stream of our own (not etcd3's Watcher) because the raw
// response carries compact_revision, which is how a watch from a compacted revision is told apart
// from any other cancellation.
import type { IDuplexStream, IEvent, IKeyValue, IWatchRequest, IWatchResponse, WatchClient } from 'etcd3';
import { PodnetError } from '../api/errors.js';
import { prefixEndBytes } from './keys.js';
import { CompactedError, type KV, type WatchEvent, type WatchHandle } from './types.js';

export interface EtcdWatchTarget {
  readonly client: WatchClient;
  /** The namespace every key of this store lives under. */
  readonly nsPrefix: string;
  /** Called when the stream is gone, so the store can forget it. */
  readonly onDone: (h: WatchHandle) => void;
}

export function watchEtcd(
  target: EtcdWatchTarget,
  prefix: string,
  fromRevision: number,
  onEvent: (ev: WatchEvent) => void,
  onError: (err: Error) => void = () => {},
): WatchHandle {
  let stream: IDuplexStream<IWatchRequest, IWatchResponse> | undefined;
  let closed = false;
  const handle: WatchHandle = {
    close: () => {
      if (closed) return;
      closed = true;
      stream?.cancel();
      target.onDone(handle);
    },
  };
  const fail = (err: Error) => {
    if (closed) return;
    handle.close();
    onError(err);
  };
  const full = Buffer.from(target.nsPrefix + prefix);
  target.client.watch().then(
    (s) => {
      stream = s;
      if (closed) return s.cancel();
      s.on('data', (res) => {
        if (closed) return;
        if (res.canceled) {
          const compactRev = Number(res.compact_revision);
          // etcd keeps the compaction revision itself; everything before it is gone.
          if (compactRev > 0) return fail(new CompactedError(fromRevision, compactRev - 1));
          return fail(new PodnetError('STORAGE_WATCH_FAILED', `storage: etcd cancelled the watch on "${prefix}": ${res.cancel_reason || 'no reason given'}`));
        }
        for (const ev of res.events ?? []) {
          if (closed) return;
          try {
            onEvent(toWatchEvent(ev, target.nsPrefix));
          } catch (err) {
            onError(err instanceof Error ? err : new Error(String(err)));
          }
        }
      });
      s.on('end', () => fail(new PodnetError('STORAGE_WATCH_FAILED', `storage: etcd ended the watch on "${prefix}"`)));
      s.on('error', (err) => {
        // Our own cancel() surfaces as a CANCELLED error; anything else means the stream is lost.
        if (!closed) fail(new PodnetError('STORAGE_WATCH_FAILED', `storage: the etcd watch on "${prefix}" broke: ${err.message}`, { cause: err }));
      });
      s.write({
        create_request: { key: full.length > 0 ? full : Buffer.from([0]), range_end: prefixEndBytes(full), start_revision: fromRevision + 1, prev_kv: true },
      });
    },
    (err: Error) => fail(new PodnetError('STORAGE_WATCH_FAILED', `storage: cannot open an etcd watch on "${prefix}": ${err.message}`, { cause: err })),
  );
  return handle;
}

export function toKV(kv: IKeyValue, nsPrefix: string): KV {
  return {
    key: kv.key.toString('utf8').slice(nsPrefix.length),
    value: kv.value,
    createRevision: Number(kv.create_revision),
    modRevision: Number(kv.mod_revision),
  };
}

function toWatchEvent(ev: IEvent, nsPrefix: string): WatchEvent {
  const kv = toKV(ev.kv, nsPrefix);
  const prev = ev.prev_kv ? toKV(ev.prev_kv, nsPrefix) : undefined;
  if (String(ev.type) === 'Delete' || String(ev.type) === '1') {
    // etcd's delete event has an empty value; the object that was deleted is in prev.
    const gone: KV = prev ? { ...prev, modRevision: kv.modRevision } : kv;
    return { type: 'DELETE', kv: gone, prev };
  }
  return prev ? { type: 'PUT', kv, prev } : { type: 'PUT', kv };
}
