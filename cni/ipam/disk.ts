// IPAM allocations on disk, host-local style: <dataDir>/<network>/<ip> holds "containerID\r\nifname",
// last_reserved_ip.<range> the cursor, `lock` the cross-process lock. Writes go to a temp file and
// are renamed into place, so a crash never leaves a half-written allocation.
import { promises as fs, constants } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Allocation, IpamStore } from './store.js';

const LOCK_WAIT_MS = 30_000;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function fileNameOf(ip: string): string {
  // IPv6 addresses contain ':', which some filesystems dislike; host-local keeps them as-is on Linux.
  return ip;
}

export class DiskStore implements IpamStore {
  readonly dir: string;
  constructor(dataDir: string, network: string) {
    this.dir = join(dataDir, network);
  }

  private async acquire(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const lock = join(this.dir, 'lock');
    const deadline = Date.now() + LOCK_WAIT_MS;
    let delay = 2;
    for (;;) {
      try {
        const h = await fs.open(lock, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o600);
        await h.writeFile(String(process.pid));
        await h.close();
        return;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      // A holder that died (killed plugin) would block every later ADD; its pid tells us.
      const holder = Number(await fs.readFile(lock, 'utf8').catch(() => ''));
      if (holder > 0 && !pidAlive(holder)) {
        await fs.rm(lock, { force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`ipam: timed out waiting for the lock "${lock}" (held by pid ${holder || 'unknown'})`);
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 50);
    }
  }

  async withLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await fn();
    } finally {
      await fs.rm(join(this.dir, 'lock'), { force: true });
    }
  }

  private async writeAtomic(path: string, content: string): Promise<void> {
    const tmp = `${path}.tmp-${randomBytes(4).toString('hex')}`;
    await fs.writeFile(tmp, content, { mode: 0o644 });
    await fs.rename(tmp, path);
  }

  async reserve(containerID: string, ifname: string, ip: string, rangeID: string): Promise<boolean> {
    await fs.mkdir(this.dir, { recursive: true });
    const path = join(this.dir, fileNameOf(ip));
    try {
      // O_EXCL: an existing file is somebody else's address.
      const h = await fs.open(path, constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY, 0o644);
      await h.writeFile(`${containerID}\r\n${ifname}`);
      await h.close();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
    await this.writeAtomic(join(this.dir, `last_reserved_ip.${rangeID}`), ip);
    return true;
  }

  async lastReservedIP(rangeID: string): Promise<string | undefined> {
    const text = await fs.readFile(join(this.dir, `last_reserved_ip.${rangeID}`), 'utf8').catch(() => undefined);
    return text?.trim() || undefined;
  }

  async list(): Promise<Allocation[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const out: Allocation[] = [];
    for (const name of names) {
      if (name === 'lock' || name.startsWith('last_reserved_ip') || name.includes('.tmp-')) continue;
      const text = await fs.readFile(join(this.dir, name), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const [containerID = '', ifname = ''] = text.split(/\r?\n/);
      out.push({ ip: name, containerID: containerID.trim(), ifname: ifname.trim() });
    }
    return out;
  }

  async getByID(containerID: string, ifname: string): Promise<string[]> {
    return (await this.list()).filter((a) => a.containerID === containerID && a.ifname === ifname).map((a) => a.ip);
  }

  async releaseByID(containerID: string, ifname: string): Promise<string[]> {
    const ips = await this.getByID(containerID, ifname);
    for (const ip of ips) await fs.rm(join(this.dir, fileNameOf(ip)), { force: true });
    return ips;
  }
}
