// Which requests the fast engine carries, and the upstream request head it sends for them. A
// route qualifies when nothing but "pick an endpoint and forward" applies to it: no auth, CORS,
// allow-list, rate or connection limits, rewrites, Gateway filters, canaries, sticky cookies,
// HTTPS upstreams or TLS redirects. Everything else goes to the full pipeline, which implements
// all of them; so does anything unusual about the request itself (HTTP/1.0, Upgrade, Expect,
// absolute-form targets, codings other than chunked, a missing or repeated Host).
import { HOP_BY_HOP } from './proxy.js';
import type { Socket } from 'node:net';
import { clientAddress, nextRequestId, type Finished } from './access.js';
import { chooseBackend, type Balancer } from './balance.js';
import type { FastPlan } from './fast.js';
import type { RequestHead } from './h1parse.js';
import { hostnameOf, requestPathOf } from './paths.js';
import { hostTableFor, lookup, type Route, type RouteTable } from './table.js';

export interface FastPlanDeps {
  readonly table: () => RouteTable;
  /** The HTTPS listener's port when there is one (plain requests to TLS hosts are redirected). */
  readonly httpsPort: () => number | undefined;
  readonly balancer: Balancer;
  readonly record: (f: Finished) => void;
  readonly connectError: (namespace: string, service: string) => void;
}

/** Fields the proxy sets itself. */
const REPLACED = new Set(['host', 'x-forwarded-for', 'x-real-ip', 'x-forwarded-proto', 'x-forwarded-host', 'x-forwarded-port', 'x-request-id']);

/** True when only endpoint choice and forwarding apply to the route. */
export function plainRoute(r: Route): boolean {
  const p = r.policy;
  return r.filters.length === 0 && r.canaries.length === 0 && r.users === undefined && r.backends.length > 0 &&
    p.backendProtocol === 'HTTP' && p.rewriteTarget === undefined && p.allowRanges === undefined && p.limitConnections === undefined &&
    p.limitRps === undefined && p.cors === undefined && p.affinityCookie === undefined && p.auth === undefined;
}

/** True when the request head has nothing only the full pipeline handles. */
export function plainRequest(h: RequestHead): boolean {
  const m = h.map;
  return h.minor === 1 && !h.otherCoding && m['upgrade'] === undefined && m['expect'] === undefined &&
    h.target.charCodeAt(0) === 47 /* "/" */ && m['host'] !== undefined && !m['host'].includes(',');
}

export function upstreamHead(h: RequestHead, target: string, added: string): string {
  let out = `${h.method} ${target} HTTP/1.1\r\n`;
  const named = h.connection;
  for (let i = 0; i < h.names.length; i++) {
    const lower = h.lower[i]!;
    if (HOP_BY_HOP.has(lower) || REPLACED.has(lower) || (named.length > 0 && named.includes(lower))) continue;
    out += `${h.names[i]}: ${h.values[i]}\r\n`;
  }
  return out + added + (h.chunked ? 'transfer-encoding: chunked\r\n\r\n' : '\r\n');
}

export function fastPlanner(d: FastPlanDeps): (head: RequestHead, socket: Socket) => FastPlan | undefined {
  return (head, socket) => {
    if (!plainRequest(head)) return undefined;
    const t0 = performance.now();
    const table = d.table();
    const hostHeader = head.map['host']!;
    const hostname = hostnameOf(hostHeader);
    const url = head.target;
    const path = requestPathOf(url);
    const qi = url.indexOf('?');
    const query = qi === -1 ? undefined : new URLSearchParams(url.slice(qi));
    const match = lookup(table, hostname, path, { method: head.method, headers: head.map, query, secure: false });
    if (!match) return undefined;
    const route = match.route;
    const policy = route.policy;
    if (!plainRoute(route)) return undefined;
    if (d.httpsPort() !== undefined && ((hostTableFor(table, hostname)?.tls || match.host.tls) && policy.sslRedirect || policy.forceSslRedirect)) return undefined;
    if (policy.bodyLimit > 0 && head.contentLength > policy.bodyLimit) return undefined;
    const choice = chooseBackend(route, head.map);
    if (!choice) return undefined;
    const backend = choice.backend;
    const client = clientAddress(socket.remoteAddress);
    const xff = head.map['x-forwarded-for'];
    const requestId = head.map['x-request-id'] ?? nextRequestId();
    const added = `host: ${hostHeader}\r\nx-forwarded-for: ${xff ? `${xff}, ${client}` : client}\r\nx-real-ip: ${client}\r\n` +
      `x-forwarded-proto: http\r\nx-forwarded-host: ${hostHeader}\r\nx-forwarded-port: ${socket.localPort ?? ''}\r\nx-request-id: ${requestId}\r\n`;
    const service = `${backend.namespace}/${backend.service}`;
    return {
      head: upstreamHead(head, url, added),
      pick: (exclude) => d.balancer.pick(backend, policy.loadBalance, exclude),
      begin: (ep) => d.balancer.begin(ep),
      bodyLimit: policy.bodyLimit,
      connectTimeoutMs: policy.connectTimeoutMs,
      sendTimeoutMs: policy.sendTimeoutMs,
      readTimeoutMs: policy.readTimeoutMs,
      connectError: () => d.connectError(backend.namespace, backend.service),
      done: (status, endpoint, contentLength) => d.record({
        t0, client, host: hostname, path, method: head.method, url, httpVersion: '1.1', status, contentLength,
        referer: head.map['referer'], userAgent: head.map['user-agent'], owner: route.owner, service, endpoint, requestId,
      }),
    };
  };
}
