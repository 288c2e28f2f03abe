// A pod's own hostname: a persistent UTS namespace bound to a file (as `ip netns add` binds a
// netns), so it needs no holder process, survives a kubelet restart and is found again by path.
// Container processes, exec and attach enter it with `nsenter --uts=<file>`.
import fs from 'node:fs';
import path from 'node:path';
import { PodnetError } from '../api/errors.js';
import { run, runOk } from '../host/exec.js';

/** True when `file` has a namespace bound onto it (a bind mount has another device than its folder). */
export function utsMounted(file: string): boolean {
  try {
    return fs.statSync(file).dev !== fs.statSync(path.dirname(file)).dev;
  } catch {
    return false;
  }
}

/** Creates (or adopts) the UTS namespace at `file` and makes sure its hostname is `hostname`. */
export async function ensureUts(file: string, hostname: string): Promise<void> {
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,62})$/.test(hostname)) {
    throw new PodnetError('KUBELET_BAD_HOSTNAME', `kubelet: hostname "${hostname}" is not a valid hostname`);
  }
  if (utsMounted(file)) {
    if ((await runOk('nsenter', [`--uts=${file}`, 'hostname'])).trim() === hostname) return;
    await runOk('nsenter', [`--uts=${file}`, 'hostname', hostname]);
    return;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, '');
  const r = await run('unshare', [`--uts=${file}`, 'hostname', hostname]);
  if (r.code !== 0) {
    await removeUts(file);
    throw new PodnetError('KUBELET_UTS_FAILED', `kubelet: cannot create the UTS namespace "${file}": ${r.stderr.trim()}`);
  }
}

/** Unbinds and removes the namespace file; nothing happens when there is none. */
export async function removeUts(file: string): Promise<void> {
  if (utsMounted(file)) {
    const r = await run('umount', [file]);
    if (r.code !== 0 && utsMounted(file)) {
      throw new PodnetError('KUBELET_UTS_FAILED', `kubelet: cannot unmount the UTS namespace "${file}": ${r.stderr.trim()}`);
    }
  }
  fs.rmSync(file, { force: true });
}

/** argv that runs `argv` inside the UTS namespace at `file` (unchanged without one). */
export function utsArgv(file: string | undefined, argv: readonly string[]): string[] {
  return file ? ['nsenter', `--uts=${file}`, '--', ...argv] : [...argv];
}
