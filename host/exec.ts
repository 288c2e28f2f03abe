// The one place podnet runs host commands (ip, nft, conntrack, nsenter, unshare, iptables-restore).
// Commands inside a network namespace run as `ip netns exec NS cmd …` so nothing touches the host's
// own namespace by accident: callers must name the namespace they mean.
import { spawn } from 'node:child_process';
import { PodnetError } from '../api/errors.js';

export interface RunOptions {
  /** Network namespace (as in `ip netns list`) to run in; undefined runs in the caller's namespace. */
  readonly netns?: string;
  /** Bytes for stdin (e.g. an `nft -f -` script). */
  readonly input?: string | Uint8Array;
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command and collects its output; never throws for a non-zero exit (see runOk). */
export function run(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  const argv = opts.netns ? ['ip', ['netns', 'exec', opts.netns, cmd, ...args]] as const : [cmd, args] as const;
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv[1] as string[], { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timer: NodeJS.Timeout | undefined;
    if (opts.timeoutMs) timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs);
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(new PodnetError('HOST_EXEC_FAILED', `host: cannot run "${cmd}": ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString() });
    });
    child.stdin.on('error', () => {});
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs a command and throws PodnetError HOST_COMMAND_FAILED with its stderr when it exits non-zero. */
export async function runOk(cmd: string, args: readonly string[], opts: RunOptions = {}): Promise<string> {
  const r = await run(cmd, args, opts);
  if (r.code !== 0) {
    const where = opts.netns ? ` in netns "${opts.netns}"` : '';
    throw new PodnetError('HOST_COMMAND_FAILED', `host: "${cmd} ${args.join(' ')}"${where} failed (exit ${r.code}): ${r.stderr.trim() || r.stdout.trim()}`, {
      details: { code: r.code, stderr: r.stderr },
    });
  }
  return r.stdout;
}

/** True when running as root with the privileges podnet's data plane needs. */
export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Root tests run only as root and not under `scripts/test.sh unit`. */
export function rootTestsEnabled(): boolean {
  return isRoot() && !process.env.PODNET_SKIP_ROOT_TESTS;
}
