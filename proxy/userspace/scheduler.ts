// Endpoint choice for the userspace proxy: the six IPVS-style algorithms. Pure apart from the
// small mutable state object the caller keeps per Service port (counters, active connections).
import { createHash } from 'node:crypto';
import type { Algorithm, EndpointView } from '../types.js';

export interface SchedulerState {
  /** Next index for rr; current weight cursor for wrr. */
  rr: number;
  wrrCurrent: Map<string, number>;
  /** Active connections (TCP) or live sessions (UDP) per endpoint `ip:port`. */
  readonly active: Map<string, number>;
}

export function newSchedulerState(): SchedulerState {
  return { rr: 0, wrrCurrent: new Map(), active: new Map() };
}

export const epKey = (e: Pick<EndpointView, 'ip' | 'port'>) => `${e.ip}:${e.port}`;

function hashIndex(text: string, n: number): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0) % n;
}

/**
 * Picks an endpoint. `sh` hashes the client IP; `dh` hashes the destination the client dialled
 * (`service`: VIP:port), so one Service address maps to one endpoint while it is healthy.
 */
export function pickEndpoint(
  algorithm: Algorithm,
  eps: readonly EndpointView[],
  state: SchedulerState,
  ctx: { client: string; service: string; random?: () => number },
): EndpointView | undefined {
  const n = eps.length;
  if (n === 0) return undefined;
  const rnd = ctx.random ?? Math.random;
  switch (algorithm) {
    case 'rr': {
      const e = eps[state.rr % n]!;
      state.rr = (state.rr + 1) % n;
      return e;
    }
    case 'wrr': {
      // Smooth weighted round robin (as nginx): each pick adds weights, takes the max, subtracts the total.
      let total = 0;
      let best: EndpointView | undefined;
      let bestW = -Infinity;
      for (const e of eps) {
        const w = Math.max(e.weight, 0);
        total += w;
        const cur = (state.wrrCurrent.get(epKey(e)) ?? 0) + w;
        state.wrrCurrent.set(epKey(e), cur);
        if (cur > bestW) {
          bestW = cur;
          best = e;
        }
      }
      if (!best || total === 0) return eps[Math.floor(rnd() * n)];
      state.wrrCurrent.set(epKey(best), bestW - total);
      return best;
    }
    case 'sh':
      return eps[hashIndex(ctx.client, n)];
    case 'dh':
      return eps[hashIndex(ctx.service, n)];
    case 'lc':
    case 'wlc': {
      let best: EndpointView | undefined;
      let bestScore = Infinity;
      for (const e of eps) {
        const w = algorithm === 'wlc' ? Math.max(e.weight, 0) : 1;
        if (w === 0) continue;
        const score = ((state.active.get(epKey(e)) ?? 0) + 1) / w;
        if (score < bestScore) {
          bestScore = score;
          best = e;
        }
      }
      return best ?? eps[0];
    }
    default:
      return eps[Math.floor(rnd() * n)];
  }
}
