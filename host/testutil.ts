// Helpers for root tests: unique namespace prefixes and cleanup of everything under a prefix.
import { randomBytes } from 'node:crypto';
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
