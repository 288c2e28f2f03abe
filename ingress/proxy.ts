// Forwarding one request to an endpoint: keep-alive agents per endpoint, the request body held
// back until the upstream connection is up (so a connect failure can be retried on another
// endpoint without losing the body), timeouts, and hop-by-hop header hygiene.
import http from 'node:http';
import https from 'node:https';
import type { Endpoint } from './backends.js';

/** Headers that describe one connection and are never forwarded (RFC 9110 §7.6.1, plus the old proxy ones). */
export const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'proxy-authenticate', 'proxy-authorization']);

export function stripHopByHop(headers: http.IncomingHttpHeaders | http.OutgoingHttpHeaders): http.OutgoingHttpHeaders {
  const out: http.OutgoingHttpHeaders = {};
  const conn = headers['connection'];
  const named = new Set(String(conn ?? '').toLowerCase().split(',').map((s) => s.trim()).filter(Boolean));
  for (const [k, v] of Object.entries(headers)) {
    if (v === undefined || HOP_BY_HOP.has(k) || named.has(k)) continue;
    out[k] = v;
  }
  return out;
}

export class Agents {
  private readonly agents = new Map<string, http.Agent>();

  get(ep: Endpoint, protocol: 'HTTP' | 'HTTPS'): http.Agent {
    const k = protocol + ep.key;
    let a = this.agents.get(k);
    if (!a) {
      // lifo reuses the warmest socket and lets idle ones time out; backends verify nothing about
      // us and ingress-nginx does not verify upstream certificates by default either.
      const opts = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const, keepAliveMsecs: 1000, timeout: 60_000 };
      a = protocol === 'HTTPS' ? new https.Agent({ ...opts, rejectUnauthorized: false }) : new http.Agent(opts);
      this.agents.set(k, a);
    }
    return a;
  }

  /**
   * Forgets the pools of endpoints that left every backend. Only idle sockets are closed:
   * requests in flight on a removed endpoint finish (their sockets then idle out).
   */
  retain(live: ReadonlySet<string>): void {
    for (const [k, a] of this.agents) {
      if (live.has(k.replace(/^HTTPS?/, ''))) continue;
      for (const list of Object.values(a.freeSockets)) for (const s of list ?? []) s.destroy();
      this.agents.delete(k);
    }
  }

  destroy(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }
}

export interface Attempt {
  readonly endpoint: Endpoint;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly method: string;
  readonly path: string;
  readonly headers: http.OutgoingHttpHeaders;
  readonly connectTimeoutMs: number;
  readonly readTimeoutMs: number;
  /** Idle limit while the request is being sent; readTimeoutMs takes over once it is. */
  readonly sendTimeoutMs?: number;
  /** Receives the upstream request so the caller can destroy it (client gone, body too big). */
  readonly track?: (req: http.ClientRequest) => void;
}

export type AttemptResult =
  | { readonly kind: 'response'; readonly response: http.IncomingMessage; readonly request: http.ClientRequest }
  /** Failed before any byte of the request went out: safe to retry elsewhere. */
  | { readonly kind: 'connect-error'; readonly error: Error }
  | { readonly kind: 'error'; readonly error: Error; readonly timeout: boolean };

/**
 * Sends `body` (the client request, piped once connected) to one endpoint. A reused keep-alive
 * socket the upstream closed under us also counts as a connect error for requests without a body.
 */
export function attempt(a: Attempt, agents: Agents, body: http.IncomingMessage, hasBody: boolean): Promise<AttemptResult> {
  return new Promise((resolve) => {
    const mod = a.protocol === 'HTTPS' ? https : http;
    let connected = false;
    let settled = false;
    let connectTimer: NodeJS.Timeout | undefined;
    const settle = (r: AttemptResult): void => {
      if (settled) return;
      settled = true;
      if (connectTimer) clearTimeout(connectTimer);
      resolve(r);
    };
    const up = mod.request({
      host: a.endpoint.ip,
      port: a.endpoint.port,
      method: a.method,
      path: a.path,
      headers: a.headers,
      agent: agents.get(a.endpoint, a.protocol),
      setHost: false,
    });
    // Not an AbortSignal: wiring one into every request cost ~2.5% of the CPU under load.
    a.track?.(up);
    up.on('socket', (sock) => {
      // Headers and a piped body are separate writes; with Nagle on, the body can wait for the
      // backend's delayed ACK (40 ms). Agent sockets do not set this by default.
      sock.setNoDelay(true);
      const go = (): void => {
        connected = true;
        if (connectTimer) clearTimeout(connectTimer);
        if (hasBody) body.pipe(up); else up.end();
      };
      if (sock.connecting) {
        connectTimer = setTimeout(() => up.destroy(Object.assign(new Error('upstream connect timeout'), { code: 'ETIMEDOUT' })), a.connectTimeoutMs);
        sock.once(a.protocol === 'HTTPS' ? 'secureConnect' : 'connect', go);
      } else go();
    });
    const onIdle = (): void => { up.destroy(Object.assign(new Error('upstream timeout'), { code: 'EREADTIMEOUT' })); };
    up.setTimeout(a.sendTimeoutMs ?? a.readTimeoutMs, onIdle);
    up.once('finish', () => up.setTimeout(a.readTimeoutMs, onIdle));
    up.on('response', (response) => settle({ kind: 'response', response, request: up }));
    up.on('error', (error: NodeJS.ErrnoException) => {
      if (!connected || (up.reusedSocket && !hasBody && error.code === 'ECONNRESET')) settle({ kind: 'connect-error', error });
      else settle({ kind: 'error', error, timeout: error.code === 'EREADTIMEOUT' });
    });
  });
}
