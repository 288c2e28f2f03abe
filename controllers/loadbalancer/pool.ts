// LoadBalancer address pools ("first-last" ranges or CIDRs) and picking from them. Pure.
import { compareIP, formatIP, parseCIDR, parseIP, tryParseIP, type IP } from '../../api/ip.js';
import { PodnetError } from '../../api/errors.js';

export interface Range {
  first: IP;
  last: IP;
}

export function parsePools(pools: readonly string[]): Range[] {
  return pools.map((p) => {
    if (p.includes('/')) {
      const c = parseCIDR(p);
      const bits = c.family === 4 ? 32 : 128;
      const size = 1n << BigInt(bits - c.prefix);
      return { first: { family: c.family, value: c.network }, last: { family: c.family, value: c.network + size - 1n } };
    }
    const [a, b] = p.split('-').map((x) => x.trim());
    if (!a || !b) throw new PodnetError('LB_BAD_POOL', `loadbalancer: cannot parse pool "${p}" (expected "first-last" or a CIDR)`);
    const first = parseIP(a);
    const last = parseIP(b);
    if (first.family !== last.family || compareIP(first, last) > 0) throw new PodnetError('LB_BAD_POOL', `loadbalancer: pool "${p}" is not an ascending range of one family`);
    return { first, last };
  });
}

export function inPools(pools: readonly Range[], ip: string): boolean {
  const x = tryParseIP(ip);
  return !!x && pools.some((r) => r.first.family === x.family && compareIP(r.first, x) <= 0 && compareIP(x, r.last) <= 0);
}

/** The lowest free address of the pools (in order), or undefined when all are taken. */
export function firstFree(pools: readonly Range[], used: ReadonlySet<string>, family?: 4 | 6): string | undefined {
  for (const r of pools) {
    if (family && r.first.family !== family) continue;
    for (let v = r.first.value; v <= r.last.value; v++) {
      const s = formatIP({ family: r.first.family, value: v } as IP);
      if (!used.has(s)) return s;
    }
  }
  return undefined;
}
