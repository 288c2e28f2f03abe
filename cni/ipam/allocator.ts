// host-local's allocation rule: continue after the last reserved address, wrap around at the end
// of the range, skip the gateway, take the first free one. Re-running ADD for the same attachment
// returns the address it already holds.
import { parseIP, formatIP, nthIP, indexInCIDR, ipEquals, compareIP, cidrContains, type IP } from '../../api/ip.js';
import { PodnetError } from '../../api/errors.js';
import type { IpRange } from './config.js';
import type { IpamStore, Allocation } from './store.js';

export interface Allocated {
  readonly ip: string;
  readonly range: IpRange;
}

function next(range: IpRange, ip: IP): IP {
  if (compareIP(ip, range.end) >= 0) return range.start;
  return nthIP(range.subnet, indexInCIDR(range.subnet, ip) + 1n);
}

/** Allocates one address from the range set for the attachment; call inside store.withLock. */
export async function allocate(store: IpamStore, set: readonly IpRange[], containerID: string, ifname: string): Promise<Allocated> {
  const held = await store.getByID(containerID, ifname);
  for (const h of held) {
    const ip = parseIP(h);
    const range = set.find((r) => cidrContains(r.subnet, ip));
    if (range) return { ip: h, range };
  }
  for (const range of set) {
    const last = await store.lastReservedIP(range.id);
    const lastIP = last ? parseIP(last) : undefined;
    const begin = lastIP && cidrContains(range.subnet, lastIP) && compareIP(lastIP, range.start) >= 0 && compareIP(lastIP, range.end) <= 0 ? next(range, lastIP) : range.start;
    let ip = begin;
    do {
      if (!ipEquals(ip, range.gateway) && (await store.reserve(containerID, ifname, formatIP(ip), range.id))) return { ip: formatIP(ip), range };
      ip = next(range, ip);
    } while (!ipEquals(ip, begin));
  }
  const text = set.map((r) => r.text).join('", "');
  throw new PodnetError('IPAM_RANGE_EXHAUSTED', `ipam: Cannot allocate an IP from "${text}": the range is exhausted`);
}

/** Releases every allocation not held by one of `valid` (GC); returns the released addresses. */
export async function releaseUnlisted(store: IpamStore, valid: readonly { containerID: string; ifname: string }[]): Promise<string[]> {
  return (await releaseUnlistedAllocations(store, valid)).map((a) => a.ip);
}

/** As releaseUnlisted, returning the released allocations (so GC can find their links too). */
export async function releaseUnlistedAllocations(store: IpamStore, valid: readonly { containerID: string; ifname: string }[]): Promise<Allocation[]> {
  const keep = new Set(valid.map((v) => `${v.containerID}\u0000${v.ifname}`));
  const released: Allocation[] = [];
  for (const a of await store.list()) {
    if (keep.has(`${a.containerID}\u0000${a.ifname}`)) continue;
    await store.releaseByID(a.containerID, a.ifname);
    released.push(a);
  }
  return released;
}
