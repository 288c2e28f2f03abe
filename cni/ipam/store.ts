// Where IPAM keeps its allocations: one small interface (like host-local's disk backend), a disk
// implementation for the plugin and an in-memory one for unit tests.

export interface Allocation {
  readonly ip: string;
  readonly containerID: string;
  readonly ifname: string;
}

export interface IpamStore {
  /** Runs `fn` holding the store's exclusive lock (across processes for the disk store). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  /** Records ip for the attachment; false when ip is already taken. */
  reserve(containerID: string, ifname: string, ip: string, rangeID: string): Promise<boolean>;
  /** The last address handed out from the range (the allocation cursor). */
  lastReservedIP(rangeID: string): Promise<string | undefined>;
  /** Frees every address of the attachment; returns them. */
  releaseByID(containerID: string, ifname: string): Promise<string[]>;
  /** Addresses held by the attachment. */
  getByID(containerID: string, ifname: string): Promise<string[]>;
  /** Every allocation. */
  list(): Promise<Allocation[]>;
}

/** In-memory store, for tests; the lock serialises within this process. */
export class MemoryStore implements IpamStore {
  private readonly byIP = new Map<string, { containerID: string; ifname: string }>();
  private readonly cursors = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();

  withLock<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }
  async reserve(containerID: string, ifname: string, ip: string, rangeID: string): Promise<boolean> {
    if (this.byIP.has(ip)) return false;
    this.byIP.set(ip, { containerID, ifname });
    this.cursors.set(rangeID, ip);
    return true;
  }
  async lastReservedIP(rangeID: string): Promise<string | undefined> {
    return this.cursors.get(rangeID);
  }
  async releaseByID(containerID: string, ifname: string): Promise<string[]> {
    const ips = await this.getByID(containerID, ifname);
    for (const ip of ips) this.byIP.delete(ip);
    return ips;
  }
  async getByID(containerID: string, ifname: string): Promise<string[]> {
    return [...this.byIP].filter(([, a]) => a.containerID === containerID && a.ifname === ifname).map(([ip]) => ip);
  }
  async list(): Promise<Allocation[]> {
    return [...this.byIP].map(([ip, a]) => ({ ip, ...a }));
  }
}
