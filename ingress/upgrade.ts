// Upgrades (WebSocket and any other protocol switch): the request goes to the endpoint on a
// fresh connection (never a pooled one: after a 101 the socket belongs to the new protocol),
// and once the backend switches, bytes are relayed both ways until either side closes.
import http from 'node:http';
import https from 'node:https';
import type { Socket } from 'node:net';
import type { Endpoint } from './backends.js';

export interface UpgradeTarget {
  readonly endpoint: Endpoint;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** Path and query to request upstream (after rewrites). */
  readonly path: string;
  readonly client: string;
  readonly secure: boolean;
  /** Answers the client with an error status and closes. */
  readonly fail: (status: number, text: string) => void;
}

function head(res: http.IncomingMessage): string {
  let text = `HTTP/1.1 ${res.statusCode} ${res.statusMessage}\r\n`;
  for (let i = 0; i < res.rawHeaders.length; i += 2) text += `${res.rawHeaders[i]}: ${res.rawHeaders[i + 1]}\r\n`;
  return text + '\r\n';
}

export function relayUpgrade(req: http.IncomingMessage, socket: Socket, early: Buffer, t: UpgradeTarget): void {
  const headers: http.OutgoingHttpHeaders = { ...req.headers };
  const xff = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = xff ? `${xff}, ${t.client}` : t.client;
  headers['x-real-ip'] = t.client;
  headers['x-forwarded-proto'] = t.secure ? 'https' : 'http';
  headers['x-forwarded-host'] = req.headers.host;
  const mod = t.protocol === 'HTTPS' ? https : http;
  const up = mod.request({ host: t.endpoint.ip, port: t.endpoint.port, method: req.method, path: t.path, headers, agent: false, rejectUnauthorized: false });
  up.on('upgrade', (ures, usock, uhead) => {
    socket.write(head(ures));
    if (uhead.length) socket.write(uhead);
    if (early.length) usock.write(early);
    usock.on('error', () => socket.destroy());
    socket.on('error', () => usock.destroy());
    socket.on('close', () => usock.destroy());
    usock.on('close', () => socket.destroy());
    usock.pipe(socket);
    socket.pipe(usock);
  });
  // The backend declined to switch: pass its answer on as is.
  up.on('response', (ures) => {
    socket.write(head(ures));
    ures.pipe(socket);
  });
  up.on('error', () => t.fail(502, 'Bad Gateway'));
  up.end();
}
