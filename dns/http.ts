// The HTTP side plugins: `health` (/health), `ready` (/ready, 200 once the first sync is done)
// and `prometheus` (/metrics). One listener per address, shared by every block naming it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpAddr } from './config.js';

export type HttpRoute = (path: string) => { status: number; body: string; type?: string } | undefined;

export interface HttpListener {
  readonly key: string;
  readonly routes: Map<string, HttpRoute>;
  address(): { address: string; port: number };
  close(): Promise<void>;
}

export function httpKey(a: HttpAddr): string {
  return `${a.host}:${a.port}`;
}

export async function listenHttp(addr: HttpAddr): Promise<HttpListener> {
  const routes = new Map<string, HttpRoute>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    for (const route of routes.values()) {
      const r = route(path);
      if (r) {
        res.writeHead(r.status, { 'content-type': r.type ?? 'text/plain; charset=utf-8' });
        res.end(r.body);
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('404 page not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(addr.port, addr.host || undefined, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    key: httpKey(addr),
    routes,
    address: () => {
      const a = server.address() as AddressInfo;
      return { address: a.address, port: a.port };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
