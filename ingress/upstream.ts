// Keep-alive TCP connections to endpoints for the fast engine. Each connection keeps one set of
// listeners for its whole life and hands events to whoever holds it now, so reusing a connection
// for the next request adds and removes no listeners. Idle connections sit in a LIFO list per
// endpoint (the warmest is reused, the others idle out); close() destroys them.
import net from 'node:net';
import type { Endpoint } from './backends.js';

export interface UpstreamUser {
  upConnect(up: Upstream): void;
  upData(up: Upstream, data: Buffer): void;
  upDrain(up: Upstream): void;
  upTimeout(up: Upstream): void;
  /** The connection is gone (`error` set when it failed rather than ended). */
  upClose(up: Upstream, error: Error | undefined): void;
}

/** Like the http.Agent timeout the full pipeline uses for idle upstream sockets. */
const IDLE_S = 60;
const MAX_IDLE_PER_ENDPOINT = 256;

export class Upstream {
  user: UpstreamUser | undefined;
  connected = false;
  /** Served a request before: a failure before any answer may just be the upstream's idle close. */
  reused = false;
  /** Idle limit in whole seconds and the tick of the last activity (see UpstreamPool.sweep). */
  private limitS = 0;
  private active = 0;
  private error: Error | undefined;

  constructor(readonly key: string, readonly socket: net.Socket, private readonly pool: UpstreamPool) {
    socket.setNoDelay(true);
    socket.on('connect', () => { this.connected = true; this.user?.upConnect(this); });
    socket.on('data', (d: Buffer) => {
      this.active = this.pool.tick;
      if (this.user) this.user.upData(this, d); else socket.destroy();
    });
    socket.on('drain', () => { this.active = this.pool.tick; this.user?.upDrain(this); });
    socket.on('error', (err) => { this.error = err; });
    socket.on('close', () => {
      this.pool.forget(this);
      const u = this.user;
      this.user = undefined;
      u?.upClose(this, this.error);
    });
  }

  /**
   * Starts an idle limit (connect, send, read or pool idle), checked by the pool's once-a-second
   * sweep: Node's per-socket timers re-arm on every read and write, which cost more per request
   * than the whole sweep does per second.
   */
  timeout(ms: number): void {
    this.limitS = Math.max(1, Math.ceil(ms / 1000));
    this.active = this.pool.tick;
  }

  /** Counts as activity for the idle limit (bytes written). */
  touch(): void {
    this.active = this.pool.tick;
  }

  /** True when the idle limit has passed at `tick`. */
  expired(tick: number): boolean {
    return this.limitS > 0 && tick - this.active > this.limitS;
  }
}

export class UpstreamPool {
  private readonly idle = new Map<string, Upstream[]>();
  /** Seconds since the pool started, advanced by sweep(). */
  tick = 0;
  /** Connections lent out, for sweep(). */
  private readonly busy = new Set<Upstream>();

  /** An idle connection to `ep` (reused = true), else a new one still connecting. */
  acquire(ep: Endpoint, user: UpstreamUser): Upstream {
    const list = this.idle.get(ep.key);
    const up = list?.pop();
    if (up) {
      up.user = user;
      this.busy.add(up);
      return up;
    }
    const fresh = new Upstream(ep.key, net.connect({ host: ep.ip, port: ep.port }), this);
    fresh.user = user;
    this.busy.add(fresh);
    return fresh;
  }

  /** Back to the idle list after a complete exchange. */
  release(up: Upstream): void {
    this.busy.delete(up);
    up.user = undefined;
    up.reused = true;
    let list = this.idle.get(up.key);
    if (!list) this.idle.set(up.key, (list = []));
    if (list.length >= MAX_IDLE_PER_ENDPOINT) {
      up.socket.destroy();
      return;
    }
    up.timeout(IDLE_S * 1000);
    list.push(up);
  }

  forget(up: Upstream): void {
    this.busy.delete(up);
    const list = this.idle.get(up.key);
    if (!list) return;
    const i = list.indexOf(up);
    if (i !== -1) list.splice(i, 1);
    if (list.length === 0) this.idle.delete(up.key);
  }

  /** Advances the clock one second; idle connections past their limit close, busy ones are told. */
  sweep(): void {
    const tick = ++this.tick;
    for (const up of this.busy) if (up.expired(tick)) { if (up.user) up.user.upTimeout(up); else up.socket.destroy(); }
    for (const list of this.idle.values()) for (const up of list) if (up.expired(tick)) up.socket.destroy();
  }

  /** Closes the idle connections of endpoints not in `live`; busy ones finish their request. */
  retain(live: ReadonlySet<string>): void {
    for (const [key, list] of this.idle) {
      if (live.has(key)) continue;
      this.idle.delete(key);
      for (const up of list) up.socket.destroy();
    }
  }

  destroy(): void {
    for (const list of this.idle.values()) for (const up of list) up.socket.destroy();
    this.idle.clear();
  }
}
