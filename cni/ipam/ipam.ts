// podnet's built-in IPAM (`ipam.type: "podnet-ipam"`), run in-process by podnet-cni: host-local
// semantics on the disk store. Other `ipam.type`s are delegated to the binary of that name.
import { formatIP, parseIP, cidrContains } from '../../api/ip.js';
import { PodnetError } from '../../api/errors.js';
import { parseIpamConfig, type IpamConfig } from './config.js';
import { DiskStore } from './disk.js';
import { allocate, releaseUnlistedAllocations } from './allocator.js';
import type { IpamStore, Allocation } from './store.js';
import { CniError, CniCode, type CniIPConfig, type CniRoute, type Attachment } from '../spec.js';

export const BUILTIN_IPAM = 'podnet-ipam';

export interface IpamResult {
  readonly ips: CniIPConfig[];
  readonly routes: CniRoute[];
}

export function storeFor(cfg: IpamConfig, network: string): IpamStore {
  return new DiskStore(cfg.dataDir, network);
}

/** Allocates one address per range set (or returns those already held by the attachment). */
export async function ipamAdd(store: IpamStore, cfg: IpamConfig, containerID: string, ifname: string): Promise<IpamResult> {
  try {
    return await store.withLock(async () => {
      const ips: CniIPConfig[] = [];
      for (const set of cfg.rangeSets) {
        const a = await allocate(store, set, containerID, ifname);
        ips.push({ address: `${a.ip}/${a.range.subnet.prefix}`, gateway: formatIP(a.range.gateway) });
      }
      return { ips, routes: cfg.routes.map((r) => ({ ...r })) };
    });
  } catch (e) {
    if (e instanceof PodnetError && e.code === 'IPAM_RANGE_EXHAUSTED') throw new CniError(CniCode.RangeExhausted, e.message);
    throw e;
  }
}

export async function ipamDel(store: IpamStore, containerID: string, ifname: string): Promise<string[]> {
  return store.withLock(() => store.releaseByID(containerID, ifname));
}

/** Releases allocations of attachments not in `valid`; returns the released allocations. */
export async function ipamGC(store: IpamStore, valid: readonly Attachment[]): Promise<Allocation[]> {
  return store.withLock(() => releaseUnlistedAllocations(store, valid));
}

/** Whether an address could still be handed out (STATUS). */
export async function ipamHasFree(store: IpamStore, cfg: IpamConfig): Promise<boolean> {
  const used = (await store.list()).map((a) => parseIP(a.ip));
  for (const set of cfg.rangeSets) {
    let free = false;
    for (const r of set) {
      const total = r.end.value - r.start.value + 1n - (r.gateway.value >= r.start.value && r.gateway.value <= r.end.value ? 1n : 0n);
      const usedHere = used.filter((ip) => cidrContains(r.subnet, ip) && ip.value >= r.start.value && ip.value <= r.end.value).length;
      if (BigInt(usedHere) < total) free = true;
    }
    if (!free) return false;
  }
  return true;
}

export { parseIpamConfig };
