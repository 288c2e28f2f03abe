// A bounded-frequency runner: coalesces bursts of change notifications into syncs at most once
// per `minIntervalMs`, and runs a sync at least every `maxIntervalMs`. Time comes from an
// injected clock, so tests drive it without sleeping.
import { realClock, type Clock } from '../client/clock.js';
// The proxy uses the project's one Clock (tests import FakeClock from here, as before).
export { FakeClock, realClock, type Clock } from '../client/clock.js';

export interface RunnerOptions {
  readonly minIntervalMs: number;
  /** Periodic run even without requests (0 = never). */
  readonly maxIntervalMs?: number;
  readonly clock?: Clock;
  /** Called with errors thrown by `fn`; the runner keeps going. */
  readonly onError?: (err: unknown) => void;
}

export class BoundedFrequencyRunner {
  private readonly clock: Clock;
  private lastRun = -Infinity;
  private timer: unknown;
  private timerAt = Infinity;
  private running: Promise<void> | undefined;
  private pending = false;
  private stopped = false;
  private periodic: unknown;

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly opts: RunnerOptions,
  ) {
    this.clock = opts.clock ?? realClock;
    this.armPeriodic();
  }

  /** Asks for a run; bursts within the min interval become one run. */
  request(): void {
    if (this.stopped) return;
    if (this.running) {
      this.pending = true;
      return;
    }
    const due = this.lastRun + this.opts.minIntervalMs;
    const now = this.clock.now();
    if (now >= due) {
      void this.runNow();
      return;
    }
    this.schedule(due - now);
  }

  /** Runs now (after any run in progress), ignoring the min interval. */
  async runNow(): Promise<void> {
    while (this.running) await this.running.catch(() => {});
    if (this.stopped) return;
    this.cancelTimer();
    this.pending = false;
    this.lastRun = this.clock.now();
    const p = this.fn().catch((err: unknown) => this.opts.onError?.(err));
    this.running = p;
    try {
      await p;
    } finally {
      this.running = undefined;
      this.armPeriodic();
      if (this.pending && !this.stopped) {
        this.pending = false;
        this.request();
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer();
    if (this.periodic !== undefined) this.clock.clearTimeout(this.periodic);
  }

  private schedule(ms: number): void {
    const at = this.clock.now() + ms;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.cancelTimer();
    this.timerAt = at;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      void this.runNow();
    }, ms);
  }

  private cancelTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }

  private armPeriodic(): void {
    if (!this.opts.maxIntervalMs || this.stopped) return;
    if (this.periodic !== undefined) this.clock.clearTimeout(this.periodic);
    this.periodic = this.clock.setTimeout(() => {
      this.periodic = undefined;
      this.request();
    }, this.opts.maxIntervalMs);
  }
}
