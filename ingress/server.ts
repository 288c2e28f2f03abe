// serveIngress: watches the objects, keeps a compiled RouteTable (recompiled off to the side
// and swapped in one assignment, so a request always sees one whole table), and serves HTTP and
// HTTPS with it. Ports open only after the first full sync.
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo, type Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { cidrContains, tryParseIP } from '../api/ip.js';
import type { EndpointSlice, Ingress, IngressClass, KubeObject, Secret, Service } from '../api/types.js';
import { R, type ObjectSource } from '../client/source.js';
import { clientAddress, nextRequestId, recorder, type Flow } from './access.js';
import { Balancer, chooseBackend, cookieValueFor, readCookie } from './balance.js';
import type { Endpoint, ServiceRef } from './backends.js';
import { planRoutes, type Described, type LoadBalancerIngress, type RoutePlan } from './compile.js';
import { FastEngine } from './fast.js';
import { fastPlanner } from './fastplan.js';
import { checkBasic } from './htpasswd.js';
import { Limits } from './limits.js';
import { ingressMetrics } from './metrics.js';
import { SERVER_HEADER, sendPage } from './pages.js';
import { hostnameOf, requestPathOf } from './paths.js';
import { Agents, attempt, stripHopByHop } from './proxy.js';
import { relayUpgrade } from './upgrade.js';
import { expandTarget, modifyPath, withQuery } from './rewrite.js';
import { ContextCache, certFor, selfSignedCert } from './tls.js';
import { hostTableFor, lookup, type Match, type RouteTable } from './table.js';
import { UpstreamPool } from './upstream.js';
import type { Registry } from 'prom-client';

export type { Flow } from './access.js';

export interface StatusWriter {
  updateIngressStatus(ingress: Ingress, loadBalancer: readonly LoadBalancerIngress[]): Promise<void> | void;
  recordEvent(object: Described, type: 'Normal' | 'Warning', reason: string, message: string): void;
  /** Gateway API statuses (GatewayClass, Gateway, HTTPRoute); optional. */
  updateStatus?(object: KubeObject, status: Record<string, unknown>): Promise<void> | void;
}

export interface ServeOptions {
  readonly source: ObjectSource;
  readonly listen: { host: string; port: number };
  readonly tlsListen?: { host: string; port: number };
  readonly className?: string;
  /** IP or hostname written to our Ingresses' status.loadBalancer.ingress. */
  readonly statusAddress?: string;
  /** "ns/name": copy that Service's status.loadBalancer to our Ingresses (like ingress-nginx). */
  readonly publishService?: string;
  readonly defaultBackend?: ServiceRef;
  readonly writer?: StatusWriter;
  readonly onRequest?: (flow: Flow) => void;
  /** One line per request; default stdout, false for none. */
  readonly accessLog?: ((line: string) => void) | false;
  /** Optional side port for /metrics, /healthz and /ready (ingress-nginx uses 10254). */
  readonly metricsListen?: { host: string; port: number };
  /** The certificate for names no Secret covers; generated when absent. */
  readonly defaultCert?: { cert: string; key: string };
  /**
   * Plain-HTTP listener: 'fast' (default) parses HTTP/1.1 itself and hands what it does not
   * carry to Node's http pipeline mid-connection; 'node' uses only Node's http pipeline.
   */
  readonly engine?: 'fast' | 'node';
}

export interface ReloadStats {
  readonly reloads: number;
  readonly lastReloadMs: number;
  readonly routes: number;
  readonly served: number;
}

export interface IngressServer {
  /** Stops serving; requests in flight get `graceMs` (default 0) to finish. */
  close(opts?: { graceMs?: number }): Promise<void>;
  ports(): { http: number; https?: number; metrics?: number };
  metrics(): Promise<string>;
  /** The prom-client registry behind metrics() (--workers sums the workers' through it). */
  registry(): Registry;
  stats(): ReloadStats;
  /** Recompiles now (changes are otherwise coalesced to the next turn of the event loop). */
  reload(): void;
  /** The current table (tests, the analyzer). */
  table(): RouteTable;
}

const MAX_ATTEMPTS = 3;

function clientIP(sock: Socket): string {
  return clientAddress(sock.remoteAddress);
}

const GATEWAY_API = 'gateway.networking.k8s.io/v1';

/** Items of a LIST carry no kind; Events and status writes need it, so fill it in. */
function withKind<T extends { apiVersion?: string; kind?: string }>(list: readonly T[], apiVersion: string, kind: string): T[] {
  return list.map((o) => (o.kind ? o : { ...o, apiVersion, kind }));
}

function publishedAddresses(source: ObjectSource, publish: string | undefined, address: string | undefined): readonly LoadBalancerIngress[] | undefined {
  if (publish) {
    const [ns, name] = publish.split('/');
    const svc = source.informer<Service & KubeObject>(R.services).get(ns, name ?? '');
    return (svc?.status?.loadBalancer?.ingress ?? []).map((i) => (i.ip ? { ip: i.ip } : { hostname: i.hostname }));
  }
  if (!address) return undefined;
  return [tryParseIP(address) ? { ip: address } : { hostname: address }];
}

export async function serveIngress(opts: ServeOptions): Promise<IngressServer> {
  const src = opts.source;
  const inf = {
    ingresses: src.informer<Ingress & KubeObject>(R.ingresses),
    classes: src.informer<IngressClass & KubeObject>(R.ingressclasses),
    services: src.informer<Service & KubeObject>(R.services),
    slices: src.informer<EndpointSlice & KubeObject>(R.endpointslices),
    secrets: src.informer<Secret & KubeObject>(R.secrets),
    gatewayClasses: src.informer(R.gatewayclasses),
    gateways: src.informer(R.gateways),
    httproutes: src.informer(R.httproutes),
  };
  const metrics = ingressMetrics();
  const balancer = new Balancer();
  const agents = new Agents();
  const pool = new UpstreamPool();
  const limits = new Limits();
  const contexts = new ContextCache();
  const defaultCert = opts.defaultCert ?? selfSignedCert(['podnet-ingress-default']);
  const accessLog = opts.accessLog === false ? undefined : opts.accessLog ?? ((l: string) => process.stdout.write(l + '\n'));
  const record = recorder(metrics, accessLog, opts.onRequest);
  const emitted = new Set<string>();
  const statusWritten = new Map<string, string>();
  let stats: ReloadStats = { reloads: 0, lastReloadMs: 0, routes: 0, served: 0 };
  let ports = { http: 0, https: undefined as number | undefined, metrics: undefined as number | undefined };

  const plan = (): RoutePlan =>
    planRoutes({
      ingresses: withKind(inf.ingresses.list(), 'networking.k8s.io/v1', 'Ingress'),
      ingressClasses: inf.classes.list(),
      services: inf.services.list(),
      slices: inf.slices.list(),
      secrets: inf.secrets.list(),
      gatewayClasses: withKind(inf.gatewayClasses.list(), GATEWAY_API, 'GatewayClass'),
      gateways: withKind(inf.gateways.list(), GATEWAY_API, 'Gateway'),
      httproutes: withKind(inf.httproutes.list(), GATEWAY_API, 'HTTPRoute'),
      className: opts.className,
      defaultBackend: opts.defaultBackend,
      statusAddresses: publishedAddresses(src, opts.publishService, opts.statusAddress),
    });

  const writeOut = (p: RoutePlan): void => {
    const w = opts.writer;
    if (!w) return;
    for (const e of p.events) {
      const key = [e.object.metadata?.uid, e.object.metadata?.namespace, e.object.metadata?.name, e.object.metadata?.generation, e.reason, e.message].join('\u0000');
      if (emitted.has(key)) continue;
      if (emitted.size > 10_000) emitted.clear();
      emitted.add(key);
      try { w.recordEvent(e.object, e.type, e.reason, e.message); } catch { /* events are best effort */ }
    }
    // A write is not repeated while the plan keeps asking for the same status (our own write
    // has not come back through the informer yet); once the plan stops asking, it is forgotten,
    // so a status someone else changes later is written again.
    const wanted = new Set<string>();
    const once = (key: string, body: string, run: () => Promise<void> | void): void => {
      wanted.add(key);
      if (statusWritten.get(key) === body) return;
      statusWritten.set(key, body);
      Promise.resolve().then(run).catch(() => statusWritten.delete(key));
    };
    for (const s of p.ingressStatus) {
      once(`Ingress/${s.ingress.metadata?.namespace}/${s.ingress.metadata?.name}`, JSON.stringify(s.loadBalancer), () => w.updateIngressStatus(s.ingress, s.loadBalancer));
    }
    if (w.updateStatus) {
      for (const s of p.gatewayStatus) {
        once(`${s.object.kind}/${s.object.metadata?.namespace}/${s.object.metadata?.name}`, JSON.stringify(s.status), () => w.updateStatus!(s.object, s.status));
      }
    }
    for (const k of statusWritten.keys()) if (!wanted.has(k)) statusWritten.delete(k);
  };

  let current: RouteTable;
  const reload = (): void => {
    const t0 = performance.now();
    try {
      const p = plan();
      current = p.table;
      contexts.retain(current);
      const live = new Set<string>();
      const all = [...current.hosts.values(), ...current.wildcards.values(), current.catchAll];
      for (const ht of all) {
        for (const list of [...ht.exact.values(), ...ht.prefix.values(), ht.regex, ht.defaultRoute ? [ht.defaultRoute] : []]) {
          for (const r of list) {
            for (const b of r.backends) for (const e of b.backend.endpoints) live.add(e.key);
            for (const c of r.canaries) for (const e of c.backend.endpoints) live.add(e.key);
          }
        }
      }
      for (const b of current.defaultRoute?.backends ?? []) for (const e of b.backend.endpoints) live.add(e.key);
      agents.retain(live);
      pool.retain(live);
      const ms = performance.now() - t0;
      stats = { reloads: stats.reloads + 1, lastReloadMs: ms, routes: current.routeCount, served: p.served.length };
      metrics.reloads.inc({ result: 'success' });
      metrics.reloadDuration.observe(ms / 1000);
      writeOut(p);
    } catch (err) {
      // A bad object must not take the controller down: keep serving the last good table.
      metrics.reloads.inc({ result: 'failure' });
      process.stderr.write(`ingress: recompiling routes failed, keeping the previous table: ${(err as Error).message}\n`);
    }
  };

  let scheduled = false;
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      reload();
    });
  };
  const unsubs = Object.values(inf).map((i) => i.onChange(schedule));
  await src.start();
  current = planRoutes({ ingresses: [], ingressClasses: [], services: [], slices: [], secrets: [] }).table;
  reload();

  const handle = (secure: boolean) => (req: http.IncomingMessage, res: http.ServerResponse): void => {
    handleRequest(req, res, secure).catch((err: Error) => {
      if (!res.headersSent) sendPage(res, 502);
      else res.destroy(err);
    });
  };

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse, secure: boolean): Promise<void> {
    const t0 = performance.now();
    const table = current;
    const client = clientIP(req.socket);
    const hostHeader = req.headers.host ?? '';
    const hostname = hostnameOf(hostHeader);
    const url = req.url ?? '/';
    const path = requestPathOf(url);
    const qi = url.indexOf('?');
    const query = qi === -1 ? '' : url.slice(qi);
    const requestId = (req.headers['x-request-id'] as string | undefined) ?? nextRequestId();
    const method = req.method ?? 'GET';
    let match: Match | undefined;
    let service = '';
    let endpoint = '';
    let releaseConn: (() => void) | undefined;

    res.setHeader('server', SERVER_HEADER);
    res.once('close', () => {
      releaseConn?.();
      const len = res.getHeader('content-length');
      record({
        t0, client, host: hostname, path, method, url, httpVersion: req.httpVersion, status: res.statusCode,
        contentLength: len === undefined ? undefined : String(len), referer: req.headers.referer, userAgent: req.headers['user-agent'],
        owner: match?.route.owner, service, endpoint, requestId,
      });
    });

    const facts = { method, headers: req.headers, query: query ? new URLSearchParams(query) : undefined, secure };
    match = lookup(table, hostname, path, facts);

    // TLS hosts redirect before anything else, even when no path matches (ingress-nginx does too).
    if (!secure && ports.https !== undefined) {
      // TLS belongs to the host, even when the request fell through to a host-less rule.
      const tlsHost = hostTableFor(table, hostname)?.tls || match?.host.tls;
      const pol = match?.route.policy;
      if ((tlsHost && (pol?.sslRedirect ?? true)) || pol?.forceSslRedirect) {
        const port = ports.https === 443 ? '' : `:${ports.https}`;
        res.writeHead(308, { location: `https://${hostname}${port}${url}`, 'content-length': 0 });
        res.end();
        return;
      }
    }
    if (!match) return sendPage(res, 404);
    const route = match.route;
    const policy = route.policy;
    service = route.backends[0] ? `${route.backends[0].backend.namespace}/${route.backends[0].backend.service}` : '';

    if (policy.allowRanges) {
      const ip = tryParseIP(client);
      if (!ip || !policy.allowRanges.some((c) => cidrContains(c, ip))) return sendPage(res, 403);
    }
    if (policy.limitConnections !== undefined) {
      releaseConn = limits.enter(route.id, client, policy.limitConnections);
      if (!releaseConn) return sendPage(res, 503);
    }
    if (policy.limitRps !== undefined && !limits.allowRate(route.id, client, policy.limitRps)) return sendPage(res, 503);
    if (route.users && !checkBasic(route.users, req.headers.authorization)) {
      return sendPage(res, 401, { 'www-authenticate': `Basic realm="${policy.auth?.realm ?? ''}"` });
    }
    if (policy.cors) {
      const c = policy.cors;
      res.setHeader('access-control-allow-origin', c.origin);
      res.setHeader('access-control-allow-credentials', String(c.credentials));
      if (method === 'OPTIONS') {
        res.writeHead(204, { 'access-control-allow-methods': c.methods, 'access-control-allow-headers': c.headers, 'access-control-max-age': '1728000', 'content-length': 0 });
        res.end();
        return;
      }
    }
    const declared = Number(req.headers['content-length'] ?? 0);
    if (policy.bodyLimit > 0 && declared > policy.bodyLimit) return sendPage(res, 413);

    let outPath = path;
    let outHost = hostHeader;
    const headers = stripHopByHop(req.headers);
    for (const f of route.filters) {
      if (f.type === 'RequestRedirect') {
        const scheme = f.scheme ?? (secure ? 'https' : 'http');
        const host = f.hostname ?? hostname;
        const port = f.port ?? (f.scheme ? undefined : secure ? ports.https : ports.http);
        const defaultPort = scheme === 'https' ? 443 : 80;
        const p = f.path ? modifyPath(path, f.path, match) : path;
        res.writeHead(f.statusCode, { location: `${scheme}://${host}${port && port !== defaultPort ? ':' + port : ''}${withQuery(p, query)}`, 'content-length': 0 });
        res.end();
        return;
      }
      if (f.type === 'URLRewrite') {
        if (f.hostname) outHost = f.hostname;
        if (f.path) outPath = modifyPath(path, f.path, match);
      }
      if (f.type === 'RequestHeaderModifier') {
        for (const [k, v] of f.set) headers[k] = v;
        for (const [k, v] of f.add) headers[k] = headers[k] === undefined ? v : `${headers[k]},${v}`;
        for (const k of f.remove) delete headers[k];
      }
    }
    if (policy.rewriteTarget !== undefined && match.matched) outPath = expandTarget(policy.rewriteTarget, match.matched);

    const choice = chooseBackend(route, req.headers);
    if (!choice) return sendPage(res, 503);
    const backend = choice.backend;
    service = `${backend.namespace}/${backend.service}`;

    const xff = req.headers['x-forwarded-for'];
    headers['host'] = outHost;
    headers['x-forwarded-for'] = xff ? `${xff}, ${client}` : client;
    headers['x-real-ip'] = client;
    headers['x-forwarded-proto'] = secure ? 'https' : 'http';
    headers['x-forwarded-host'] = hostHeader;
    headers['x-forwarded-port'] = String(req.socket.localPort ?? '');
    headers['x-request-id'] = requestId;
    const hasBody = req.headers['transfer-encoding'] !== undefined || declared > 0;

    // Aborts the upstream side when the client goes away early or the body is over the limit.
    let upstreamReq: http.ClientRequest | undefined;
    const upstream = { signal: { aborted: false }, abort: (): void => { upstream.signal.aborted = true; upstreamReq?.destroy(); } };
    res.once('close', () => { if (!res.writableFinished) upstream.abort(); });
    if (hasBody && policy.bodyLimit > 0) {
      let seen = 0;
      req.on('data', (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > policy.bodyLimit && !upstream.signal.aborted) {
          req.unpipe();
          sendPage(res, 413);
          upstream.abort();
        }
      });
      req.pause();
    }

    const sticky = policy.affinityCookie ? readCookie(req.headers.cookie, policy.affinityCookie) : undefined;
    const tried = new Set<string>();
    for (let i = 0; i < MAX_ATTEMPTS && !upstream.signal.aborted; i++) {
      const ep: Endpoint | undefined = balancer.pick(backend, policy.loadBalance, tried, sticky);
      if (!ep) break;
      tried.add(ep.key);
      endpoint = ep.key;
      const done = balancer.begin(ep);
      const r = await attempt({ endpoint: ep, protocol: policy.backendProtocol, method, path: withQuery(outPath, query), headers, connectTimeoutMs: policy.connectTimeoutMs, readTimeoutMs: policy.readTimeoutMs, sendTimeoutMs: policy.sendTimeoutMs, track: (up) => { upstreamReq = up; } }, agents, req, hasBody);
      if (r.kind === 'connect-error') {
        done();
        metrics.connectErrors.inc({ namespace: backend.namespace, service: backend.service });
        continue;
      }
      if (r.kind === 'error') {
        done();
        if (upstream.signal.aborted) return; // already answered (413) or nobody to answer
        return sendPage(res, r.timeout ? 504 : 502);
      }
      const up = r.response;
      const out = stripHopByHop(up.headers);
      out['server'] = SERVER_HEADER;
      if (policy.affinityCookie && sticky !== cookieValueFor(ep)) {
        const prev = out['set-cookie'];
        const mine = `${policy.affinityCookie}=${cookieValueFor(ep)}; Path=/; HttpOnly`;
        out['set-cookie'] = prev === undefined ? [mine] : [...(Array.isArray(prev) ? prev : [String(prev)]), mine];
      }
      if (res.headersSent) { // the body-size check answered 413 meanwhile
        done();
        up.resume();
        return;
      }
      res.writeHead(up.statusCode ?? 502, up.statusMessage, out);
      up.pipe(res);
      const finish = (): void => done();
      up.once('end', finish);
      up.once('error', () => { done(); res.destroy(); });
      r.request.once('error', () => { done(); res.destroy(); });
      res.once('close', () => { done(); if (!up.complete) r.request.destroy(); });
      return;
    }
    if (upstream.signal.aborted) return;
    if (tried.size === 0) return sendPage(res, 503);
    return sendPage(res, 502);
  }

  function handleUpgrade(secure: boolean) {
    return (req: http.IncomingMessage, socket: Socket, head: Buffer): void => {
      const table = current;
      const hostname = hostnameOf(req.headers.host);
      const url = req.url ?? '/';
      const path = requestPathOf(url);
      const client = clientIP(socket);
      const qi = url.indexOf('?');
      const query = qi === -1 ? '' : url.slice(qi);
      const match = lookup(table, hostname, path, { method: req.method ?? 'GET', headers: req.headers, query: query ? new URLSearchParams(query) : undefined, secure });
      const fail = (status: number, text: string): void => {
        socket.end(`HTTP/1.1 ${status} ${text}\r\nserver: ${SERVER_HEADER}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
      };
      socket.on('error', () => socket.destroy());
      if (!match) return fail(404, 'Not Found');
      const route = match.route;
      if (route.users && !checkBasic(route.users, req.headers.authorization)) return fail(401, 'Unauthorized');
      if (route.policy.allowRanges) {
        const ip = tryParseIP(client);
        if (!ip || !route.policy.allowRanges.some((c) => cidrContains(c, ip))) return fail(403, 'Forbidden');
      }
      const choice = chooseBackend(route, req.headers);
      const ep = choice && balancer.pick(choice.backend, route.policy.loadBalance, new Set());
      if (!ep) return fail(503, 'Service Unavailable');
      let outPath = path;
      if (route.policy.rewriteTarget !== undefined && match.matched) outPath = expandTarget(route.policy.rewriteTarget, match.matched);
      relayUpgrade(req, socket, head, { endpoint: ep, protocol: route.policy.backendProtocol, path: withQuery(outPath, query), client, secure, fail });
    };
  }

  const httpServer = http.createServer({ keepAliveTimeout: 75_000, headersTimeout: 60_000, requestTimeout: 0 }, handle(false));
  httpServer.on('upgrade', handleUpgrade(false));
  httpServer.on('clientError', (_err, sock: Socket) => { if (sock.writable) sock.end('HTTP/1.1 400 Bad Request\r\n\r\n'); else sock.destroy(); });
  const servers: http.Server[] = [];

  // The fast engine owns the plain-HTTP port; httpServer never listens then and only receives
  // the connections the engine hands over (tracked here, since Node tracks only its own).
  const useFast = (opts.engine ?? 'fast') === 'fast';
  const handedOff = new Set<Socket>();
  const busy = new Set<Socket>();
  const engine = new FastEngine({
    pool,
    plan: fastPlanner({
      table: () => current,
      httpsPort: () => ports.https,
      balancer,
      record,
      connectError: (namespace, service) => metrics.connectErrors.inc({ namespace, service }),
    }),
    handoff: (sock, buffered) => {
      handedOff.add(sock);
      sock.once('close', () => { handedOff.delete(sock); busy.delete(sock); });
      sock.pause();
      sock.unshift(buffered);
      httpServer.emit('connection', sock);
      process.nextTick(() => sock.resume());
    },
  });
  const fastServer = useFast ? net.createServer({ allowHalfOpen: true, noDelay: true }, engine.accept) : undefined;
  if (useFast) {
    httpServer.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
      busy.add(req.socket);
      res.once('close', () => busy.delete(req.socket));
    });
  } else servers.push(httpServer);
  let httpsServer: https.Server | undefined;
  if (opts.tlsListen) {
    httpsServer = https.createServer(
      {
        cert: defaultCert.cert,
        key: defaultCert.key,
        SNICallback: (name, cb) => {
          const pair = certFor(current, name);
          try { cb(null, pair ? contexts.get(pair) : undefined); } catch (err) { cb(err as Error); }
        },
        keepAliveTimeout: 75_000,
        requestTimeout: 0,
      },
      handle(true),
    );
    httpsServer.on('upgrade', handleUpgrade(true));
    httpsServer.on('tlsClientError', (_e, s: TLSSocket) => s.destroy());
    servers.push(httpsServer);
  }

  const listen = (s: net.Server, l: { host: string; port: number }): Promise<number> =>
    new Promise((resolve, reject) => {
      s.once('error', reject);
      s.listen(l.port, l.host, () => {
        s.off('error', reject);
        resolve((s.address() as AddressInfo).port);
      });
    });
  let metricsServer: http.Server | undefined;
  if (opts.metricsListen) {
    metricsServer = http.createServer((req, res) => {
      const path = requestPathOf(req.url ?? '/');
      if (path === '/metrics') {
        metrics.registry.metrics().then((text) => { res.writeHead(200, { 'content-type': metrics.registry.contentType }); res.end(text); }, () => sendPage(res, 503));
      } else if (path === '/healthz' || path === '/ready') {
        // Listening at all means the first full sync is done and a table is in place.
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end(`ok: ${stats.routes} routes, ${stats.reloads} reloads\n`);
      } else sendPage(res, 404);
    });
    servers.push(metricsServer);
  }
  try {
    ports.http = await listen(fastServer ?? httpServer, opts.listen);
    if (httpsServer && opts.tlsListen) ports.https = await listen(httpsServer, opts.tlsListen);
    if (metricsServer && opts.metricsListen) ports.metrics = await listen(metricsServer, opts.metricsListen);
  } catch (err) {
    for (const s of servers) s.close();
    fastServer?.close();
    for (const u of unsubs) u();
    throw err;
  }

  return {
    ports: () => ({ ...ports }),
    metrics: () => metrics.registry.metrics(),
    registry: () => metrics.registry,
    stats: () => stats,
    reload,
    table: () => current,
    close: async (o = {}) => {
      for (const u of unsubs) u();
      const grace = o.graceMs ?? 0;
      const fastClosed = fastServer && new Promise<void>((resolve) => fastServer.close(() => resolve()));
      engine.close(grace);
      for (const sock of handedOff) {
        if (grace <= 0 || !busy.has(sock)) sock.destroy();
        else setTimeout(() => sock.destroy(), grace).unref();
      }
      await fastClosed;
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => {
        // Stop accepting, let requests in flight finish for up to graceMs, then cut the rest.
        s.close(() => resolve());
        s.closeIdleConnections();
        if (grace <= 0) s.closeAllConnections();
        else setTimeout(() => s.closeAllConnections(), grace).unref();
      })));
      agents.destroy();
      pool.destroy();
    },
  };
}
