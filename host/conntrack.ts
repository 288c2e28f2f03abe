// conntrack entries inside a node's namespace: flushed when an endpoint goes away so that UDP
// "connections" (DNS!) stop going to the dead backend.
import { spawn } from 'node:child_process';
import { run } from './exec.js';
import { PodnetError } from '../api/errors.js';

/** Deletes entries whose original or reply tuple involves `ip`; returns how many went. */
export async function flushConntrackForIP(netns: string, ip: string, opts: { proto?: 'udp' | 'tcp' } = {}): Promise<number> {
  let total = 0;
  for (const dir of ['--orig-dst', '--reply-src'] as const) {
    const args = ['-D', dir, ip];
    if (opts.proto) args.push('-p', opts.proto);
    const r = await run('conntrack', args, { netns });
    // conntrack exits 1 with "0 flow entries have been deleted" when nothing matched.
    const m = /(\d+) flow entries have been deleted/.exec(r.stderr);
    if (r.code !== 0 && !m) throw new PodnetError('HOST_COMMAND_FAILED', `host: conntrack -D ${dir} ${ip} in "${netns}" failed: ${r.stderr.trim()}`);
    total += m ? Number(m[1]) : 0;
  }
  return total;
}

export interface ConntrackEntry {
  readonly proto: string;
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly replySrc?: string;
  readonly replyDst?: string;
}

/** Lists entries (for tests and `observe`); `-o extended` text parsed into tuples. */
export async function listConntrack(netns: string): Promise<ConntrackEntry[]> {
  const r = await run('conntrack', ['-L'], { netns });
  if (r.code !== 0) throw new PodnetError('HOST_COMMAND_FAILED', `host: conntrack -L in "${netns}" failed: ${r.stderr.trim()}`);
  return r.stdout.split('\n').filter(Boolean).map(parseConntrackLine).filter((e): e is ConntrackEntry => e !== undefined);
}

export function parseConntrackLine(line: string): ConntrackEntry | undefined {
  const proto = /^(\w+)/.exec(line)?.[1];
  const all = (k: string) => [...line.matchAll(new RegExp(`\\b${k}=(\\S+)`, 'g'))].map((m) => m[1]!);
  const src = all('src');
  const dst = all('dst');
  const sport = all('sport');
  const dport = all('dport');
  if (!proto || !src[0] || !dst[0]) return undefined;
  return {
    proto,
    src: src[0],
    dst: dst[0],
    sport: sport[0] ? Number(sport[0]) : undefined,
    dport: dport[0] ? Number(dport[0]) : undefined,
    replySrc: src[1],
    replyDst: dst[1],
  };
}

export interface ConntrackEvent extends ConntrackEntry {
  /** NEW, UPDATE or DESTROY. */
  readonly type: string;
}

export interface ConntrackWatch {
  readonly pid: number;
  stop(): Promise<void>;
}

/** Streams conntrack events (`conntrack -E`) of a namespace to `onEvent` until stopped. */
export function watchConntrack(netns: string, onEvent: (e: ConntrackEvent) => void, opts: { types?: readonly string[] } = {}): Promise<ConntrackWatch> {
  const args = ['netns', 'exec', netns, 'conntrack', '-E', '-b', '1048576'];
  if (opts.types?.length) args.push('-e', opts.types.join(','));
  const child = spawn('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  child.stdout.on('data', (b: Buffer) => {
    buf += b.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      const m = /^\[(\w+)\]\s+(.*)$/.exec(line);
      const entry = m ? parseConntrackLine(m[2]!) : undefined;
      if (m && entry) onEvent({ ...entry, type: m[1]! });
    }
  });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    child.once('error', (e) => reject(new PodnetError('HOST_EXEC_FAILED', `host: cannot run conntrack -E in "${netns}": ${e.message}`)));
    // conntrack -E prints nothing until the first event, so there is no "subscribed" signal:
    // events in the first moments after spawn may be missed.
    child.once('spawn', () => setImmediate(() => resolve({ pid: child.pid!, stop })));
  });
}
