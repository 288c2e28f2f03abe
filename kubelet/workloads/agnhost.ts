// agnhost-compatible subcommands, the servers Kubernetes' own e2e networking tests talk to:
// netexec (HTTP+UDP API), serve-hostname, porter and connect.
import http from 'node:http';
import dgram from 'node:dgram';
import net from 'node:net';
import { execFile } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { boolFlag, flag, portOf, type WorkloadEnv } from './env.js';
import { listenHttp, listenUdp, type Closer } from './echo.js';

function udpRequest(host: string, port: number, payload: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
    const timer = setTimeout(() => (sock.close(), reject(new Error(`udp: no reply from ${host}:${port}`))), timeoutMs);
    sock.on('message', (m) => (clearTimeout(timer), sock.close(), resolve(m.toString().trim())));
    sock.on('error', (e) => (clearTimeout(timer), sock.close(), reject(e)));
    sock.send(payload, port, host);
  });
}

function httpRequest(url: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(Buffer.concat(chunks).toString().trim()));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`http: timeout after ${timeoutMs}ms`)));
    req.on('error', reject);
  });
}

async function dial(q: URLSearchParams): Promise<{ responses?: string[]; errors?: string[] }> {
  const host = q.get('host') ?? '';
  const port = Number(q.get('port'));
  const request = q.get('request') ?? 'hostname';
  const protocol = (q.get('protocol') ?? 'http').toLowerCase();
  const tries = Math.max(1, Number(q.get('tries') ?? 1));
  const out: { responses?: string[]; errors?: string[] } = {};
  const hostPort = net.isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
  for (let i = 0; i < tries; i++) {
    try {
      const r = protocol === 'udp' ? await udpRequest(host, port, request, 1000) : await httpRequest(`http://${hostPort}/${request.replace(/^\//, '')}`, 5000);
      (out.responses ??= []).push(r);
    } catch (e) {
      (out.errors ??= []).push(e instanceof Error ? e.message : String(e));
    }
  }
  return out;
}

export function runNetexec(env: WorkloadEnv, args: readonly string[]): Closer {
  const httpPort = portOf(flag(args, 'http-port'), 8080);
  const udpFlag = flag(args, 'udp-port');
  // agnhost turns the UDP server off with --udp-port=-1.
  const udpPort = udpFlag === '-1' ? -1 : portOf(udpFlag, 8081);
  const shell = boolFlag(args, 'enable-shell', process.env.PODNET_AGNHOST_SHELL === 'true');
  const handler: http.RequestListener = (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const q = url.searchParams;
    const send = (code: number, body: string) => ((res.statusCode = code), res.end(body));
    switch (url.pathname) {
      case '/':
        return send(200, `NOW: ${new Date().toISOString()}`);
      case '/hostname':
      case '/hostName':
        return send(200, env.hostname);
      case '/clientip':
        return send(200, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
      case '/echo':
        return send(200, q.get('msg') ?? '');
      case '/healthz':
        return send(200, 'ok');
      case '/header':
        return send(200, String(req.headers[(q.get('key') ?? '').toLowerCase()] ?? ''));
      case '/exit':
        send(200, '');
        return void setImmediate(() => process.exit(Number(q.get('code') ?? 0)));
      case '/dial':
        return void dial(q).then((r) => (res.setHeader('Content-Type', 'application/json'), send(200, JSON.stringify(r))));
      case '/shell':
        if (!shell) return send(404, 'shell is disabled (netexec --enable-shell)\n');
        return void execFile('sh', ['-c', q.get('shellCommand') ?? q.get('cmd') ?? ''], (err, stdout, stderr) => {
          res.setHeader('Content-Type', 'application/json');
          send(200, JSON.stringify(err ? { output: stdout, error: `${err.message}${stderr}` } : { output: stdout }));
        });
      default:
        return send(404, '404 page not found\n');
    }
  };
  const closers: (() => void)[] = [];
  const bound: Promise<number>[] = [
    listenHttp(httpPort, handler).then((s) => (closers.push(() => s.close()), (s.address() as AddressInfo).port)),
  ];
  if (udpPort >= 0) {
    bound.push(
      listenUdp(udpPort, (msg, from) => {
        const [cmd, ...rest] = msg.toString().trim().split(' ');
        if (cmd === 'hostname' || cmd === 'hostName') return env.hostname;
        if (cmd === 'echo') return rest.join(' ');
        if (cmd === 'clientip') return `${from.address}:${from.port}`;
        return `unknown command "${cmd}"`;
      }).then((s) => (closers.push(() => s.close()), s.address().port)),
    );
  }
  return { close: () => closers.forEach((c) => c()), bound: Promise.all(bound) };
}

export function runServeHostname(env: WorkloadEnv, args: readonly string[]): Closer {
  const port = portOf(flag(args, 'port'), 9376);
  const useUdp = boolFlag(args, 'udp', false);
  const useTcp = boolFlag(args, 'tcp', false);
  const useHttp = boolFlag(args, 'http', !useUdp && !useTcp);
  const closers: (() => void)[] = [];
  const bound: Promise<number>[] = [];
  if (useHttp) bound.push(listenHttp(port, (_q, res) => res.end(env.hostname)).then((s) => (closers.push(() => s.close()), (s.address() as AddressInfo).port)));
  if (useUdp) bound.push(listenUdp(port, () => env.hostname).then((s) => (closers.push(() => s.close()), s.address().port)));
  if (useTcp && !useHttp) {
    const srv = net.createServer((c) => c.end(env.hostname));
    bound.push(new Promise((res, rej) => srv.once('error', rej).listen(port, '0.0.0.0', () => (closers.push(() => srv.close()), res((srv.address() as AddressInfo).port)))));
  }
  return { close: () => closers.forEach((c) => c()), bound: Promise.all(bound) };
}

/** porter: every SERVE_PORT_<n>=<text> env var serves <text> over HTTP on port n. */
export function runPorter(envVars: NodeJS.ProcessEnv): Closer {
  const closers: (() => void)[] = [];
  const bound: Promise<number>[] = [];
  for (const [k, v] of Object.entries(envVars)) {
    const m = /^SERVE_PORT_(\d+)$/.exec(k);
    if (!m) continue;
    bound.push(listenHttp(Number(m[1]), (_q, res) => res.end(v ?? '')).then((s) => (closers.push(() => s.close()), (s.address() as AddressInfo).port)));
  }
  return { close: () => closers.forEach((c) => c()), bound: Promise.all(bound) };
}

/** connect HOST:PORT [--timeout=5s]: exit 0 when a TCP connection opens, 1 otherwise. */
export function runConnect(args: readonly string[]): Promise<number> {
  const target = args.find((a) => !a.startsWith('-')) ?? '';
  const i = target.lastIndexOf(':');
  const host = target.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(target.slice(i + 1));
  const timeoutMs = parseFloat(flag(args, 'timeout') ?? '5') * 1000;
  return new Promise((resolve) => {
    const s = net.connect({ host, port, timeout: timeoutMs });
    s.on('connect', () => (s.destroy(), resolve(0)));
    s.on('timeout', () => (s.destroy(), process.stderr.write(`TIMEOUT\n`), resolve(1)));
    s.on('error', (e) => (process.stderr.write(`${(e as NodeJS.ErrnoException).code === 'ECONNREFUSED' ? 'REFUSED' : 'OTHER'}: ${e.message}\n`), resolve(1)));
  });
}
