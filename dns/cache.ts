// The `cache` plugin: positive and negative answers kept for their TTL (clamped to the
// configured bounds), served with the remaining TTL; optional serve_stale and prefetch.
import type { Directive } from './corefile.js';
import { inZone, normZone, parseDuration, parseIntArg, pluginError, type Next, type Plugin, type PluginEnv, type Request, type Result } from './plugin.js';
import { RCODE, T, type Answer, type RR } from './wire.js';
import { labelKey } from './metrics.js';

export interface CacheOptions {
  zones: string[];
  success: { capacity: number; maxTtl: number; minTtl: number; disabled: boolean };
  denial: { capacity: number; maxTtl: number; minTtl: number; disabled: boolean };
  servfailTtl: number;
  /** Seconds an expired entry may still be served (0 = off). */
  staleSeconds: number;
  /** `prefetch AMOUNT [DURATION] [PERCENT%]`; amount 0 = off. */
  prefetch: { amount: number; windowMs: number; percent: number };
  keepTtl: boolean;
}

// CoreDNS defaults: 9984 entries per cache, max TTL 3600 s (success) / 1800 s (denial), min 5 s.
export function parseCache(d: Directive, blockZones: readonly string[]): CacheOptions {
  const o: CacheOptions = {
    zones: blockZones.map(normZone),
    success: { capacity: 9984, maxTtl: 3600, minTtl: 5, disabled: false },
    denial: { capacity: 9984, maxTtl: 1800, minTtl: 5, disabled: false },
    servfailTtl: 5,
    staleSeconds: 0,
    prefetch: { amount: 0, windowMs: 60_000, percent: 10 },
    keepTtl: false,
  };
  const args = [...d.args];
  if (args[0] !== undefined && /^\d+$/.test(args[0])) {
    const ttl = parseIntArg(d, args.shift(), 'TTL', 0, 2 ** 31);
    o.success.maxTtl = ttl;
    o.denial.maxTtl = ttl;
    if (ttl < o.success.minTtl) o.success.minTtl = o.denial.minTtl = ttl;
  }
  if (args.length) o.zones = args.map(normZone);
  for (const sub of d.block) {
    const a = sub.args;
    switch (sub.name) {
      case 'success':
      case 'denial': {
        const c = o[sub.name];
        c.capacity = Math.max(1024, parseIntArg(d, a[0], `${sub.name} capacity`, 0, 2 ** 31));
        if (a[1] !== undefined) c.maxTtl = parseIntArg(d, a[1], `${sub.name} TTL`, 0, 2 ** 31);
        if (a[2] !== undefined) c.minTtl = parseIntArg(d, a[2], `${sub.name} MINTTL`, 0, 2 ** 31);
        break;
      }
      case 'servfail':
        o.servfailTtl = Math.min(300, parseDuration(d, a[0]) / 1000);
        break;
      case 'serve_stale':
        o.staleSeconds = a[0] === undefined ? 3600 : parseDuration(d, a[0]) / 1000;
        if (a[1] !== undefined && a[1] !== 'immediate' && a[1] !== 'verify') throw pluginError(d, `serve_stale refresh mode "${a[1]}" must be immediate or verify`);
        break;
      case 'prefetch':
        o.prefetch.amount = parseIntArg(d, a[0], 'prefetch amount', 1, 2 ** 31);
        if (a[1] !== undefined) o.prefetch.windowMs = parseDuration(d, a[1]);
        if (a[2] !== undefined) o.prefetch.percent = parseIntArg(d, a[2].replace(/%$/, ''), 'prefetch percentage', 0, 100);
        break;
      case 'disable':
        if (a[0] !== 'success' && a[0] !== 'denial') throw pluginError(d, `disable "${a[0] ?? ''}" must be success or denial`);
        o[a[0]].disabled = true;
        break;
      case 'keepttl':
        o.keepTtl = true;
        break;
      default:
        throw pluginError(d, `unknown property "${sub.name}" (line ${sub.line})`);
    }
  }
  return o;
}

interface Entry {
  readonly answer: Answer;
  readonly kind: 'success' | 'denial';
  readonly stored: number;
  readonly ttl: number;
  /** The answer as last served, with the TTLs of that second (reused within the second). */
  servedAge: number;
  served: Answer;
  hits: number;
  windowStart: number;
}

export class CachePlugin implements Plugin {
  readonly name = 'cache';
  private readonly success = new Map<string, Entry>();
  private readonly denial = new Map<string, Entry>();
  private readonly zonesLabel: string;
  private readonly refreshing = new Set<string>();
  // Metric label keys, joined once (the cache sits on every query's path).
  private readonly kRequests: string;
  private readonly allZones: boolean;
  private readonly kHits: Record<'success' | 'denial', string>;

  constructor(
    readonly opts: CacheOptions,
    private readonly env: PluginEnv,
    private readonly now: () => number = Date.now,
  ) {
    this.zonesLabel = opts.zones.join(',') || '.';
    this.allZones = opts.zones.includes('.');
    this.kRequests = labelKey(env.server, this.zonesLabel);
    this.kHits = { success: labelKey(env.server, 'success', this.zonesLabel), denial: labelKey(env.server, 'denial', this.zonesLabel) };
    env.metrics.registry.onCollect(() => {
      env.metrics.cacheEntries.set([env.server, 'success', this.zonesLabel], this.success.size);
      env.metrics.cacheEntries.set([env.server, 'denial', this.zonesLabel], this.denial.size);
    });
  }

  size(): { success: number; denial: number } {
    return { success: this.success.size, denial: this.denial.size };
  }

  handle(req: Request, next: Next): Result {
    const q = req.q;
    if (!this.allZones && !this.opts.zones.some((z) => inZone(q.name, z))) return next(req);
    // The name string first (hashed once per query), then type and CD in a short suffix.
    const key = q.cd ? `${q.name}|${q.qtype}|1` : `${q.name}|${q.qtype}`;
    const m = this.env.metrics;
    m.cacheRequests.incKey(this.kRequests);
    const e = this.success.get(key) ?? this.denial.get(key);
    const now = this.now();
    if (e) {
      const age = Math.floor((now - e.stored) / 1000);
      if (age < e.ttl) {
        m.cacheHits.incKey(this.kHits[e.kind]);
        req.plugin = 'cache';
        this.maybePrefetch(req, key, e, age, now, next);
        return this.serve(e, age, e.ttl - age);
      }
      if (age < e.ttl + this.opts.staleSeconds) {
        m.cacheServedStale.incKey(this.kRequests);
        req.plugin = 'cache';
        this.refresh(req, key, next);
        return this.serve(e, -1, 0);
      }
      this.remove(key);
    }
    m.cacheMisses.incKey(this.kRequests);
    const r = next(req);
    if (r instanceof Promise) return r.then((a) => (this.store(key, a), a));
    this.store(key, r);
    return r;
  }

  private serve(e: Entry, age: number, remaining: number): Answer {
    if (this.opts.keepTtl) return e.answer;
    if (e.servedAge === age && age >= 0) return e.served;
    const fix = (l: readonly RR[]) => l.map((rr) => (rr.type === T.OPT ? rr : { ...rr, ttl: Math.min(rr.ttl, remaining) }) as RR);
    const a: Answer = { ...e.answer, answer: fix(e.answer.answer), authority: fix(e.answer.authority), additional: fix(e.answer.additional) };
    e.servedAge = age;
    e.served = a;
    return a;
  }

  private remove(key: string): void {
    this.success.delete(key);
    this.denial.delete(key);
  }

  private refresh(req: Request, key: string, next: Next): void {
    if (this.refreshing.has(key)) return;
    this.refreshing.add(key);
    Promise.resolve()
      .then(() => next({ ...req }))
      .then((a) => {
        // Keep the stale entry when the upstream now fails (that is what serve_stale is for).
        if (a.rcode === RCODE.NOERROR || a.rcode === RCODE.NXDOMAIN) this.store(key, a);
      })
      .catch(() => undefined)
      .finally(() => this.refreshing.delete(key));
  }

  private maybePrefetch(req: Request, key: string, e: Entry, age: number, now: number, next: Next): void {
    const p = this.opts.prefetch;
    if (p.amount === 0) return;
    if (now - e.windowStart > p.windowMs) {
      e.windowStart = now;
      e.hits = 0;
    }
    e.hits++;
    if (e.hits >= p.amount && (e.ttl - age) * 100 <= e.ttl * p.percent) this.refresh(req, key, next);
  }

  private store(key: string, a: Answer): void {
    if (a.tc) return;
    let kind: 'success' | 'denial';
    let ttl: number;
    if (a.rcode === RCODE.NOERROR && a.answer.length > 0) {
      kind = 'success';
      ttl = Math.min(...a.answer.map((r) => r.ttl));
    } else if (a.rcode === RCODE.NXDOMAIN || a.rcode === RCODE.NOERROR) {
      kind = 'denial';
      const soa = a.authority.find((r) => r.type === T.SOA);
      // RFC 2308: negative TTL = min(SOA TTL, SOA minimum); no SOA means do not cache.
      if (!soa) return;
      ttl = Math.min(soa.ttl, (soa.data as { minimum: number }).minimum);
    } else if (a.rcode === RCODE.SERVFAIL && this.opts.servfailTtl > 0) {
      kind = 'denial';
      ttl = this.opts.servfailTtl;
    } else return;
    const c = this.opts[kind];
    if (c.disabled) return;
    if (a.rcode !== RCODE.SERVFAIL) ttl = Math.max(c.minTtl, Math.min(c.maxTtl, ttl));
    if (ttl <= 0) return;
    const map = kind === 'success' ? this.success : this.denial;
    this.remove(key);
    if (map.size >= c.capacity) {
      const oldest = map.keys().next().value;
      if (oldest !== undefined) map.delete(oldest);
    }
    const now = this.now();
    map.set(key, { answer: a, kind, stored: now, ttl, servedAge: -2, served: a, hits: 0, windowStart: now });
  }
}
