// Watch streams: newline-delimited JSON events over a chunked response, flushed one by one, with
// Kubernetes' resourceVersion rules (""/"0": synthetic ADDED for what exists, then live; "n":
// every change after n; too old: an ERROR event carrying a 410 Expired Status).
import type { ServerResponse } from 'node:http';
import { storagePrefix, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { CompactedError, type KV, type WatchEvent, type WatchHandle } from '../storage/types.js';
import { decodeKV, objectJSON, typeMeta } from './objects.js';
import type { Filter, Registry } from './registry.js';
import { ApiError } from './status.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchOptions {
  readonly resourceVersion?: string;
  readonly filter: Filter;
  readonly timeoutSeconds?: number;
  readonly allowBookmarks?: boolean;
  /**
   * Turns an object into what the client asked for (a one-row Table). Absent: the object itself,
   * written from the stored bytes.
   */
  readonly render?: (obj: KubeObject) => unknown;
  /** How often a BOOKMARK is sent when allowed (default 60 s). */
  readonly bookmarkIntervalMs?: number;
}

/** What one watcher is sent for a storage event: the event type and the stored value to show. */
interface Outgoing {
  readonly type: EventType;
  readonly kv: KV;
  readonly revision: number;
}

const noFilter = (filter: Filter) => filter.labels === undefined && filter.fields === undefined;

/** Translates a storage event for a filtered view (an update can enter or leave it). */
function translateKV(registry: Registry, filter: Filter, ev: WatchEvent): Outgoing | undefined {
  const rev = ev.kv.modRevision;
  const all = noFilter(filter);
  if (ev.type === 'DELETE') {
    const kv = ev.prev ?? ev.kv;
    return all || registry.matches(filter, decoded(kv, rev)) ? { type: 'DELETED', kv, revision: rev } : undefined;
  }
  const out = (type: EventType): Outgoing => ({ type, kv: ev.kv, revision: rev });
  if (!ev.prev) return all || registry.matches(filter, decoded(ev.kv, rev)) ? out('ADDED') : undefined;
  if (all) return out('MODIFIED');
  const now = registry.matches(filter, decoded(ev.kv, rev));
  const before = registry.matches(filter, decoded(ev.prev, ev.prev.modRevision));
  if (now && before) return out('MODIFIED');
  if (now) return out('ADDED');
  if (before) return out('DELETED');
  return undefined;
}

// Stores that fan one event out to many watchers hand each the same KV object, so every watcher
// after the first reuses the decoded object and the event's JSON. Keyed weakly: an entry lives as
// long as some watcher still holds the event. Cached objects are shared and must not be mutated.
const decodedCache = new WeakMap<KV, Map<number, KubeObject>>();
const jsonCache = new WeakMap<KV, Map<string, Uint8Array>>();

function decoded(kv: KV, revision: number): KubeObject {
  let byRev = decodedCache.get(kv);
  if (!byRev) decodedCache.set(kv, (byRev = new Map()));
  let obj = byRev.get(revision);
  if (!obj) byRev.set(revision, (obj = decodeKV(kv, revision)));
  return obj;
}

const encoder = new TextEncoder();

/** The event's NDJSON line, built around the stored bytes (objectJSON) without parsing them. */
function eventLine(out: Outgoing): Uint8Array {
  let byKey = jsonCache.get(out.kv);
  if (!byKey) jsonCache.set(out.kv, (byKey = new Map()));
  const key = `${out.type} ${out.revision}`;
  let line = byKey.get(key);
  if (!line) {
    const object = objectJSON(out.kv, out.revision);
    const head = encoder.encode(`{"type":"${out.type}","object":`);
    line = new Uint8Array(head.length + object.length + 2);
    line.set(head, 0);
    line.set(object, head.length);
    line.set([0x7d, 0x0a], head.length + object.length);
    byKey.set(key, line);
  }
  return line;
}

/** Serves one watch until the client leaves, the timeout passes or the server closes. */
export async function serveWatch(
  registry: Registry,
  info: ResourceInfo,
  namespace: string | undefined,
  res: ServerResponse,
  opts: WatchOptions,
  contentType: string,
  closing: AbortSignal,
): Promise<void> {
  const rvText = opts.resourceVersion ?? '';
  let fromRevision: number;
  const initial: KubeObject[] = [];
  if (rvText === '' || rvText === '0') {
    const list = await registry.list(info, namespace, {});
    fromRevision = list.revision;
    for (const o of list.items) if (registry.matches(opts.filter, o)) initial.push(o);
  } else if (/^[0-9]+$/.test(rvText)) {
    fromRevision = Number(rvText);
  } else {
    throw new ApiError(400, 'BadRequest', `invalid resource version: "${rvText}"`);
  }

  res.writeHead(200, { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let lastRevision = fromRevision;
  let handle: WatchHandle | undefined;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const send = (type: EventType, object: unknown) => {
    if (!res.writableEnded) res.write(JSON.stringify({ type, object }) + '\n');
  };
  for (const o of initial) send('ADDED', opts.render ? opts.render(o) : o);

  try {
    handle = registry.storage.watch(
      storagePrefix(info, namespace),
      fromRevision,
      (ev) => {
        lastRevision = Math.max(lastRevision, ev.kv.modRevision);
        const out = translateKV(registry, opts.filter, ev);
        if (!out || res.writableEnded) return;
        if (opts.render) send(out.type, opts.render(decoded(out.kv, out.revision)));
        else res.write(eventLine(out));
      },
      (err) => {
        if (err instanceof CompactedError) sendExpired(err);
        finish();
      },
    );
  } catch (err) {
    if (!(err instanceof CompactedError)) throw err;
    sendExpired(err);
    res.end();
    return;
  }

  function sendExpired(err: CompactedError) {
    send('ERROR', {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `too old resource version: ${err.requested} (${err.compacted + 1})`,
      reason: 'Expired',
      code: 410,
    });
  }

  const timers: NodeJS.Timeout[] = [];
  // Real apiservers end watches after 30–60 min; clients re-watch from their last resourceVersion.
  const timeoutMs = (opts.timeoutSeconds && opts.timeoutSeconds > 0 ? opts.timeoutSeconds : 1800) * 1000;
  timers.push(setTimeout(finish, timeoutMs));
  if (opts.allowBookmarks) {
    const tm = typeMeta(info);
    timers.push(
      setInterval(() => {
        send('BOOKMARK', { ...tm, metadata: { resourceVersion: String(lastRevision) } });
      }, opts.bookmarkIntervalMs ?? 60_000),
    );
  }
  res.on('close', finish);
  closing.addEventListener('abort', finish, { once: true });
  await done;
  for (const t of timers) clearTimeout(t);
  handle?.close();
  closing.removeEventListener('abort', finish);
  if (!res.writableEnded) res.end();
}
