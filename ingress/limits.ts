// limit-rps and limit-connections, per route and client address, as ingress-nginx applies them:
// a token bucket with nginx's default burst of 5× the rate, and a concurrent-connection count.
// State is keyed by route id, which is stable across table swaps, so a reload does not reset it.

interface Bucket {
  tokens: number;
  at: number;
}

const BURST_MULTIPLIER = 5;
const MAX_KEYS = 100_000;

export class Limits {
  private readonly buckets = new Map<string, Bucket>();
  private readonly conns = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes one token; false when the client is over its rate. */
  allowRate(routeId: string, client: string, rps: number): boolean {
    const key = routeId + '\u0000' + client;
    const t = this.now();
    const cap = rps * BURST_MULTIPLIER;
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= MAX_KEYS) this.buckets.clear();
      b = { tokens: cap, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(cap, b.tokens + ((t - b.at) / 1000) * rps);
    b.at = t;
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Counts a connection in; returns a release function, or undefined when over the limit. */
  enter(routeId: string, client: string, max: number): (() => void) | undefined {
    const key = routeId + '\u0000' + client;
    const n = this.conns.get(key) ?? 0;
    if (n >= max) return undefined;
    this.conns.set(key, n + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const m = (this.conns.get(key) ?? 1) - 1;
      if (m <= 0) this.conns.delete(key); else this.conns.set(key, m);
    };
  }
}
