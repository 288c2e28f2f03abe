// In-process watch fan-out for stores whose writes all happen in this process (SQLite): each
// watcher has its own queue, filled in revision order after a commit and drained from a microtask,
// so a handler never runs inside watch() or txn() and a handler that writes cannot re-enter the store.
import type { WatchEvent, WatchHandle } from './types.js';

interface Watcher {
  readonly prefix: string;
  /** Only events after this revision: a watch may start from a revision that has not happened yet. */
  readonly after: number;
  readonly onEvent: (ev: WatchEvent) => void;
  readonly onError?: (err: Error) => void;
  readonly queue: WatchEvent[];
  scheduled: boolean;
  closed: boolean;
}

export class WatchHub {
  private readonly watchers = new Set<Watcher>();

  /** Registers a watcher whose first events are `backlog` (the catch-up from history), then every published event under `prefix` after revision `after`. */
  add(prefix: string, after: number, backlog: WatchEvent[], onEvent: (ev: WatchEvent) => void, onError?: (err: Error) => void): WatchHandle {
    const w: Watcher = { prefix, after, onEvent, onError, queue: backlog, scheduled: false, closed: false };
    this.watchers.add(w);
    this.schedule(w);
    return {
      close: () => {
        w.closed = true;
        this.watchers.delete(w);
      },
    };
  }

  /** Queues one committed transaction's events (already in order) for every matching watcher. */
  publish(events: readonly WatchEvent[]): void {
    for (const w of this.watchers) {
      let added = false;
      for (const ev of events) {
        if (ev.kv.modRevision <= w.after || !ev.kv.key.startsWith(w.prefix)) continue;
        w.queue.push(ev);
        added = true;
      }
      if (added) this.schedule(w);
    }
  }

  get size(): number {
    return this.watchers.size;
  }

  closeAll(): void {
    for (const w of this.watchers) w.closed = true;
    this.watchers.clear();
  }

  private schedule(w: Watcher): void {
    if (w.scheduled || w.queue.length === 0) return;
    w.scheduled = true;
    queueMicrotask(() => {
      // Index walk instead of shift(): a catch-up of 10k events would make shift() quadratic.
      // `scheduled` stays true while draining, so events published by a handler join this loop.
      let i = 0;
      for (; i < w.queue.length && !w.closed; i++) {
        try {
          w.onEvent(w.queue[i]!);
        } catch (err) {
          w.onError?.(err instanceof Error ? err : new Error(String(err)));
        }
      }
      w.queue.splice(0, i);
      w.scheduled = false;
    });
  }
}
