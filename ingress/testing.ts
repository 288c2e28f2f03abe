// Test helpers shared by the ingress tests and the benchmark: echo backends that answer with
// their identity, object builders, and a small HTTP client that can set Host and SNI.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { EndpointSlice, Ingress, KubeObject, Service } from '../api/types.js';

export interface Echo {
  readonly name: string;
  readonly host: string;
  readonly port: number;
  readonly server: http.Server;
  close(): Promise<void>;
}

export interface EchoReply {
  readonly name: string;
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** An HTTP server answering every request with JSON naming itself; also echoes WebSocket-free upgrades as raw TCP echo. */
export async function echoServer(name: string, host = '127.0.0.1'): Promise<Echo> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.stringify({ name, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() } satisfies EchoReply);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), server: 'echo' });
      res.end(body);
    });
  });
  server.on('upgrade', (req, socket, head) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nupgrade: ${req.headers.upgrade}\r\nconnection: Upgrade\r\nx-backend: ${name}\r\n\r\n`);
    if (head.length) socket.write(head);
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    name, host, port, server,
    close: () => new Promise((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

type Obj = KubeObject;

/** A Service plus one EndpointSlice pointing at the given echo servers (all must share one port). */
export function serviceFor(name: string, echoes: readonly { host: string; port: number }[], opts: { ns?: string; port?: number; portName?: string; notReady?: readonly number[] } = {}): Obj[] {
  const ns = opts.ns ?? 'default';
  const port = opts.port ?? 80;
  const portName = opts.portName ?? 'http';
  const svc: Service = { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { ports: [{ name: portName, port, protocol: 'TCP' }] } };
  // Endpoints of one slice share a port; echo servers on different ports get a slice each.
  const byPort = new Map<number, { host: string; i: number }[]>();
  echoes.forEach((e, i) => {
    const l = byPort.get(e.port) ?? [];
    l.push({ host: e.host, i });
    byPort.set(e.port, l);
  });
  const slices: EndpointSlice[] = [...byPort].map(([p, list], si) => ({
    apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice',
    metadata: { name: `${name}-${si}`, namespace: ns, labels: { 'kubernetes.io/service-name': name } },
    addressType: 'IPv4',
    ports: [{ name: portName, port: p, protocol: 'TCP' }],
    endpoints: list.map(({ host, i }) => ({ addresses: [host], conditions: { ready: !opts.notReady?.includes(i) } })),
  }));
  return [svc as unknown as Obj, ...(slices as unknown as Obj[])];
}

export interface PathSpec {
  readonly path?: string;
  readonly pathType?: 'Exact' | 'Prefix' | 'ImplementationSpecific';
  readonly service: string;
  readonly port?: number | string;
}

export function ingress(name: string, rules: readonly { host?: string; paths: readonly PathSpec[] }[], opts: { ns?: string; className?: string; annotations?: Record<string, string>; defaultBackend?: { service: string; port?: number | string }; tls?: { hosts: string[]; secretName: string }[]; created?: string } = {}): Obj {
  const port = (p: number | string | undefined) => (typeof p === 'string' ? { name: p } : { number: p ?? 80 });
  const ing: Ingress = {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: { name, namespace: opts.ns ?? 'default', annotations: opts.annotations, creationTimestamp: opts.created },
    spec: {
      ingressClassName: opts.className,
      defaultBackend: opts.defaultBackend ? { service: { name: opts.defaultBackend.service, port: port(opts.defaultBackend.port) } } : undefined,
      tls: opts.tls,
      rules: rules.map((r) => ({
        host: r.host,
        http: { paths: r.paths.map((p) => ({ path: p.path, pathType: p.pathType ?? 'Prefix', backend: { service: { name: p.service, port: port(p.port) } } })) },
      })),
    },
  };
  return ing as unknown as Obj;
}

export interface Reply {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  /** The echo backend that answered, if one did. */
  readonly backend?: string;
  readonly echo?: EchoReply;
}

export interface RequestOptions {
  readonly host?: string;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  readonly agent?: http.Agent;
  readonly tls?: { servername?: string; ca?: string };
}

export function request(port: number, path: string, o: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(o.host ? { host: o.host } : {}), ...o.headers };
    const common = { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers, agent: o.agent ?? (o.tls ? false : undefined) };
    const req = o.tls
      ? https.request({ ...common, servername: o.tls.servername, ca: o.tls.ca, rejectUnauthorized: o.tls.ca !== undefined })
      : http.request(common);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString();
        let echo: EchoReply | undefined;
        if (res.headers['content-type'] === 'application/json') {
          try { echo = JSON.parse(body) as EchoReply; } catch { /* not an echo */ }
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, backend: echo?.name, echo });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

export interface World {
  readonly src: import('../client/memory.js').MemorySource;
  readonly server: import('./server.js').IngressServer;
  readonly port: number;
  readonly echoes: Readonly<Record<string, Echo>>;
  /** Applies objects and recompiles at once (instead of on the next turn of the loop). */
  apply(...objs: KubeObject[]): void;
  get(path: string, o?: RequestOptions): Promise<Reply>;
  close(): Promise<void>;
}

/**
 * A MemorySource with IngressClass "podnet" (ours, default), echo backends named `names` on
 * 127.0.0.1, .2, .3 … each behind Service "svc-<name>", and a started controller.
 */
export async function world(names: readonly string[] = ['a', 'b', 'c'], opts: Partial<import('./server.js').ServeOptions> = {}): Promise<World> {
  const { MemorySource } = await import('../client/memory.js');
  const { serveIngress } = await import('./server.js');
  const src = new MemorySource();
  const echoes: Record<string, Echo> = {};
  try {
    for (const [i, n] of names.entries()) echoes[n] = await echoServer(n, `127.0.0.${(i % 8) + 1}`);
  } catch (err) {
    await Promise.all(Object.values(echoes).map((e) => e.close()));
    throw err;
  }
  src.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'podnet', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'podnet.dev/ingress' } });
  for (const n of names) for (const o of serviceFor(`svc-${n}`, [echoes[n]!])) src.apply(o);
  let server: import('./server.js').IngressServer;
  try {
    server = await serveIngress({ source: src, listen: { host: '127.0.0.1', port: 0 }, accessLog: false, ...opts });
  } catch (err) {
    await Promise.all(Object.values(echoes).map((e) => e.close()));
    throw err;
  }
  const port = server.ports().http;
  return {
    src, server, port, echoes,
    apply: (...objs) => {
      for (const o of objs) src.apply(o);
      server.reload();
    },
    get: (path, o) => request(port, path, o),
    close: async () => {
      await server.close();
      await Promise.all(Object.values(echoes).map((e) => e.close()));
    },
  };
}
