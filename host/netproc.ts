// Long-running helper processes of ours inside a namespace (`ip netns exec NS node …`), started
// and stopped by pid. `detached` ones outlive this process (the fake internet's servers); the
// others exit when their stdin closes, i.e. when we go away.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync } from 'node:fs';
import { PodnetError } from '../api/errors.js';

export interface NetnsProcess {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Runs argv in `netns` and resolves when it prints "ready" on stdout. */
export function startInNetns(netns: string, argv: readonly string[], opts: { detached?: boolean; logFile?: string } = {}): Promise<NetnsProcess> {
  const log = opts.logFile ? openSync(opts.logFile, 'a') : undefined;
  const child: ChildProcess = spawn('ip', ['netns', 'exec', netns, ...argv], {
    stdio: [opts.detached ? 'ignore' : 'pipe', 'pipe', log ?? 'pipe'],
    detached: opts.detached ?? false,
  });
  if (log !== undefined) closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr?.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (!out.includes('ready\n')) return;
      child.stdout!.removeAllListeners('data');
      if (opts.detached) {
        child.stdout!.destroy();
        child.stderr?.destroy();
        child.unref();
      } else child.stdout!.resume();
      resolve({ pid: child.pid!, stop: () => killPid(child.pid!) });
    });
    child.once('error', (e) => reject(new PodnetError('HOST_EXEC_FAILED', `host: cannot start ${argv[0]} in netns "${netns}": ${e.message}`)));
    child.once('exit', (code) => reject(new PodnetError('HOST_EXEC_FAILED', `host: ${argv.join(' ')} in netns "${netns}" exited (${code}) before it was ready: ${err.trim()}`)));
  });
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** SIGTERM, then SIGKILL if it is still there after a grace period; tolerates "already gone". */
export async function killPid(pid: number, graceMs = 2000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // exited meanwhile
  }
}
