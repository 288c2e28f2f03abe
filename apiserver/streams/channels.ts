// The WebSocket channel protocols (v5/v4/v3/v2/channel.k8s.io): every binary message starts with a
// channel byte — 0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize; v5 adds [255, channel] to
// close a channel. Port-forward uses channels 2i (data) and 2i+1 (error) for the i-th port, each
// opened by the server with the port as a little-endian uint16.
import { PassThrough, Writable } from 'node:stream';
import type { WebSocket } from 'ws';
import type { Context } from '../handler.js';
import { buildExecRequest, execFlags, exitStatus } from './exec.js';
import type { StreamRequest } from './upgrade.js';

export const CHANNEL_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'];

function channelWriter(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      if (ws.readyState !== ws.OPEN) return cb();
      ws.send(Buffer.concat([Buffer.from([channel]), chunk]), { binary: true }, () => cb());
    },
  });
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data as Buffer[]);
  return Buffer.from(data as ArrayBuffer);
}

export function execOverChannels(ctx: Context, r: StreamRequest, ws: WebSocket, protocol: string): void {
  const flags = execFlags(r);
  const abort = new AbortController();
  const stdin = flags.stdin ? new PassThrough() : undefined;
  const resizeListeners: ((s: { width: number; height: number }) => void)[] = [];
  ws.on('message', (raw) => {
    const msg = toBuffer(raw);
    if (msg.length === 0) return;
    const channel = msg[0]!;
    const body = msg.subarray(1);
    if (channel === 0) stdin?.write(body);
    else if (channel === 4) {
      try {
        const size = JSON.parse(body.toString()) as { Width?: number; Height?: number };
        for (const l of resizeListeners) l({ width: size.Width ?? 0, height: size.Height ?? 0 });
      } catch {
        // a malformed resize message is ignored, like the kubelet does
      }
    } else if (channel === 255 && body[0] === 0) stdin?.end();
  });
  ws.on('close', () => {
    stdin?.end();
    abort.abort();
  });
  const req = buildExecRequest(r, {
    stdin,
    stdout: flags.stdout ? channelWriter(ws, 1) : undefined,
    stderr: flags.stderr ? channelWriter(ws, 2) : undefined,
    onResize: flags.tty ? (l) => resizeListeners.push(l) : undefined,
    signal: abort.signal,
  });
  const structured = protocol === 'v4.channel.k8s.io' || protocol === 'v5.channel.k8s.io';
  ctx.podStreams!.exec(req).then(
    (res) => finish(res),
    (err: Error) => finish(err),
  );
  function finish(result: { exitCode: number } | Error) {
    if (ws.readyState !== ws.OPEN) return;
    const payload = structured ? JSON.stringify(exitStatus(result)) : result instanceof Error ? result.message : result.exitCode === 0 ? '' : `command terminated with exit code ${result.exitCode}`;
    const done = () => ws.close(1000);
    if (payload) ws.send(Buffer.concat([Buffer.from([3]), Buffer.from(payload)]), { binary: true }, done);
    else done();
  }
}

export function portForwardOverChannels(ctx: Context, r: StreamRequest, ws: WebSocket): void {
  const ports = r.query
    .getAll('ports')
    .flatMap((p) => p.split(','))
    .map((p) => Number(p.trim()))
    .filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  const abort = new AbortController();
  const portHeader = (channel: number, port: number) => {
    const b = Buffer.alloc(3);
    b[0] = channel;
    b.writeUInt16LE(port, 1);
    return b;
  };
  const conns = ports.map((port, i) => {
    ws.send(portHeader(2 * i, port), { binary: true });
    ws.send(portHeader(2 * i + 1, port), { binary: true });
    return ctx.podStreams!.portForward(r.namespace, r.pod, port, abort.signal).then(
      (conn) => {
        conn.on('data', (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(Buffer.concat([Buffer.from([2 * i]), chunk]), { binary: true }));
        conn.on('end', () => ws.close(1000));
        conn.on('error', () => ws.close(1000));
        return conn;
      },
      (err: Error) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([2 * i + 1]), Buffer.from(err.message)]), { binary: true });
        return undefined;
      },
    );
  });
  ws.on('message', (raw) => {
    const msg = toBuffer(raw);
    if (msg.length === 0) return;
    const channel = msg[0]!;
    const i = channel >> 1;
    if (channel % 2 !== 0 || !conns[i]) return;
    void conns[i]!.then((conn) => conn?.write(msg.subarray(1)));
  });
  ws.on('close', () => {
    abort.abort();
    for (const c of conns) void c.then((conn) => conn?.destroy());
  });
}
