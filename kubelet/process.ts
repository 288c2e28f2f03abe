// Container processes: spawned inside the pod's network namespace with `ip netns exec` (which also
// bind-mounts /etc/netns/<ns>/resolv.conf and hosts over /etc, so the process sees the pod's DNS)
// and the pod's UTS namespace (its hostname),
// in a process group of their own so a shell's children die with it.
import { spawn, type ChildProcess } from 'node:child_process';
import { utsArgv } from './uts.js';

export interface SpawnOptions {
  readonly env: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Keep a stdin pipe open (container stdin: true, exec with stdin). */
  readonly stdin: boolean;
  /** Run under `script` so the process gets a terminal. */
  readonly tty: boolean;
  /** The pod's UTS namespace file (its own hostname); undefined: the caller's. */
  readonly uts?: string;
}

/** Quotes argv for `sh -c` (script(1) takes one command string). */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * The argv run for a container command in `netns` (undefined: the caller's namespace) and UTS
 * namespace `uts`. nsenter comes first: `ip netns exec` makes a mount namespace of its own, and
 * the UTS file is a bind mount of the caller's.
 */
export function netnsArgv(netns: string | undefined, argv: readonly string[], tty: boolean, uts?: string): string[] {
  const inner = tty ? ['script', '-qfec', shellQuote(argv), '/dev/null'] : [...argv];
  return utsArgv(uts, netns ? ['ip', 'netns', 'exec', netns, ...inner] : inner);
}

export function spawnInNetns(netns: string | undefined, argv: readonly string[], o: SpawnOptions): ChildProcess {
  const [cmd, ...args] = netnsArgv(netns, argv, o.tty, o.uts);
  return spawn(cmd!, args, {
    cwd: o.cwd ?? '/',
    env: { ...o.env },
    stdio: [o.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

/** Signals the process group; false when it is already gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    try {
      process.kill(pid, signal);
      return true;
    } catch {
      return false;
    }
  }
}

/** The base environment of every container process (the daemon's own is not leaked in). */
export function baseEnv(): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOME: '/root',
    LANG: process.env.LANG ?? 'C.UTF-8',
  };
}
