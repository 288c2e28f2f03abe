// The fast HTTP/1.1 engine: a raw net.Server connection handler that parses request heads itself,
// writes the upstream request as one string to a pooled keep-alive connection and streams both
// bodies through unchanged (Content-Length, chunked or close-delimited), with backpressure both
// ways. It skips Node's http objects, which were most of the proxy's cost. Whatever the router
// does not give it a plan for (upgrades, auth, CORS, limits, rewrites, canaries, HTTP/1.0, …) is
// handed to the full http.Server pipeline with the bytes already read, at a request boundary; the
// connection then stays there.
import { HOP_BY_HOP } from './proxy.js';
import type { Socket } from 'node:net';
import type { Endpoint } from './backends.js';
import { ChunkedScanner } from './chunked.js';
import { HeadError, parseRequestHead, parseResponseHead, type RequestHead, type ResponseHead } from './h1parse.js';
import { SERVER_HEADER, pageResponse } from './pages.js';
import type { Upstream, UpstreamPool, UpstreamUser } from './upstream.js';

export interface FastPlan {
  /** The upstream request head, final empty line included. */
  readonly head: string;
  readonly pick: (exclude: ReadonlySet<string>) => Endpoint | undefined;
  /** In-flight accounting for least-request balancing; returns the matching "done". */
  readonly begin: (ep: Endpoint) => () => void;
  /** Request body bytes allowed (0 = unlimited); over it the answer is 413 and the connection closes. */
  readonly bodyLimit: number;
  readonly connectTimeoutMs: number;
  readonly sendTimeoutMs: number;
  readonly readTimeoutMs: number;
  readonly connectError: () => void;
  /** Exactly once per request, however it ended (499 = the client went away first). */
  readonly done: (status: number, endpoint: string, contentLength: string | undefined) => void;
}

export interface FastHooks {
  /** A plan for requests the fast engine may carry; undefined hands the connection over. */
  plan(head: RequestHead, socket: Socket): FastPlan | undefined;
  /** Gives the connection (with the bytes read but not used, this request's head first) to the full pipeline. */
  handoff(socket: Socket, buffered: Buffer): void;
  readonly pool: UpstreamPool;
}

const MAX_ATTEMPTS = 3;
/** Bytes read ahead of the request in progress (pipelining) before the client is paused. */
const READ_AHEAD = 64 * 1024;
const KEEP_ALIVE_S = 75;

const enum Req { Head, WaitUp, Body, Sent, Gone }
const enum Res { Wait, Body, Done }
const enum Framing { None, Length, Chunked, Close }

export class FastEngine {
  readonly connections = new Set<FastConnection>();
  closing = false;
  // One timer for every timeout of the engine (see Upstream.timeout for why).
  private readonly sweeper = setInterval(() => this.sweep(), 1000).unref();

  constructor(readonly hooks: FastHooks) {}

  private sweep(): void {
    this.hooks.pool.sweep();
    const tick = this.hooks.pool.tick;
    for (const c of this.connections) c.sweep(tick);
  }

  /** The net.Server 'connection' listener. */
  readonly accept = (socket: Socket): void => {
    if (this.closing) {
      socket.destroy();
      return;
    }
    this.connections.add(new FastConnection(this, socket));
  };

  /** Closes idle connections now and the others after their request (or after graceMs). */
  close(graceMs: number): void {
    this.closing = true;
    clearInterval(this.sweeper);
    for (const c of this.connections) c.closeWhenIdle(graceMs);
  }
}

class FastConnection implements UpstreamUser {
  private inbuf: Buffer | undefined;
  private req = Req.Head;
  private res = Res.Done;
  private head: RequestHead | undefined;
  private plan: FastPlan | undefined;
  private up: Upstream | undefined;
  private endBalance: (() => void) | undefined;
  private readonly tried = new Set<string>();
  private attempts = 0;
  private endpoint = '';
  private bodyLeft = 0;
  private reqChunks: ChunkedScanner | undefined;
  private bodyBytesSent = false;
  private resBuf: Buffer | undefined;
  private framing = Framing.None;
  private resLeft = 0;
  private resChunks: ChunkedScanner | undefined;
  private status = 0;
  private resLength: string | undefined;
  private closeAfter = false;
  private upReusable = true;
  private timedOut = false;
  private answerBytes = false;
  private staleRetries = 0;
  private clientEnded = false;
  private dead = false;
  /** Pool tick of the last client activity (for the keep-alive limit). */
  private active: number;

  constructor(private readonly engine: FastEngine, readonly socket: Socket) {
    this.active = engine.hooks.pool.tick;
    socket.on('data', this.onData);
    socket.on('drain', this.onDrain);
    socket.on('end', this.onEnd);
    socket.on('error', this.onError);
    socket.on('close', this.onClose);
  }

  closeWhenIdle(graceMs: number): void {
    if (this.req === Req.Head && !this.inbuf) this.socket.destroy();
    else {
      this.closeAfter = true;
      if (graceMs <= 0) this.socket.destroy();
      else setTimeout(() => this.socket.destroy(), graceMs).unref();
    }
  }

  // ---- client side ----

  /**
   * Keep-alive idle limit (and a head that never completes), checked once a second; while a
   * request is in flight the upstream's limits apply instead.
   */
  sweep(tick: number): void {
    // Gone: we closed our side; a client that never closes its own is cut off too.
    if ((this.req === Req.Head || this.req === Req.Gone) && tick - this.active > KEEP_ALIVE_S) this.socket.destroy();
  }

  private readonly onData = (d: Buffer): void => {
    this.active = this.engine.hooks.pool.tick;
    this.inbuf = this.inbuf ? Buffer.concat([this.inbuf, d]) : d;
    this.pump();
  };

  private readonly onDrain = (): void => {
    if (this.up && this.res === Res.Body) this.up.socket.resume();
  };

  private readonly onEnd = (): void => {
    this.clientEnded = true;
    // Like Node's http server (and nginx's default), a client that closes its side while a
    // request is in flight has given up on it: the upstream request is abandoned (499).
    if (this.req === Req.Head) this.socket.end();
    else this.socket.destroy();
  };

  private readonly onError = (): void => { /* 'close' follows */ };

  private readonly onClose = (): void => {
    this.dead = true;
    this.engine.connections.delete(this);
    this.dropUpstream();
    this.finish(this.status || 499);
  };

  /** Moves client bytes along: parses the next head, forwards body bytes, holds pipelined requests. */
  private pump(): void {
    for (;;) {
      if (this.dead) return;
      if (this.req === Req.Head) {
        if (!this.inbuf || !this.startRequest()) return;
      } else if (this.req === Req.Body) {
        if (!this.forwardBody()) return;
      } else {
        if (this.inbuf && this.inbuf.length > READ_AHEAD) this.socket.pause();
        return;
      }
    }
  }

  /** Parses a head from inbuf and starts the request; false when it must wait. */
  private startRequest(): boolean {
    const buf = this.inbuf!;
    const head = parseRequestHead(buf);
    if (head === undefined) return false;
    if (head instanceof HeadError) {
      this.socket.end(pageResponse(head.status, true));
      this.req = Req.Gone;
      return false;
    }
    const plan = this.engine.hooks.plan(head, this.socket);
    if (!plan) {
      this.handoff(buf);
      return false;
    }
    this.inbuf = buf.length > head.length ? buf.subarray(head.length) : undefined;
    this.head = head;
    this.plan = plan;
    this.closeAfter = this.closeAfter || head.connection.includes('close') || this.engine.closing;
    this.bodyLeft = head.contentLength > 0 ? head.contentLength : 0;
    this.reqChunks = head.chunked ? new ChunkedScanner() : undefined;
    this.tried.clear();
    this.attempts = 0;
    this.staleRetries = 0;
    this.status = 0;
    this.resLength = undefined;
    this.endpoint = '';
    this.tryUpstream();
    return true;
  }

  private handoff(buf: Buffer): void {
    const s = this.socket;
    s.removeListener('data', this.onData);
    s.removeListener('drain', this.onDrain);
    s.removeListener('end', this.onEnd);
    s.removeListener('error', this.onError);
    s.removeListener('close', this.onClose);
    this.engine.connections.delete(this);
    this.req = Req.Gone;
    this.inbuf = undefined;
    this.engine.hooks.handoff(s, buf);
  }

  /** Picks an endpoint not tried yet and gets a connection to it, or answers 503/502. */
  private tryUpstream(): void {
    const plan = this.plan!;
    const ep = this.attempts < MAX_ATTEMPTS ? plan.pick(this.tried) : undefined;
    if (!ep) {
      this.answer(this.tried.size === 0 ? 503 : 502);
      return;
    }
    this.attempts++;
    this.endpoint = ep.key;
    this.endBalance = plan.begin(ep);
    this.timedOut = false;
    this.upReusable = true;
    this.bodyBytesSent = false;
    this.answerBytes = false;
    this.res = Res.Wait;
    this.resBuf = undefined;
    const up = this.engine.hooks.pool.acquire(ep, this);
    this.up = up;
    if (up.connected) this.sendHead(up);
    else {
      this.req = Req.WaitUp;
      up.timeout(plan.connectTimeoutMs);
    }
  }

  private sendHead(up: Upstream): void {
    up.timeout(this.plan!.sendTimeoutMs);
    up.socket.write(this.plan!.head, 'latin1');
    const hasBody = this.bodyLeft > 0 || this.reqChunks !== undefined;
    this.req = hasBody ? Req.Body : Req.Sent;
    if (!hasBody) up.timeout(this.plan!.readTimeoutMs);
    this.pump();
  }

  /** Forwards body bytes from inbuf; true when the body is complete (the caller carries on). */
  private forwardBody(): boolean {
    const buf = this.inbuf;
    if (!buf) {
      if (this.clientEnded) this.socket.destroy();
      return false;
    }
    let n: number;
    let complete: boolean;
    if (this.reqChunks) {
      try {
        n = this.reqChunks.feed(buf);
      } catch {
        this.answer(400, true);
        return false;
      }
      complete = this.reqChunks.done;
      if (this.plan!.bodyLimit > 0 && this.reqChunks.dataBytes > this.plan!.bodyLimit) {
        this.answer(413, true);
        return false;
      }
    } else {
      n = Math.min(this.bodyLeft, buf.length);
      this.bodyLeft -= n;
      complete = this.bodyLeft === 0;
    }
    this.inbuf = n < buf.length ? buf.subarray(n) : undefined;
    this.bodyBytesSent = true;
    const up = this.up!;
    up.touch();
    const flowing = up.socket.write(n < buf.length ? buf.subarray(0, n) : buf);
    if (complete) {
      this.req = Req.Sent;
      if (this.res === Res.Wait) up.timeout(this.plan!.readTimeoutMs);
      if (this.res === Res.Done) this.complete();
      return !this.dead && (this.req as Req) === Req.Head;
    }
    if (!flowing) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
    return true;
  }

  // ---- upstream side ----

  upConnect(up: Upstream): void {
    if (up === this.up && this.req === Req.WaitUp) this.sendHead(up);
  }

  upDrain(up: Upstream): void {
    if (up === this.up && this.req === Req.Body) {
      this.socket.resume();
      this.pump();
    }
  }

  upTimeout(up: Upstream): void {
    if (up !== this.up) return;
    this.timedOut = true;
    up.socket.destroy();
  }

  upData(up: Upstream, d: Buffer): void {
    if (up !== this.up) return;
    this.answerBytes = true;
    if (this.res === Res.Wait) {
      const buf = this.resBuf ? Buffer.concat([this.resBuf, d]) : d;
      this.readResponseHead(up, buf);
    } else if (this.res === Res.Body) this.forwardResponse(up, d);
    else this.upReusable = false; // bytes after the response: the connection is out of step
  }

  private readResponseHead(up: Upstream, buf: Buffer): void {
    let rest = buf;
    for (;;) {
      const h = parseResponseHead(rest);
      if (h === undefined) {
        this.resBuf = rest;
        return;
      }
      if (h instanceof HeadError || h.status === 101 || h.otherCoding) {
        this.upReusable = false;
        this.answer(502);
        return;
      }
      rest = rest.subarray(h.length);
      if (h.status >= 200) {
        this.resBuf = undefined;
        this.startResponse(up, h, rest);
        return;
      }
      // 1xx other than 101: 103 Early Hints goes through; 100 Continue was never asked for here
      // (requests with Expect take the full pipeline), so it is dropped.
      if (h.status !== 100) this.socket.write(this.clientHead(h, Framing.None));
      if (rest.length === 0) {
        this.resBuf = undefined;
        return;
      }
    }
  }

  private startResponse(up: Upstream, h: ResponseHead, body: Buffer): void {
    const method = this.head!.method;
    this.status = h.status;
    this.resLength = h.contentLength >= 0 ? String(h.contentLength) : undefined;
    if (method === 'HEAD' || h.status === 204 || h.status === 304) this.framing = Framing.None;
    else if (h.chunked) this.framing = Framing.Chunked;
    else if (h.contentLength >= 0) this.framing = Framing.Length;
    else this.framing = Framing.Close;
    if (this.framing === Framing.Close || h.minor === 0 || h.connection.includes('close')) this.upReusable = false;
    if (this.framing === Framing.Close) this.closeAfter = true;
    this.resLeft = h.contentLength;
    this.resChunks = this.framing === Framing.Chunked ? new ChunkedScanner() : undefined;
    this.res = Res.Body;
    up.timeout(this.plan!.readTimeoutMs);
    const headText = this.clientHead(h, this.framing);
    if (this.framing === Framing.None || body.length === 0) {
      this.socket.write(headText, 'latin1');
      if (this.framing === Framing.None) {
        if (body.length > 0) this.upReusable = false;
        this.responseDone();
      } else if (this.framing === Framing.Length && this.resLeft === 0) this.responseDone();
      return;
    }
    this.forwardResponse(up, body, headText);
  }

  private forwardResponse(up: Upstream, d: Buffer, headText?: string): void {
    let n = d.length;
    let complete = false;
    if (this.framing === Framing.Length) {
      n = Math.min(this.resLeft, d.length);
      this.resLeft -= n;
      complete = this.resLeft === 0;
    } else if (this.framing === Framing.Chunked) {
      try {
        n = this.resChunks!.feed(d);
      } catch {
        this.upReusable = false;
        this.socket.destroy();
        return;
      }
      complete = this.resChunks!.done;
    }
    if (n < d.length) this.upReusable = false;
    const part = n < d.length ? d.subarray(0, n) : d;
    // Head and first body bytes in one write: one syscall, one packet for small answers.
    let out = part;
    if (headText !== undefined) {
      out = Buffer.allocUnsafe(headText.length + part.length);
      out.write(headText, 0, 'latin1');
      part.copy(out, headText.length);
    }
    const flowing = this.socket.write(out);
    if (complete) this.responseDone();
    else if (!flowing) up.socket.pause();
  }

  upClose(up: Upstream, error: Error | undefined): void {
    if (up !== this.up) return;
    this.up = undefined;
    this.endBalance?.();
    this.endBalance = undefined;
    if (this.res === Res.Body && this.framing === Framing.Close) {
      this.responseDone();
      return;
    }
    if (this.res === Res.Body) {
      // Cut off mid-body: the client cannot be told otherwise.
      this.socket.destroy();
      return;
    }
    if (this.res !== Res.Wait) return;
    if (!up.connected) {
      // Refused, unreachable or connect timeout: nothing was sent, another endpoint may do.
      this.tried.add(this.endpoint);
      this.plan!.connectError();
      this.tryUpstream();
      return;
    }
    // A kept-alive connection the upstream closed while idle fails before any answer; a request
    // whose body has not started can go again on another connection (not the endpoint's fault).
    if (!this.answerBytes && !this.timedOut && up.reused && !this.bodyBytesSent && this.staleRetries++ < MAX_ATTEMPTS) {
      this.attempts--;
      this.tryUpstream();
      return;
    }
    this.answer(this.timedOut ? 504 : 502, error !== undefined && this.req !== Req.Sent);
  }

  // ---- ends of a request ----

  /** The controller's own answer (the upstream side is dropped); `close` when the request body was not read to its end. */
  private answer(status: number, close = false): void {
    this.dropUpstream();
    if (this.res === Res.Body) {
      this.socket.destroy();
      return;
    }
    // A request body not read to its end leaves no way to find the next request.
    const bodyPending = this.bodyLeft > 0 || (this.reqChunks !== undefined && !this.reqChunks.done);
    if (close || bodyPending) this.closeAfter = true;
    this.status = status;
    this.resLength = undefined;
    this.socket.write(pageResponse(status, this.closeAfter));
    this.req = Req.Sent;
    this.res = Res.Done;
    this.complete();
  }

  private responseDone(): void {
    this.res = Res.Done;
    if (this.req === Req.Sent) this.complete();
    else {
      // The upstream answered before the whole body arrived; the rest of it cannot be skipped
      // reliably, so this connection ends after the answer.
      this.upReusable = false;
      this.closeAfter = true;
      this.complete();
    }
  }

  /** Request and response are both complete. */
  private complete(): void {
    const up = this.up;
    if (up) {
      this.up = undefined;
      this.endBalance?.();
      this.endBalance = undefined;
      if (this.upReusable && this.req === Req.Sent) this.engine.hooks.pool.release(up);
      else { up.user = undefined; up.socket.destroy(); }
    }
    const wasSent = this.req === Req.Sent;
    this.finish(this.status);
    if (this.closeAfter || !wasSent || this.clientEnded) {
      this.req = Req.Gone;
      this.socket.end();
      return;
    }
    this.req = Req.Head;
    this.head = undefined;
    this.plan = undefined;
    this.active = this.engine.hooks.pool.tick;
    this.socket.resume();
    // Called from inside pump (body completed) or from an upstream event: either way the next
    // pipelined request is parsed on this turn.
    if (this.inbuf) queueMicrotask(() => this.pump());
  }

  private finish(status: number): void {
    const plan = this.plan;
    if (!plan) return;
    this.plan = undefined;
    plan.done(status, this.endpoint, this.resLength);
  }

  private dropUpstream(): void {
    const up = this.up;
    if (!up) return;
    this.up = undefined;
    this.endBalance?.();
    this.endBalance = undefined;
    up.user = undefined;
    up.socket.destroy();
  }

  /** The response head for the client: the upstream's fields minus hop-by-hop ones, our Server, our framing. */
  private clientHead(h: ResponseHead, framing: Framing): string {
    let out = `HTTP/1.1 ${h.status} ${h.reason}\r\n`;
    const named = h.connection;
    for (let i = 0; i < h.names.length; i++) {
      const lower = h.lower[i]!;
      if (HOP_BY_HOP.has(lower) || lower === 'server' || (named.length > 0 && named.includes(lower))) continue;
      out += `${h.names[i]}: ${h.values[i]}\r\n`;
    }
    out += `server: ${SERVER_HEADER}\r\n`;
    if (framing === Framing.Chunked) out += 'transfer-encoding: chunked\r\n';
    if (h.status >= 200 && (this.closeAfter || framing === Framing.Close)) out += 'connection: close\r\n';
    return out + '\r\n';
  }
}
