// `podnet observe` (flows like `hubble observe`) and `podnet ui` (the map's address), both reading
// the running daemon's observe URL from $PODNET_HOME/clusters/<name>/status.json (`ui`).
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, UsageError, type FlagSpecs } from '../cli/args.js';
import { PodnetError } from '../api/errors.js';
import { flowRow, formatTable, TABLE_HEADER } from './format.js';
import { parseSince } from './filter.js';
import type { Flow } from './types.js';
import type { ProbeResult } from './prober.js';
import { probeMatrixRows, probeSources } from './probeformat.js';

export interface CommandIO {
  out(line: string): void;
  err(line: string): void;
}

const FLAGS: FlagSpecs = {
  name: { type: 'string', default: 'podnet', help: 'cluster name' },
  url: { type: 'string', help: 'observe URL (default: the cluster status file\'s "ui")' },
  follow: { type: 'boolean', short: 'f', help: 'keep printing new flows' },
  namespace: { type: 'string', short: 'n', help: 'flows from or to this namespace' },
  pod: { type: 'string', help: 'flows from or to this pod (NAME or NS/NAME)' },
  service: { type: 'string', help: 'flows through this Service (NAME or NS/NAME)' },
  verdict: { type: 'string', help: 'forwarded | dropped | rejected' },
  protocol: { type: 'string', help: 'TCP | UDP | SCTP | DNS | HTTP' },
  since: { type: 'string', help: 'only flows newer than this (5m, 30s, or an ISO time)' },
  last: { type: 'number', help: 'only the last N flows' },
  output: { type: 'string', short: 'o', default: 'table', help: 'table | json' },
  probes: { type: 'boolean', help: 'the latest pod-to-pod latency probes as a node × node matrix, instead of flows' },
};

/** The daemon's observe URL, from status.json. */
export async function observeURL(cluster: string): Promise<string> {
  const home = resolve(process.env.PODNET_HOME || join(homedir(), '.podnet'));
  const file = join(home, 'clusters', cluster, 'status.json');
  let status: { ui?: string };
  try {
    status = JSON.parse(await readFile(file, 'utf8')) as { ui?: string };
  } catch (err) {
    throw new PodnetError('OBSERVE_NO_CLUSTER', `observe: cannot read "${file}": is cluster "${cluster}" up? (${(err as Error).message})`);
  }
  if (!status.ui) throw new PodnetError('OBSERVE_NO_UI', `observe: cluster "${cluster}" has no observe URL in "${file}"`);
  return status.ui;
}

function queryOf(flags: Record<string, unknown>): URLSearchParams {
  const q = new URLSearchParams();
  for (const k of ['namespace', 'pod', 'service', 'verdict', 'protocol'] as const) if (typeof flags[k] === 'string') q.set(k, flags[k] as string);
  // Resolved here so that "5m" means five minutes before this command, not before the server reads it.
  if (typeof flags.since === 'string') q.set('since', new Date(parseSince(flags.since)).toISOString());
  if (typeof flags.last === 'number') q.set('limit', String(flags.last));
  if (flags.follow) q.set('follow', '1');
  return q;
}

export async function observeCommand(argv: readonly string[], io: CommandIO, opts: { signal?: AbortSignal } = {}): Promise<number> {
  let flags: Record<string, unknown>;
  try {
    flags = parseArgs(argv, FLAGS).flags;
    if (flags.output !== 'table' && flags.output !== 'json') throw new UsageError(`observe: unknown output "${flags.output}": use table or json`);
    const base = typeof flags.url === 'string' ? flags.url : await observeURL(String(flags.name));
    if (flags.probes) return await printProbes(base, flags.output === 'json', io);
    const url = new URL(`/api/flows?${queryOf(flags)}`, base);
    const res = await fetch(url, opts.signal ? { signal: opts.signal } : {});
    if (res.status !== 200) {
      io.err(`observe: ${url.pathname} answered ${res.status}: ${((await res.json().catch(() => ({}))) as { error?: string }).error ?? ''}`);
      return 1;
    }
    const json = flags.output === 'json';
    const rows: string[][] = [];
    let headerDone = false;
    const print = (line: string) => {
      if (json) return io.out(line);
      const f = JSON.parse(line) as Flow;
      if (!flags.follow) return void rows.push(flowRow(f));
      // Following: no column widths to wait for; print each row as it comes with a fixed header.
      if (!headerDone) io.out(TABLE_HEADER.join('  '));
      headerDone = true;
      io.out(flowRow(f).join('  '));
    };
    let buf = '';
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl);
          buf = buf.slice(nl + 1);
          if (line) print(line);
        }
      }
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
    }
    if (!json && !flags.follow) {
      if (rows.length === 0) io.err('observe: no flows match');
      else for (const l of formatTable([TABLE_HEADER, ...rows])) io.out(l);
    }
    return 0;
  } catch (err) {
    io.err((err as Error).message);
    return err instanceof UsageError || err instanceof SyntaxError ? 2 : 1;
  }
}

async function printProbes(base: string, json: boolean, io: CommandIO): Promise<number> {
  const res = await fetch(new URL('/api/probes', base));
  const body = (await res.json()) as { intervalMs: number; results: ProbeResult[]; error?: string };
  if (res.status !== 200) {
    io.err(`observe: /api/probes answered ${res.status}: ${body.error ?? ''}`);
    return 1;
  }
  if (json) {
    for (const r of body.results) io.out(JSON.stringify(r));
    return 0;
  }
  if (body.results.length === 0) {
    io.err(body.intervalMs ? `observe: no probe results yet (a round every ${body.intervalMs / 1000} s)` : 'observe: latency probes are off here');
    return 0;
  }
  for (const l of formatTable(probeMatrixRows(body.results))) io.out(l);
  io.out(`probing from ${probeSources(body.results).join(', ')}; TCP handshake round trips, a round every ${body.intervalMs / 1000} s`);
  return 0;
}

/** `podnet ui`: prints the map's URL (the user opens it; podnet starts no browser as root). */
export async function uiCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const { flags } = parseArgs(argv, { name: FLAGS.name! });
    io.out(await observeURL(String(flags.name)));
    return 0;
  } catch (err) {
    io.err((err as Error).message);
    return 1;
  }
}
