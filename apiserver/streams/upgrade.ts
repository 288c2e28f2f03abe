// Upgraded connections for pods/exec, pods/attach and pods/portforward. Three wire protocols reach
// the same PodStreams calls: WebSocket channels (kubectl 1.30+ exec, client-node), SPDY/3.1 over
// the raw connection (kubectl ≤ 1.29 exec, ≤ 1.30 port-forward) and SPDY/3.1 tunnelled in
// WebSocket messages (kubectl 1.31+ port-forward).
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { resourceByPlural } from '../../api/resources.js';
import type { Context } from '../handler.js';
import { matchResourcePath } from '../routes.js';
import { ApiError, badRequest } from '../status.js';
import { SpdySession } from './spdy.js';
import { execOverChannels, portForwardOverChannels, CHANNEL_PROTOCOLS } from './channels.js';
import { execOverSpdy, portForwardOverSpdy } from './spdy_handlers.js';

const PODS = resourceByPlural('', 'pods')!;

export interface StreamRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly kind: 'exec' | 'attach' | 'portforward';
  readonly query: URLSearchParams;
}

function offered(header: string | string[] | undefined): string[] {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  return values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter(Boolean);
}

export async function handleUpgrade(ctx: Context, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://apiserver');
  const match = matchResourcePath(url.pathname);
  const sub = match.kind === 'resource' ? match.path.subresource : undefined;
  if (match.kind !== 'resource' || match.path.info !== PODS || !match.path.name || (sub !== 'exec' && sub !== 'attach' && sub !== 'portforward')) {
    throw new ApiError(400, 'BadRequest', `upgrade is only served for pods/exec, pods/attach and pods/portforward, not ${url.pathname}`);
  }
  const r: StreamRequest = { namespace: match.path.namespace!, pod: match.path.name, kind: sub, query: url.searchParams };
  await ctx.registry.get(PODS, r.namespace, r.pod);
  if (!ctx.podStreams) throw new ApiError(503, 'ServiceUnavailable', `pods "${r.pod}": ${r.kind} is not available: no kubelet is connected to this apiserver`);
  if (r.kind !== 'portforward' && r.query.getAll('command').length === 0 && r.kind === 'exec') throw badRequest('you must specify at least 1 command');
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  ctx.metrics.request('connect', `pods/${r.kind}`, 101, 0);

  if (upgrade === 'websocket') {
    const protocols = offered(req.headers['sec-websocket-protocol']);
    const tunnel = r.kind === 'portforward' && protocols.includes('SPDY/3.1+portforward.k8s.io');
    const chosen = tunnel ? 'SPDY/3.1+portforward.k8s.io' : protocols.find((p) => CHANNEL_PROTOCOLS.includes(p) || (r.kind === 'portforward' && p === 'portforward.k8s.io'));
    if (!chosen) throw badRequest(`none of the offered WebSocket subprotocols is supported: ${protocols.join(', ') || '(none)'}`);
    const ws = await new Promise<WebSocket>((resolve) => {
      const server = new WebSocketServer({ noServer: true, perMessageDeflate: false, handleProtocols: () => chosen });
      server.handleUpgrade(req, socket, head, (client) => resolve(client));
    });
    if (tunnel) {
      const session = new SpdySession({ write: (frame) => ws.readyState === ws.OPEN && ws.send(frame), close: () => ws.close(1000) });
      ws.on('message', (data: Buffer) => session.receive(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer)));
      ws.on('close', () => session.close());
      ws.on('error', () => session.close());
      portForwardOverSpdy(ctx, r, session);
      return;
    }
    if (r.kind === 'portforward') portForwardOverChannels(ctx, r, ws);
    else execOverChannels(ctx, r, ws, chosen);
    return;
  }

  if (upgrade === 'spdy/3.1') {
    const versions = offered(req.headers['x-stream-protocol-version']);
    const chosen =
      r.kind === 'portforward'
        ? versions.find((v) => v === 'portforward.k8s.io')
        : ['v4.channel.k8s.io', 'v3.channel.k8s.io', 'v2.channel.k8s.io', 'channel.k8s.io'].find((v) => versions.includes(v));
    if (!chosen) throw badRequest(`unable to upgrade: none of the stream protocol versions is supported: ${versions.join(', ') || '(none)'}`);
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${chosen}\r\n\r\n`);
    const session = new SpdySession({ write: (frame) => socket.writable && socket.write(frame), close: () => socket.end() });
    socket.on('data', (chunk: Buffer) => session.receive(chunk));
    socket.on('close', () => session.close());
    socket.on('error', () => session.close());
    if (head.length > 0) session.receive(head);
    if (r.kind === 'portforward') portForwardOverSpdy(ctx, r, session);
    else execOverSpdy(ctx, r, session, chosen);
    return;
  }
  throw badRequest(`unsupported upgrade: "${req.headers.upgrade ?? ''}"; use websocket or SPDY/3.1`);
}

