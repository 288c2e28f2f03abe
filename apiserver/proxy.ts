// The services/proxy and pods/proxy subresources: `/api/v1/namespaces/NS/services/[https:]NAME[:PORT]/proxy/PATH`
// and `/api/v1/namespaces/NS/pods/NAME[:PORT]/proxy/PATH` carry one HTTP request to a pod, the way
// `kubectl proxy` users and `kubectl cluster-info` links reach in-cluster HTTP servers. A Service is
// resolved to a ready endpoint of its EndpointSlices (the pod behind it); the connection is opened
// by the pod's kubelet (the same path as port-forward) and the request is replayed on it.
import http from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { resourceByPlural } from '../api/resources.js';
import type { EndpointSlice, Pod, Service } from '../api/types.js';
import type { Context } from './handler.js';
import type { ResourcePath } from './routes.js';
import { ApiError, badRequest } from './status.js';

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'authorization', 'host']);

/** "https:web:http" → scheme, name, port; "web:8080" → name, port; "web" → name. */
export function parseProxyName(text: string): { scheme?: string; name: string; port?: string } {
  const parts = text.split(':');
  if (parts.length === 3) return { scheme: parts[0] || undefined, name: parts[1]!, port: parts[2] || undefined };
  if (parts.length === 2) return { name: parts[0]!, port: parts[1] || undefined };
  return { name: text };
}

/** The part of the request path after `/proxy` (at least "/"), with its query string. */
function targetPath(rawUrl: string): string {
  const u = new URL(rawUrl, 'http://apiserver');
  const i = u.pathname.indexOf('/proxy');
  const rest = i >= 0 ? u.pathname.slice(i + '/proxy'.length) : '';
  return `${rest || '/'}${u.search}`;
}

interface Target {
  readonly pod: string;
  readonly port: number;
}

async function serviceTarget(ctx: Context, namespace: string, name: string, portText: string | undefined): Promise<Target> {
  const svc = (await ctx.registry.get(resourceByPlural('', 'services')!, namespace, name)) as Service;
  const ports = svc.spec?.ports ?? [];
  const sp = portText === undefined ? ports[0] : ports.find((p) => p.name === portText || String(p.port) === portText);
  if (!sp) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  const slices = (await ctx.registry.list(resourceByPlural('discovery.k8s.io', 'endpointslices')!, namespace, { labelSelector: `kubernetes.io/service-name=${name}` })).items as unknown as EndpointSlice[];
  const candidates: Target[] = [];
  for (const s of slices) {
    const port = (s.ports ?? []).find((p) => (p.name ?? '') === (sp.name ?? ''))?.port;
    if (!port) continue;
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready === false || e.targetRef?.kind !== 'Pod' || !e.targetRef.name) continue;
      candidates.push({ pod: e.targetRef.name, port });
    }
  }
  if (candidates.length === 0) throw new ApiError(503, 'ServiceUnavailable', `no endpoints available for service "${name}"`);
  return candidates[Math.floor(Math.random() * candidates.length)]!;
}

async function podTarget(ctx: Context, namespace: string, name: string, portText: string | undefined): Promise<Target> {
  const pod = (await ctx.registry.get(resourceByPlural('', 'pods')!, namespace, name)) as Pod;
  let port = 80;
  if (portText !== undefined) {
    const byName = (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []).find((p) => p.name === portText)?.containerPort;
    port = byName ?? Number(portText);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw badRequest(`invalid port "${portText}"`);
  }
  return { pod: name, port };
}

/** Serves one proxied request; the status is the pod's answer (502 when it cannot be reached). */
export async function serveProxy(ctx: Context, req: IncomingMessage, res: ServerResponse, path: ResourcePath): Promise<number> {
  const { info, namespace, name } = path;
  if (!name || !namespace) throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  const { scheme, name: object, port } = parseProxyName(name);
  if (scheme === 'https') throw badRequest(`proxying to ${info.plural} over https is not supported by podnet; use http`);
  if (!ctx.podStreams) throw new ApiError(503, 'ServiceUnavailable', 'proxy: no kubelet is connected to this apiserver');
  const target = info.kind === 'Service' ? await serviceTarget(ctx, namespace, object, port) : await podTarget(ctx, namespace, object, port);
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let socket: Duplex;
  try {
    socket = await ctx.podStreams.portForward(namespace, target.pod, target.port, abort.signal);
  } catch (err) {
    throw new ApiError(503, 'ServiceUnavailable', `error trying to reach ${info.kind === 'Service' ? 'service' : 'pod'}: ${(err as Error).message}`);
  }
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) headers[k] = v;
  headers.host = `${object}.${namespace}:${target.port}`;
  return new Promise<number>((resolve) => {
    const upstream = http.request({ method: req.method, path: targetPath(req.url ?? '/'), headers, createConnection: () => socket as never }, (r) => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(r.headers)) if (v !== undefined && !HOP_BY_HOP.has(k)) out[k] = v;
      res.writeHead(r.statusCode ?? 502, out);
      r.pipe(res);
      r.on('end', () => resolve(r.statusCode ?? 502));
      r.on('error', () => (res.destroy(), resolve(502)));
    });
    upstream.on('error', (err) => {
      if (!res.headersSent) {
        const body = JSON.stringify(new ApiError(502, 'BadGateway', `error trying to reach ${info.kind === 'Service' ? 'service' : 'pod'}: ${err.message}`).toStatus());
        res.writeHead(502, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
        res.end(body);
      } else res.destroy();
      socket.destroy();
      resolve(502);
    });
    req.pipe(upstream);
  });
}

