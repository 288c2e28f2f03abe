// exec/attach and port-forward over a SPDY session, the way kubectl opens its streams: for exec an
// error stream plus one stream per standard stream (and resize with a tty); for port-forward an
// error and a data stream per connection, paired by requestid.
import type { Context } from '../handler.js';
import { buildExecRequest, execFlags, exitStatus } from './exec.js';
import type { SpdySession, SpdyStream } from './spdy.js';
import type { StreamRequest } from './upgrade.js';

/** Time allowed for the client to open all the streams it announced. */
const STREAM_WAIT_MS = 10_000;

export function execOverSpdy(ctx: Context, r: StreamRequest, session: SpdySession, protocol: string): void {
  const flags = execFlags(r);
  const expected = new Set(['error', ...(flags.stdin ? ['stdin'] : []), ...(flags.stdout ? ['stdout'] : []), ...(flags.stderr && !flags.tty ? ['stderr'] : []), ...(flags.tty ? ['resize'] : [])]);
  const streams = new Map<string, SpdyStream>();
  const abort = new AbortController();
  session.on('close', () => abort.abort());
  const timer = setTimeout(() => session.close(), STREAM_WAIT_MS);
  timer.unref();
  let started = false;
  session.on('stream', (s: SpdyStream) => {
    const type = s.headers['streamtype'] ?? '';
    streams.set(type, s);
    if (type === 'stdout' || type === 'stderr' || type === 'error') s.resume();
    if (!started && [...expected].every((t) => streams.has(t))) {
      started = true;
      clearTimeout(timer);
      void run();
    }
  });

  async function run() {
    const resize = streams.get('resize');
    const resizeListeners: ((s: { width: number; height: number }) => void)[] = [];
    if (resize) {
      // Resize events are a stream of JSON objects without separators.
      let pending = '';
      resize.on('data', (chunk: Buffer) => {
        pending += chunk.toString();
        let m: RegExpExecArray | null;
        while ((m = /^\s*(\{[^}]*\})/.exec(pending))) {
          pending = pending.slice(m[0].length);
          try {
            const size = JSON.parse(m[1]!) as { Width?: number; Height?: number };
            for (const l of resizeListeners) l({ width: size.Width ?? 0, height: size.Height ?? 0 });
          } catch {
            // ignored, like the kubelet does
          }
        }
      });
    }
    const req = buildExecRequest(r, {
      stdin: streams.get('stdin'),
      stdout: streams.get('stdout'),
      stderr: streams.get('stderr'),
      onResize: resize ? (l) => resizeListeners.push(l) : undefined,
      signal: abort.signal,
    });
    let result: { exitCode: number } | Error;
    try {
      result = await ctx.podStreams!.exec(req);
    } catch (err) {
      result = err instanceof Error ? err : new Error(String(err));
    }
    const error = streams.get('error')!;
    if (protocol === 'v4.channel.k8s.io') error.write(JSON.stringify(exitStatus(result)));
    else if (result instanceof Error) error.write(result.message);
    else if (result.exitCode !== 0) error.write(`command terminated with exit code ${result.exitCode}`);
    for (const t of ['stdout', 'stderr', 'error']) streams.get(t)?.end();
    // kubectl closes the connection once it has read everything; close it ourselves if it does not.
    setTimeout(() => session.close(), 5000).unref();
  }
}

export function portForwardOverSpdy(ctx: Context, r: StreamRequest, session: SpdySession): void {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  const abort = new AbortController();
  session.on('close', () => abort.abort());
  session.on('stream', (s: SpdyStream) => {
    const id = s.headers['requestid'] ?? '';
    const pair = pairs.get(id) ?? {};
    if (s.headers['streamtype'] === 'error') {
      pair.error = s;
      s.resume();
    } else if (s.headers['streamtype'] === 'data') pair.data = s;
    else return;
    pairs.set(id, pair);
    if (pair.error && pair.data) {
      pairs.delete(id);
      void forward(pair.error, pair.data, Number(s.headers['port']));
    }
  });

  async function forward(error: SpdyStream, data: SpdyStream, port: number) {
    if (!Number.isInteger(port) || port <= 0 || port > 65535) {
      error.end(`invalid port: "${port}"`);
      data.end();
      return;
    }
    try {
      const conn = await ctx.podStreams!.portForward(r.namespace, r.pod, port, abort.signal);
      data.pipe(conn);
      conn.pipe(data);
      const done = () => {
        error.end();
        data.end();
      };
      conn.on('end', done);
      conn.on('error', (err: Error) => {
        error.end(`an error occurred forwarding ${port} -> ${port}: ${err.message}`);
        data.end();
      });
      data.on('close', () => conn.destroy());
    } catch (err) {
      error.end(`an error occurred forwarding ${port} -> ${port}: ${(err as Error).message}`);
      data.end();
    }
  }
}
