// Helpers for tests and benchmarks: unique namespace prefixes, cleanup of everything under a prefix,
// a free port on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { listNetns, deleteNetns, netnsPids } from './netns.js';

/** A unique test prefix `pn-t<random>-` for namespace names. */
export function testPrefix(): string {
  return `pn-t${randomBytes(3).toString('hex')}-`;
}

/** Kills the processes inside, then deletes, every namespace whose name starts with `prefix`. */
export async function cleanupNetnsPrefix(prefix: string): Promise<void> {
  if (!prefix.startsWith('pn-t')) throw new Error(`refusing to clean up "${prefix}": not a test prefix`);
  for (const ns of await listNetns(prefix)) {
    for (const pid of await netnsPids(ns)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await deleteNetns(ns);
  }
}

/**
 * A port on 127.0.0.1 that is free for both TCP and UDP right now, for a server (or a child process)
 * to listen on next. It is picked at random below the kernel's ephemeral range: a port bound to 0
 * and released comes from that range, where any outgoing connection of a concurrent test can take
 * it before the caller binds it (seen as EADDRINUSE in full parallel runs).
 */
export async function freeLocalPort(): Promise<number> {
  const low = Math.max(10000, Math.min(ephemeralLow() - 1, 32767));
  const base = Math.max(1024, low - 12000);
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = base + Math.floor(Math.random() * (low - base));
    if ((await canBind('tcp', port)) && (await canBind('udp', port))) return port;
  }
  throw new Error(`no free port on 127.0.0.1 between ${base} and ${low}`);
}

function ephemeralLow(): number {
  try {
    return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
  } catch {
    return 32768;
  }
}

async function canBind(proto: 'tcp' | 'udp', port: number): Promise<boolean> {
  if (proto === 'udp') {
    const s = createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => (ok ? s.close(() => resolve()) : resolve()));
    return ok;
  }
  const srv = createServer();
  const ok = await new Promise<boolean>((resolve) => {
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => resolve(true));
  });
  if (ok) await new Promise((resolve) => srv.close(resolve));
  return ok;
}
