// healthCheckNodePort servers: one HTTP server per `externalTrafficPolicy: Local` Service on
// this node, answering 200 when the node has local endpoints and 503 when not, with
// kube-proxy's JSON body, so a load balancer can skip nodes without endpoints. Runs inside the
// node's namespace (in the agent process). Ports open only once the first plan has arrived.
import { createServer, type Server } from 'node:http';
import type { HealthCheckView } from './types.js';

interface Entry {
  view: HealthCheckView;
  server: Server;
}

export function healthBody(v: HealthCheckView): string {
  return JSON.stringify({ service: { namespace: v.namespace, name: v.name }, localEndpoints: v.localEndpoints, serviceProxyHealthy: true });
}

export class HealthCheckServers {
  private readonly byPort = new Map<number, Entry>();

  /** Opens, updates and closes servers to match `checks`; resolves when new ports listen. */
  async update(checks: readonly HealthCheckView[], host = '0.0.0.0'): Promise<string[]> {
    const errors: string[] = [];
    const wanted = new Map(checks.map((c) => [c.port, c]));
    for (const [port, e] of this.byPort) {
      if (wanted.has(port)) continue;
      e.server.close();
      this.byPort.delete(port);
    }
    for (const [port, view] of wanted) {
      const have = this.byPort.get(port);
      if (have) {
        have.view = view;
        continue;
      }
      const entry: Entry = { view, server: createServer() };
      entry.server.on('request', (_req, res) => {
        const v = entry.view;
        res.writeHead(v.localEndpoints > 0 ? 200 : 503, { 'Content-Type': 'application/json', 'X-Content-Type-Options': 'nosniff' });
        res.end(healthBody(v));
      });
      try {
        await new Promise<void>((resolve, reject) => {
          entry.server.once('error', reject);
          entry.server.listen(port, host, () => resolve());
        });
        this.byPort.set(port, entry);
      } catch (err) {
        errors.push(`proxy: cannot listen for health checks of ${view.namespace}/${view.name} on port ${port}: ${(err as Error).message}`);
      }
    }
    return errors;
  }

  close(): void {
    for (const e of this.byPort.values()) e.server.close();
    this.byPort.clear();
  }
}

/**
 * The proxy's own health endpoint (kube-proxy serves it on 10256): `/healthz` and `/livez` answer
 * 200 with the time of the last applied plan; `/ready` answers 200 once a plan has been applied.
 * Opened by the agent with the first plan, so it never says ready before the first sync.
 */
export class ProxyHealthz {
  private server: Server | undefined;
  private lastUpdated = 0;

  planApplied(): void {
    this.lastUpdated = Date.now();
  }

  async listen(port: number, host = '0.0.0.0'): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      const body = JSON.stringify({ lastUpdated: new Date(this.lastUpdated).toISOString(), currentTime: new Date().toISOString() });
      if (path === '/healthz' || path === '/livez' || path === '/ready') {
        res.writeHead(this.lastUpdated > 0 ? 200 : 503, { 'Content-Type': 'application/json' });
        res.end(body);
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve());
    });
    this.server = server;
  }

  close(): void {
    this.server?.close();
    this.server = undefined;
  }
}
