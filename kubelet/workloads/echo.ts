// The echo server standing in for nginx, http-echo, whoami and any image podnet cannot run: every
// declared TCP port answers HTTP with who served it and what was asked; every UDP port echoes.
import http from 'node:http';
import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { flag, portOf, type WorkloadEnv } from './env.js';

export interface Closer {
  close(): void;
  /** Bound ports, for tests that listen on port 0. */
  readonly bound: Promise<number[]>;
}

function describe(env: WorkloadEnv, req: http.IncomingMessage): string {
  const lines = [
    `Hostname: ${env.hostname}`,
    `Pod: ${env.podName}`,
    `Namespace: ${env.namespace}`,
    `ClientAddress: ${req.socket.remoteAddress}:${req.socket.remotePort}`,
    `ServerAddress: ${req.socket.localAddress}:${req.socket.localPort}`,
    `Request: ${req.method} ${req.url} HTTP/${req.httpVersion}`,
  ];
  for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
  return `${lines.join('\n')}\n`;
}

export function listenHttp(port: number, handler: http.RequestListener): Promise<http.Server> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve(server));
  });
}

export function listenUdp(port: number, reply: (msg: Buffer, from: dgram.RemoteInfo) => string | Buffer): Promise<dgram.Socket> {
  const sock = dgram.createSocket('udp4');
  sock.on('message', (msg, rinfo) => sock.send(reply(msg, rinfo), rinfo.port, rinfo.address));
  return new Promise((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, '0.0.0.0', () => resolve(sock));
  });
}

/** http-echo style: `-text=...` answers with that text; `-listen=:PORT` adds a port. */
export function runEcho(env: WorkloadEnv, args: readonly string[]): Closer {
  const text = flag(args, 'text');
  const ports = [...env.ports];
  const listen = flag(args, 'listen');
  if (listen !== undefined) ports.push({ port: portOf(listen, 5678), protocol: 'TCP' });
  else if (text !== undefined && !ports.some((p) => p.protocol === 'TCP')) ports.push({ port: 5678, protocol: 'TCP' });
  if (ports.length === 0) ports.push({ port: 80, protocol: 'TCP' });
  const seen = new Set<string>();
  const closers: (() => void)[] = [];
  const bound: Promise<number>[] = [];
  for (const p of ports) {
    const key = `${p.port}/${p.protocol}`;
    if (seen.has(key) || p.protocol === 'SCTP') continue;
    seen.add(key);
    if (p.protocol === 'UDP') {
      const s = listenUdp(p.port, (msg) => `${env.podName}: ${msg.toString()}`);
      bound.push(s.then((sock) => (closers.push(() => sock.close()), sock.address().port)));
    } else {
      const s = listenHttp(p.port, (req, res) => {
        if (req.url === '/healthz') return void res.end('ok\n');
        res.setHeader('Content-Type', 'text/plain; charset=utf-8');
        res.setHeader('X-Pod-Name', env.podName);
        res.end(text !== undefined ? `${text}\n` : describe(env, req));
      });
      bound.push(s.then((srv) => (closers.push(() => srv.close()), (srv.address() as AddressInfo).port)));
    }
  }
  return { close: () => closers.forEach((c) => c()), bound: Promise.all(bound) };
}
