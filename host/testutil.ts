// Helpers for tests and benchmarks: unique namespace prefixes, cleanup of everything under a prefix,
// a free port on 127.0.0.1.
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { createServer, type AddressInfo } from 'node:net';
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

/** A port on 127.0.0.1 that was free a moment ago (bound to port 0, then released), for a child process to listen on. */
export async function freeLocalPort(proto: 'tcp' | 'udp' = 'tcp'): Promise<number> {
  if (proto === 'udp') {
    const s = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, '127.0.0.1', () => resolve());
    });
    const { port } = s.address();
    await new Promise<void>((resolve) => s.close(() => resolve()));
    return port;
  }
  const srv = createServer();
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = srv.address() as AddressInfo;
  await new Promise((resolve) => srv.close(resolve));
  return port;
}
