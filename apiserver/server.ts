// startApiServer: the HTTPS (or HTTP) front of podnet's apiserver — authentication, the
// non-resource endpoints (health, metrics, version, discovery, OpenAPI), resource REST, and the
// upgraded streams (exec, attach, port-forward) — on a TCP port and optionally a unix socket.
import { timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { existsSync, unlinkSync } from 'node:fs';
import type { Storage } from '../storage/types.js';
import type { PodStreams } from './podstreams.js';
import { ServiceAllocator } from './allocator.js';
import { bootstrap } from './bootstrap.js';
import { DEFAULT_DEPS } from './deps.js';
import { aggregatedContentType, aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION, wantsAggregated } from './discovery.js';
import { handleResource, sendJSON, verbOf, type Context } from './handler.js';
import { ApiMetrics } from './metrics.js';
import { OPENAPI_V2_CONTENT_TYPE, openapiV3Document, openapiV3Index } from './openapi.js';
import { Registry } from './registry.js';
import { matchResourcePath } from './routes.js';
import { handleReview, isReviewPath } from './reviews.js';
import { handleUsage, matchUsagePath, type UsageSource } from './usage.js';
import { ApiError, toApiError } from './status.js';
import { handleUpgrade } from './streams/upgrade.js';

export interface ApiServerOptions {
  readonly storage: Storage;
  /** Default 127.0.0.1:6443. Port 0 picks a free port. */
  readonly listen?: { host: string; port: number };
  /** Also serve on this unix socket (same TLS and token), for the relay that pods reach. */
  readonly unixSocket?: string;
  readonly tls?: { cert: string; key: string };
  /** Bearer token every request (but health and version) must carry. */
  readonly token?: string;
  readonly serviceCIDR?: string;
  readonly nodePortRange?: [number, number];
  readonly podStreams?: PodStreams;
  /** The kubelets' CPU and memory measurements, served as metrics.k8s.io (`kubectl top`). */
  readonly usage?: UsageSource;
  /** How often watches with allowWatchBookmarks get a BOOKMARK (default 60 s). */
  readonly bookmarkIntervalMs?: number;
}

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
  metrics(): string;
}

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version']);

function authorized(req: IncomingMessage, token: string | undefined): boolean {
  if (!token) return true;
  const header = String(req.headers.authorization ?? '');
  const m = /^Bearer\s+(.+)$/i.exec(header);
  if (!m) return false;
  const a = Buffer.from(m[1]!.trim());
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

const UNAUTHORIZED = new ApiError(401, 'Unauthorized', 'Unauthorized');

export async function startApiServer(opts: ApiServerOptions): Promise<ApiServer> {
  const deps = DEFAULT_DEPS;
  const allocator = new ServiceAllocator(opts.serviceCIDR, opts.nodePortRange);
  const registry = new Registry(opts.storage, deps, allocator);
  await bootstrap(registry);
  const metrics = new ApiMetrics();
  const closing = new AbortController();
  const ctx: Context = { registry, deps, metrics, podStreams: opts.podStreams, usage: opts.usage, closing: closing.signal, bookmarkIntervalMs: opts.bookmarkIntervalMs };
  const listen = opts.listen ?? { host: '127.0.0.1', port: 6443 };
  const scheme = opts.tls ? 'https' : 'http';
  const sockets = new Set<Duplex>();

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    void serve(ctx, req, res, opts.token, `${scheme}://${listen.host}:${listen.port}`);
  };
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    if (!authorized(req, opts.token)) {
      rejectUpgrade(socket, UNAUTHORIZED);
      return;
    }
    handleUpgrade(ctx, req, socket, head).catch((err) => rejectUpgrade(socket, toApiError(err)));
  };
  const make = (): Server => {
    const server = opts.tls ? createHttpsServer({ cert: opts.tls.cert, key: opts.tls.key }, onRequest) : createHttpServer(onRequest);
    server.on('upgrade', onUpgrade);
    server.on('connection', (s: Duplex) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
    });
    server.on('clientError', (_err, socket) => socket.destroy());
    return server;
  };

  const servers: Server[] = [];
  const tcp = make();
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject);
    tcp.listen(listen.port, listen.host, () => resolve());
  });
  servers.push(tcp);
  const port = (tcp.address() as { port: number }).port;
  if (opts.unixSocket) {
    if (existsSync(opts.unixSocket)) unlinkSync(opts.unixSocket);
    const unix = make();
    await new Promise<void>((resolve, reject) => {
      unix.once('error', reject);
      unix.listen(opts.unixSocket, () => resolve());
    });
    servers.push(unix);
  }
  const host = listen.host.includes(':') ? `[${listen.host}]` : listen.host;
  const url = `${scheme}://${host}:${port}`;

  return {
    url,
    port,
    metrics: () => metrics.render(),
    close: async () => {
      closing.abort();
      registry.close();
      await Promise.all(
        servers.map(
          (s) =>
            new Promise<void>((resolve) => {
              s.close(() => resolve());
              for (const sock of sockets) sock.destroy();
            }),
        ),
      );
      if (opts.unixSocket && existsSync(opts.unixSocket)) unlinkSync(opts.unixSocket);
    },
  };
}

function rejectUpgrade(socket: Duplex, err: ApiError): void {
  if (socket.destroyed) return;
  const body = JSON.stringify(err.toStatus());
  socket.end(`HTTP/1.1 ${err.httpStatus} ${err.reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
}

async function serve(ctx: Context, req: IncomingMessage, res: ServerResponse, token: string | undefined, selfURL: string): Promise<void> {
  const started = process.hrtime.bigint();
  const url = new URL(req.url ?? '/', 'http://apiserver');
  const pathname = url.pathname.replace(/\/+$/, '') || '/';
  let verb = (req.method ?? 'GET').toLowerCase();
  let resource = '';
  let code = 200;
  try {
    if (!PUBLIC_PATHS.has(pathname) && !authorized(req, token)) throw UNAUTHORIZED;
    const match = matchResourcePath(pathname);
    const usagePath = matchUsagePath(pathname);
    if (usagePath) {
      resource = usagePath.resource;
      verb = usagePath.name ? 'get' : 'list';
      code = await handleUsage(req, res, usagePath, url.searchParams, ctx.registry, ctx.usage);
    } else if (isReviewPath(pathname)) {
      resource = pathname.slice(pathname.lastIndexOf('/') + 1);
      verb = 'create';
      code = await handleReview(req, res, pathname, ctx.deps);
    } else if (match.kind === 'resource') {
      resource = match.path.info.plural + (match.path.subresource ? `/${match.path.subresource}` : '');
      verb = verbOf(req.method ?? 'GET', match.path, url.searchParams);
      code = await handleResource(ctx, req, res, match.path, url.searchParams);
    } else if (match.kind === 'unknown-resource') {
      throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
    } else {
      code = serveNonResource(req, res, pathname, ctx, selfURL);
    }
  } catch (err) {
    const apiErr = toApiError(err);
    code = apiErr.httpStatus;
    if (!res.headersSent) sendJSON(res, code, apiErr.toStatus());
    else if (!res.writableEnded) res.end();
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  ctx.metrics.request(verb, resource, code, seconds);
}

function serveNonResource(req: IncomingMessage, res: ServerResponse, pathname: string, ctx: Context, selfURL: string): number {
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${req.method})`);
  const text = (body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(200, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
    return 200;
  };
  if (pathname === '/healthz' || pathname === '/livez' || pathname === '/readyz') return text('ok');
  if (pathname === '/metrics') return text(ctx.metrics.render(), 'text/plain; version=0.0.4; charset=utf-8');
  if (pathname === '/version') return json(res, SERVER_VERSION);
  if (pathname === '/api' || pathname === '/apis') {
    const v = wantsAggregated(String(req.headers.accept ?? ''));
    const which = pathname === '/api' ? 'api' : 'apis';
    if (v) {
      sendJSON(res, 200, aggregatedDiscovery(which, v), aggregatedContentType(v));
      return 200;
    }
    return json(res, which === 'api' ? apiVersions(new URL(selfURL).host) : apiGroupList());
  }
  if (pathname === '/openapi/v2' || pathname === '/swagger-2.0.0.pb-v1') {
    // An empty document: kubectl finds no schema and leaves field validation to the server.
    res.writeHead(200, { 'Content-Type': OPENAPI_V2_CONTENT_TYPE, 'Content-Length': 0 });
    res.end();
    return 200;
  }
  if (pathname === '/openapi/v3') return json(res, openapiV3Index());
  if (pathname.startsWith('/openapi/v3/')) {
    const doc = openapiV3Document(pathname.slice('/openapi/v3/'.length));
    if (doc) return json(res, doc);
  }
  const segs = pathname.split('/').filter(Boolean);
  if (segs[0] === 'api' && segs.length === 2) {
    const list = apiResourceList('', segs[1]!);
    if (list) return json(res, list);
  }
  if (segs[0] === 'apis' && segs.length === 3) {
    const list = apiResourceList(segs[1]!, segs[2]!);
    if (list) return json(res, list);
  }
  if (segs[0] === 'apis' && segs.length === 2) {
    const group = apiGroup(segs[1]!);
    if (group) return json(res, group);
  }
  throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
}

function json(res: ServerResponse, body: unknown): number {
  sendJSON(res, 200, body);
  return 200;
}
