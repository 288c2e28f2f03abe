// A small SPDY/3.1 server session, enough for what kubectl speaks for exec, attach and port-forward:
// the client opens streams (SYN_STREAM with k8s headers such as streamtype/port/requestID), the
// server replies and both sides exchange DATA; PING is echoed; flow control is not enforced because
// the peers kubectl talks to (and kubectl itself) never wait for window updates.
import { Duplex } from 'node:stream';
import { EventEmitter } from 'node:events';
import * as zlib from 'node:zlib';

/** The SPDY/3 header-compression dictionary (spec §2.6.10.1): length-prefixed words, then a raw tail. */
const DICT_WORDS = [
  'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding', 'accept-language',
  'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection', 'content-base', 'content-encoding',
  'content-language', 'content-length', 'content-location', 'content-md5', 'content-range', 'content-type', 'date', 'etag',
  'expect', 'expires', 'from', 'host', 'if-match', 'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since',
  'last-modified', 'location', 'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer',
  'retry-after', 'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
  'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie', 'keep-alive', 'origin',
];
const DICT_TAIL =
  '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
  '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
  '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
  'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
  'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
  'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';

export const SPDY_DICTIONARY: Buffer = Buffer.concat([
  ...DICT_WORDS.map((w) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(w.length);
    return Buffer.concat([len, Buffer.from(w, 'latin1')]);
  }),
  Buffer.from(DICT_TAIL, 'latin1'),
]);

export const FrameType = { SYN_STREAM: 1, SYN_REPLY: 2, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, HEADERS: 8, WINDOW_UPDATE: 9 } as const;
const FLAG_FIN = 0x01;
const MAX_DATA = 64 * 1024;

/**
 * SPDY compresses every header block of one direction as one zlib stream (with the dictionary),
 * flushed after each block. Node has no synchronous streaming inflate, so the receiver keeps the
 * compressed bytes so far and re-inflates them, returning only the new output: header blocks are a
 * few per stream and tiny, so the repeated work stays small.
 */
function headerInflater(): (block: Buffer) => Buffer {
  let input = Buffer.alloc(0);
  let produced = 0;
  return (block) => {
    if (block.length === 0) return Buffer.alloc(0);
    input = Buffer.concat([input, block]);
    const out = zlib.inflateSync(input, { dictionary: SPDY_DICTIONARY, finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const fresh = out.subarray(produced);
    produced = out.length;
    return fresh;
  };
}

/**
 * The sender's context: a real zlib deflater (kubectl's reader checks that each header block ends
 * exactly where a sync flush puts it). Node's deflater is asynchronous, so frames leave through a
 * queue that keeps them in order.
 */
function headerDeflater(): (block: Buffer) => Promise<Buffer> {
  const engine = zlib.createDeflate({ dictionary: SPDY_DICTIONARY });
  const chunks: Buffer[] = [];
  engine.on('data', (c: Buffer) => chunks.push(c));
  return (block) =>
    new Promise((resolve, reject) => {
      engine.write(block);
      engine.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        const out = Buffer.concat(chunks);
        chunks.length = 0;
        if (out.length === 0) reject(new Error('spdy: header compression produced nothing'));
        else resolve(out);
      });
    });
}

export function encodeHeaderBlock(headers: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n);
    return b;
  };
  const entries = Object.entries(headers);
  parts.push(u32(entries.length));
  for (const [k, v] of entries) {
    const kb = Buffer.from(k.toLowerCase());
    const vb = Buffer.from(v);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return Buffer.concat(parts);
}

/** Header names are lowercase; a value with NULs carries several values (the first is kept). */
export function decodeHeaderBlock(raw: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let off = 0;
  const need = (n: number) => {
    if (off + n > raw.length) throw new RangeError('spdy: header block is truncated');
  };
  need(4);
  const count = raw.readUInt32BE(off);
  off += 4;
  for (let i = 0; i < count; i++) {
    need(4);
    const kl = raw.readUInt32BE(off);
    off += 4;
    need(kl);
    const k = raw.subarray(off, off + kl).toString().toLowerCase();
    off += kl;
    need(4);
    const vl = raw.readUInt32BE(off);
    off += 4;
    need(vl);
    const v = raw.subarray(off, off + vl).toString();
    off += vl;
    out[k] = v.split('\0')[0]!;
  }
  return out;
}

export function controlFrame(type: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt16BE(0x8000 | 3, 0);
  head.writeUInt16BE(type, 2);
  head.writeUInt32BE(((flags & 0xff) << 24) | (payload.length & 0xffffff), 4);
  return Buffer.concat([head, payload]);
}

export function dataFrame(streamId: number, flags: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(streamId & 0x7fffffff, 0);
  head.writeUInt32BE(((flags & 0xff) << 24) | (payload.length & 0xffffff), 4);
  return Buffer.concat([head, payload]);
}

/** Where the session's bytes go: a raw socket, or WebSocket binary messages (the 1.31+ tunnel). */
export interface SpdyTransport {
  write(frame: Buffer): void;
  close(): void;
}

export class SpdyStream extends Duplex {
  private remoteClosed = false;
  private localClosed = false;

  constructor(
    private readonly session: SpdySession,
    readonly id: number,
    readonly headers: Record<string, string>,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    for (let off = 0; off < chunk.length; off += MAX_DATA) this.session.send(dataFrame(this.id, 0, chunk.subarray(off, off + MAX_DATA)));
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    if (!this.localClosed) {
      this.localClosed = true;
      this.session.send(dataFrame(this.id, FLAG_FIN, Buffer.alloc(0)));
    }
    cb();
  }

  /** Internal: data from the peer. */
  receive(data: Buffer, fin: boolean): void {
    if (this.remoteClosed) return;
    if (data.length > 0) this.push(data);
    if (fin) {
      this.remoteClosed = true;
      this.push(null);
    }
  }

  reset(): void {
    this.remoteClosed = true;
    this.localClosed = true;
    this.push(null);
    this.destroy();
  }
}

/**
 * The server side of one SPDY/3.1 connection. Emits 'stream' (SpdyStream) for every stream the
 * client opens, after replying to it; 'close' when the connection ends.
 */
export class SpdySession extends EventEmitter {
  private buffer: Buffer = Buffer.alloc(0);
  private readonly inflate = headerInflater();
  private readonly deflate = headerDeflater();
  readonly streams = new Map<number, SpdyStream>();
  private closed = false;

  constructor(private readonly transport: SpdyTransport) {
    super();
  }

  private out: Promise<void> = Promise.resolve();

  /** Queues a frame (or a frame still being compressed) behind every frame queued before it. */
  send(frame: Buffer | Promise<Buffer>): void {
    this.out = this.out.then(async () => {
      const bytes = await frame;
      if (!this.closed) this.transport.write(bytes);
    }).catch((err) => this.fail(err));
  }

  /** Resolves once every queued frame has been handed to the transport. */
  drained(): Promise<void> {
    return this.out;
  }

  /** Feeds bytes read from the connection. Protocol errors close the session. */
  receive(chunk: Buffer): void {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    try {
      while (this.buffer.length >= 8) {
        const length = this.buffer.readUInt32BE(4) & 0xffffff;
        if (this.buffer.length < 8 + length) break;
        const frame = this.buffer.subarray(0, 8 + length);
        this.buffer = this.buffer.subarray(8 + length);
        this.handle(frame);
      }
    } catch (err) {
      this.fail(err);
    }
  }

  /** A protocol error ends the connection; it is reported only to whoever listens for it. */
  private fail(err: unknown): void {
    if (this.listenerCount('error') > 0) this.emit('error', err);
    this.close();
  }

  private handle(frame: Buffer): void {
    const flags = frame[4]!;
    const payload = frame.subarray(8);
    if ((frame[0]! & 0x80) === 0) {
      const id = frame.readUInt32BE(0) & 0x7fffffff;
      this.streams.get(id)?.receive(payload, (flags & FLAG_FIN) !== 0);
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case FrameType.SYN_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        const headers = decodeHeaderBlock(this.inflate(payload.subarray(10)));
        const stream = new SpdyStream(this, id, headers);
        this.streams.set(id, stream);
        stream.on('close', () => this.streams.delete(id));
        this.send(this.deflate(encodeHeaderBlock({})).then((block) => controlFrame(FrameType.SYN_REPLY, 0, Buffer.concat([u32(id), block]))));
        this.emit('stream', stream);
        if ((flags & FLAG_FIN) !== 0) stream.receive(Buffer.alloc(0), true);
        return;
      }
      case FrameType.RST_STREAM: {
        const id = payload.readUInt32BE(0) & 0x7fffffff;
        this.streams.get(id)?.reset();
        return;
      }
      case FrameType.PING:
        this.send(controlFrame(FrameType.PING, 0, Buffer.from(payload)));
        return;
      case FrameType.GOAWAY:
        this.close();
        return;
      case FrameType.HEADERS:
        // Header updates still advance the shared compression context.
        this.inflate(payload.subarray(4));
        return;
      default:
        return; // SETTINGS, WINDOW_UPDATE: nothing to do without flow control
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.reset();
    this.streams.clear();
    this.transport.close();
    this.emit('close');
  }
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
}
