// Event recording the way upstream's recorder does it: the first occurrence creates an Event
// named `<object>.<hex time>`, repeats of the same (object, type, reason, message) bump
// `count` and `lastTimestamp` on that Event instead of creating new ones. Recording never
// throws and never blocks the caller: events are for humans, losing one must not fail a sync.
import { resourceForKind } from '../api/resources.js';
import type { Event, ObjectMeta } from '../api/types.js';

/** What an event can be about: any object with kind and metadata. */
export type Involved = { apiVersion?: string; kind?: string; metadata?: ObjectMeta };
import { isNotFound, type KubeClient } from './rest.js';
import { R } from './source.js';

export type EventType = 'Normal' | 'Warning';

export interface EventRecorder {
  (obj: Involved, type: EventType, reason: string, message: string): void;
  /** Resolves when every write started so far has finished (tests, shutdown). */
  flush(): Promise<void>;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  chain: Promise<void>;
}

const CACHE_LIMIT = 4096;

export function eventRecorder(client: KubeClient, component: string, opts: { now?: () => Date; host?: string } = {}): EventRecorder {
  const now = opts.now ?? (() => new Date());
  const seen = new Map<string, Seen>();
  const inflight = new Set<Promise<void>>();

  const record = ((obj: Involved, type: EventType, reason: string, message: string): void => {
    const meta = obj.metadata ?? {};
    const kind = obj.kind ?? '';
    const namespace = meta.namespace || 'default';
    const key = [kind, namespace, meta.name, meta.uid, type, reason, message].join('\u0000');
    const ts = now();
    const stamp = ts.toISOString().replace(/\.\d+Z$/, 'Z');
    let entry = seen.get(key);
    if (entry) {
      seen.delete(key);
      seen.set(key, entry); // most recent last, for eviction
      entry.count++;
    } else {
      entry = { name: `${meta.name}.${(ts.getTime() * 1e6 + Math.floor(Math.random() * 1e6)).toString(16)}`, namespace, count: 1, chain: Promise.resolve() };
      seen.set(key, entry);
      if (seen.size > CACHE_LIMIT) seen.delete(seen.keys().next().value!);
    }
    const e = entry;
    const count = e.count;
    const info = resourceForKind(kind);
    const event: Event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: e.name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion ?? (info ? (info.group ? `${info.group}/${info.version}` : info.version) : undefined),
        kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
      },
      type,
      reason,
      message,
      source: { component, ...(opts.host ? { host: opts.host } : {}) },
      reportingComponent: component,
      reportingInstance: opts.host ?? '',
      firstTimestamp: stamp,
      lastTimestamp: stamp,
      count,
    };
    const write = async (): Promise<void> => {
      try {
        if (count === 1) {
          await client.create(R.events, event);
          return;
        }
        try {
          await client.patch(R.events, namespace, e.name, { count, lastTimestamp: stamp }, 'merge');
        } catch (err) {
          // The Event expired (events have a TTL): start a fresh one.
          if (isNotFound(err)) await client.create(R.events, event);
          else throw err;
        }
      } catch {
        /* best effort */
      }
    };
    const p = e.chain.then(write);
    e.chain = p;
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  }) as EventRecorder;
  record.flush = async () => {
    while (inflight.size) await Promise.all([...inflight]);
  };
  return record;
}
