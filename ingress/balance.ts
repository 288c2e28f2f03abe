// Choosing an endpoint: canary and weighted backend choice, then round-robin or least-request
// within the backend, honouring a sticky cookie. Round-robin counters and in-flight counts live
// here, keyed by service and endpoint, so they survive route-table swaps.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { LoadBalance } from './annotations.js';
import type { Endpoint, ResolvedBackend } from './backends.js';
import type { Route } from './table.js';

export function cookieValueFor(ep: Endpoint): string {
  return createHash('sha1').update(ep.key).digest('hex').slice(0, 16);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Canary first (by header, then weight), else a weighted choice among the route's backends. */
export function chooseBackend(route: Route, headers: IncomingHttpHeaders, random: () => number = Math.random): { backend: ResolvedBackend; canary: boolean } | undefined {
  for (const c of route.canaries) {
    const p = c.policy;
    if (p.header) {
      const v = headers[p.header.toLowerCase()];
      const value = Array.isArray(v) ? v[0] : v;
      if (value !== undefined) {
        if (p.headerValue !== undefined) {
          if (value === p.headerValue) return { backend: c.backend, canary: true };
        } else if (value === 'always') return { backend: c.backend, canary: true };
        else if (value === 'never') continue;
      }
    }
    if (p.weight > 0 && random() * p.weightTotal < p.weight) return { backend: c.backend, canary: true };
  }
  const list = route.backends;
  if (list.length === 0) return undefined;
  if (list.length === 1) return { backend: list[0]!.backend, canary: false };
  const total = list.reduce((s, b) => s + b.weight, 0);
  if (total <= 0) return undefined;
  let x = random() * total;
  for (const b of list) {
    if ((x -= b.weight) < 0) return { backend: b.backend, canary: false };
  }
  return { backend: list[list.length - 1]!.backend, canary: false };
}

export class Balancer {
  private readonly rr = new Map<string, number>();
  private readonly inflight = new Map<string, number>();
  /** Counters are keyed by name so they survive table swaps; the key string is built once per backend object. */
  private readonly keys = new WeakMap<ResolvedBackend, string>();

  pick(backend: ResolvedBackend, mode: LoadBalance, exclude: ReadonlySet<string>, sticky?: string): Endpoint | undefined {
    const eps = exclude.size === 0 ? backend.endpoints : backend.endpoints.filter((e) => !exclude.has(e.key));
    if (eps.length === 0) return undefined;
    if (sticky) {
      const hit = eps.find((e) => cookieValueFor(e) === sticky);
      if (hit) return hit;
    }
    if (mode === 'least_request') {
      // Fewest requests in flight; ties go round-robin so idle endpoints share the load.
      const start = this.next(backend, eps.length);
      let best = eps[start]!;
      let bestN = this.inflight.get(best.key) ?? 0;
      for (let i = 1; i < eps.length && bestN > 0; i++) {
        const e = eps[(start + i) % eps.length]!;
        const n = this.inflight.get(e.key) ?? 0;
        if (n < bestN) {
          best = e;
          bestN = n;
        }
      }
      return best;
    }
    return eps[this.next(backend, eps.length)]!;
  }

  private next(backend: ResolvedBackend, n: number): number {
    let key = this.keys.get(backend);
    if (key === undefined) this.keys.set(backend, (key = `${backend.namespace}/${backend.service}`));
    const i = this.rr.get(key) ?? 0;
    this.rr.set(key, (i + 1) % 1_000_000_007);
    return i % n;
  }

  begin(ep: Endpoint): () => void {
    this.inflight.set(ep.key, (this.inflight.get(ep.key) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const m = (this.inflight.get(ep.key) ?? 1) - 1;
      if (m <= 0) this.inflight.delete(ep.key); else this.inflight.set(ep.key, m);
    };
  }
}
