// A work queue with client-go's guarantees: a key is queued at most once however often it is
// added, a key being processed is never handed to a second worker (it is re-queued when `done`
// if it was added meanwhile), delayed adds go through an injected clock, and failures back off
// exponentially per key until a retry budget is spent.
import { realClock, type Clock } from './clock.js';

export interface WorkQueueMetrics {
  depth(name: string, n: number): void;
  add(name: string): void;
  retry(name: string): void;
}

export interface WorkQueueOptions {
  name?: string;
  clock?: Clock;
  /** First retry delay; doubles per failure. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Failures after which addRateLimited gives up on a key (until it is added afresh). */
  maxRetries?: number;
  metrics?: WorkQueueMetrics;
}

export class WorkQueue {
  readonly name: string;
  private readonly clock: Clock;
  private readonly baseDelay: number;
  private readonly maxDelay: number;
  private readonly maxRetries: number;
  private readonly metrics?: WorkQueueMetrics;
  private readonly queue: string[] = [];
  private head = 0;
  private readonly dirty = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly waiting = new Map<string, { at: number; handle: unknown }>();
  private readonly getters: ((key: string | undefined) => void)[] = [];
  private shut = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.name = opts.name ?? 'queue';
    this.clock = opts.clock ?? realClock;
    this.baseDelay = opts.baseDelayMs ?? 5;
    this.maxDelay = opts.maxDelayMs ?? 60_000;
    this.maxRetries = opts.maxRetries ?? 15;
    this.metrics = opts.metrics;
  }

  /** Keys queued and not yet handed out. */
  get length(): number {
    return this.queue.length - this.head;
  }

  add(key: string): void {
    if (this.shut || this.dirty.has(key)) return;
    this.metrics?.add(this.name);
    this.dirty.add(key);
    if (this.processing.has(key)) return;
    const getter = this.getters.shift();
    if (getter) {
      this.dirty.delete(key);
      this.processing.add(key);
      this.metrics?.depth(this.name, this.length);
      getter(key);
      return;
    }
    this.queue.push(key);
    this.metrics?.depth(this.name, this.length);
  }

  /** Adds the key after `ms`; an earlier pending delay for the same key wins. */
  addAfter(key: string, ms: number): void {
    if (this.shut) return;
    if (ms <= 0) return this.add(key);
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.clock.clearTimeout(existing.handle);
    const handle = this.clock.setTimeout(() => {
      this.waiting.delete(key);
      this.add(key);
    }, ms);
    this.waiting.set(key, { at, handle });
  }

  /** Re-adds a failed key with per-key exponential backoff; false when its retry budget is spent. */
  addRateLimited(key: string): boolean {
    const n = this.failures.get(key) ?? 0;
    if (n >= this.maxRetries) {
      this.failures.delete(key);
      return false;
    }
    this.failures.set(key, n + 1);
    this.metrics?.retry(this.name);
    this.addAfter(key, Math.min(this.baseDelay * 2 ** n, this.maxDelay));
    return true;
  }

  /** Clears a key's failure history (call after it reconciled successfully). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  retries(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** The next key to process, or undefined once the queue is shut down. */
  get(): Promise<string | undefined> {
    if (this.length > 0) {
      const key = this.queue[this.head++]!;
      if (this.head > 1024 && this.head * 2 > this.queue.length) {
        this.queue.splice(0, this.head);
        this.head = 0;
      }
      this.dirty.delete(key);
      this.processing.add(key);
      this.metrics?.depth(this.name, this.length);
      return Promise.resolve(key);
    }
    if (this.shut) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks a key finished; if it was added while being processed, it is queued again. */
  done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.has(key)) {
      this.dirty.delete(key);
      this.add(key);
    }
  }

  shutdown(): void {
    this.shut = true;
    for (const w of this.waiting.values()) this.clock.clearTimeout(w.handle);
    this.waiting.clear();
    for (const g of this.getters.splice(0)) g(undefined);
  }

  get isShutdown(): boolean {
    return this.shut;
  }
}
