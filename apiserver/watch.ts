// Watch streams: newline-delimited JSON events over a chunked response, flushed one by one, with
// Kubernetes' resourceVersion rules (""/"0": synthetic ADDED for what exists, then live; "n":
// every change after n; too old: an ERROR event carrying a 410 Expired Status).
import type { ServerResponse } from 'node:http';
import { storagePrefix, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import { CompactedError, type WatchEvent, type WatchHandle } from '../storage/types.js';
import { decodeKV, typeMeta } from './objects.js';
import type { Filter, Registry } from './registry.js';
import { ApiError } from './status.js';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchOptions {
  readonly resourceVersion?: string;
  readonly filter: Filter;
  readonly timeoutSeconds?: number;
  readonly allowBookmarks?: boolean;
  /** Turns an object into what the client asked for (a one-row Table, or the object itself). */
  readonly render: (obj: KubeObject) => unknown;
  /** How often a BOOKMARK is sent when allowed (default 60 s). */
  readonly bookmarkIntervalMs?: number;
}

/** Translates a storage event to watch events for a filtered view (an update can enter or leave it). */
export function translate(registry: Registry, filter: Filter, ev: WatchEvent): { type: EventType; object: KubeObject } | undefined {
  const rev = ev.kv.modRevision;
  if (ev.type === 'DELETE') {
    const obj = decodeKV(ev.prev ?? ev.kv, rev);
    return registry.matches(filter, obj) ? { type: 'DELETED', object: obj } : undefined;
  }
  const obj = decodeKV(ev.kv);
  const now = registry.matches(filter, obj);
  if (!ev.prev) return now ? { type: 'ADDED', object: obj } : undefined;
  const before = registry.matches(filter, decodeKV(ev.prev));
  if (now && before) return { type: 'MODIFIED', object: obj };
  if (now) return { type: 'ADDED', object: obj };
  if (before) return { type: 'DELETED', object: obj };
  return undefined;
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
  for (const o of initial) send('ADDED', opts.render(o));

  try {
    handle = registry.storage.watch(
      storagePrefix(info, namespace),
      fromRevision,
      (ev) => {
        lastRevision = Math.max(lastRevision, ev.kv.modRevision);
        const out = translate(registry, opts.filter, ev);
        if (out) send(out.type, opts.render(out.object));
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
