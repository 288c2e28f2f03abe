// Probes (httpGet, tcpSocket, exec; grpc treated as a TCP connect), run the way the kubelet runs
// them: HTTP and TCP from the node's namespace to the pod IP, exec inside the pod's namespace.
import http from 'node:http';
import type net from 'node:net';
import type { Container, core } from '../api/types.js';
import { run } from '../host/exec.js';
import { netnsArgv } from './process.js';

export interface ProbeTarget {
  /** Where the pod's IP is reachable from (the node netns). */
  readonly nodeNetns: string;
  /** The container's own netns (for exec probes). */
  readonly podNetns: string;
  /** The pod's UTS namespace file (exec probes see the pod's hostname). */
  readonly podUts?: string;
  readonly podIP: string;
  readonly container: Container;
  readonly env: Readonly<Record<string, string>>;
  /** Opens a TCP connection to ip:port from inside a netns (host/relay dialInNetns). */
  readonly dial: (netns: string, ip: string, port: number) => Promise<net.Socket>;
}

export interface ProbeResult {
  readonly ok: boolean;
  readonly message: string;
}

export function resolvePort(port: number | string | undefined, c: Container): number {
  if (typeof port === 'number') return port;
  if (port !== undefined && /^\d+$/.test(port)) return Number(port);
  const named = c.ports?.find((p) => p.name === port);
  if (!named) throw new RangeError(`kubelet: probe port "${port}" is not a named port of container "${c.name}"`);
  return named.containerPort;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => (t = setTimeout(() => rej(new Error(`${what}: timeout after ${ms / 1000}s`)), ms)))]).finally(() => clearTimeout(t));
}

async function httpProbe(g: core.HTTPGetAction, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const port = resolvePort(g.port, t.container);
  const host = g.host || t.podIP;
  const path = g.path || '/';
  const sock = await t.dial(t.nodeNetns, host, port);
  return new Promise((resolve) => {
    const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.30', Accept: '*/*' };
    for (const h of g.httpHeaders ?? []) headers[h.name] = h.value;
    const req = http.request({ host, port, path, method: 'GET', headers, createConnection: () => sock, timeout: timeoutMs }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve({ ok: code >= 200 && code < 400, message: `HTTP probe failed with statuscode: ${code}` });
      sock.destroy();
    });
    req.on('timeout', () => req.destroy(new Error(`Get "http://${host}:${port}${path}": context deadline exceeded`)));
    req.on('error', (e) => resolve({ ok: false, message: e.message }));
    req.end();
  });
}

async function tcpProbe(port: number, t: ProbeTarget, host: string | undefined): Promise<ProbeResult> {
  const sock = await t.dial(t.nodeNetns, host || t.podIP, port);
  sock.destroy();
  return { ok: true, message: '' };
}

async function execProbe(e: core.ExecAction, t: ProbeTarget, timeoutMs: number): Promise<ProbeResult> {
  const [cmd, ...args] = netnsArgv(t.podNetns, e.command ?? [], false, t.podUts);
  const r = await run(cmd!, args, { env: { ...t.env }, timeoutMs });
  return { ok: r.code === 0, message: `command ${JSON.stringify(e.command)} exited with ${r.code}: ${(r.stdout + r.stderr).trim()}` };
}

export async function runProbe(p: core.Probe, t: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  try {
    if (p.httpGet) return await withTimeout(httpProbe(p.httpGet, t, timeoutMs), timeoutMs + 500, 'HTTP probe');
    if (p.tcpSocket) return await withTimeout(tcpProbe(resolvePort(p.tcpSocket.port, t.container), t, p.tcpSocket.host), timeoutMs, 'TCP probe');
    if (p.grpc) return await withTimeout(tcpProbe(p.grpc.port, t, undefined), timeoutMs, 'gRPC probe');
    if (p.exec) return await execProbe(p.exec, t, timeoutMs);
    return { ok: true, message: 'probe has no handler' };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}
