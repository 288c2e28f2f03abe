// One HTTP endpoint on 127.0.0.1 for every component's Prometheus metrics, a path each
// (`/metrics/apiserver`, `/metrics/proxy/node-1`, …) so that the same metric names from several
// nodes never collide in one exposition. `/metrics` lists the paths.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type MetricsSource = () => string | Promise<string>;

export interface MetricsServer {
  readonly url: string;
  register(path: string, source: MetricsSource): void;
  close(): Promise<void>;
}

export async function startMetricsServer(port: number): Promise<MetricsServer> {
  const sources = new Map<string, MetricsSource>();
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/$/, '');
    if (path === '/metrics' || path === '') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end([...sources.keys()].sort().map((p) => `/metrics/${p}`).join('\n') + '\n');
      return;
    }
    const source = sources.get(path.replace(/^\/metrics\//, ''));
    if (!source) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end(`no metrics at ${path}; see /metrics for the list\n`);
      return;
    }
    Promise.resolve()
      .then(source)
      .then(
        (text) => {
          res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
          res.end(text);
        },
        (err: Error) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`${err.message}\n`);
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
  return {
    url,
    register: (path, source) => sources.set(path, source),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
