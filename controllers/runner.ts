// Running one level-triggered controller: handlers enqueue keys, workers pull keys and call
// reconcile, a failure requeues the key with backoff, a success forgets its failures.
// Reconcile may ask to be called again later (a rolling update waiting on readiness).
import { errorMessage } from '../api/errors.js';
import { WorkQueue } from '../client/workqueue.js';
import type { Clock } from '../client/clock.js';
import type { ControllerMetrics } from './metrics.js';

export type ReconcileResult = void | { requeueAfterMs?: number };

export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  /** Parallel reconciles; allocators use 1 so two keys never race for one address. */
  readonly workers?: number;
  reconcile(key: string): Promise<ReconcileResult>;
  /** Enqueues every object once, after the caches synced. */
  resync(): void;
}

export function newQueue(name: string, clock: Clock, metrics: ControllerMetrics): WorkQueue {
  return new WorkQueue({ name, clock, metrics, baseDelayMs: 5, maxDelayMs: 30_000, maxRetries: 15 });
}

export interface Running {
  stop(): void;
  /** Resolves when every queue is empty and no worker is busy (tests). */
  idle(): Promise<void>;
}

export function runControllers(controllers: readonly Controller[], opts: { workers: number; metrics: ControllerMetrics; log?: (msg: string) => void }): Running {
  let busy = 0;
  let idleWaiters: (() => void)[] = [];
  const checkIdle = () => {
    if (busy === 0 && controllers.every((c) => c.queue.length === 0)) {
      const w = idleWaiters;
      idleWaiters = [];
      for (const f of w) f();
    }
  };
  const worker = async (c: Controller) => {
    for (;;) {
      const key = await c.queue.get();
      if (key === undefined) return;
      busy++;
      const end = opts.metrics.duration.startTimer({ controller: c.name });
      try {
        const res = await c.reconcile(key);
        c.queue.forget(key);
        if (res && res.requeueAfterMs !== undefined) c.queue.addAfter(key, res.requeueAfterMs);
      } catch (err) {
        opts.metrics.errors.inc({ controller: c.name });
        if (!c.queue.addRateLimited(key)) opts.log?.(`${c.name}: giving up on "${key}" after repeated failures: ${errorMessage(err)}`);
      } finally {
        end();
        c.queue.done(key);
        busy--;
        checkIdle();
      }
    }
  };
  for (const c of controllers) {
    c.resync();
    for (let i = 0; i < (c.workers ?? opts.workers); i++) void worker(c);
  }
  return {
    stop() {
      for (const c of controllers) c.queue.shutdown();
    },
    idle() {
      return new Promise((resolve) => {
        idleWaiters.push(resolve);
        setImmediate(checkIdle);
      });
    },
  };
}
