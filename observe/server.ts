// The HTTP face of observe on 127.0.0.1: flows (NDJSON, followable), topology, SSE events for the
// map, the L7 sink, the policy matrix, Prometheus metrics, and the map's static files.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFilter } from './filter.js';
import type { FlowHub } from './hub.js';
import type { Topology } from './topology.js';
import type { Flow } from './types.js';
import type { PolicyMatrix } from './matrix.js';
import type { Decision } from '../netpol/engine.js';
import { splitLines } from './sink.js';

export interface ServerDeps {
  readonly hub: FlowHub;
  topology(): Topology;
  /** Subscribes to object changes; returns an unsubscribe function. */
  onTopologyChange(fn: () => void): () => void;
  ingestL7(line: string): void;
  /** The latest latency probe per node pair (prober.ts). */
  probes?(): { intervalMs: number; results: readonly unknown[] };
  matrix(port: number, protocol: string, namespace?: string): PolicyMatrix;
  explain(from: string, to: string, port: number, protocol: string): Decision | undefined;
  trace?(from: string, to: string): Promise<unknown>;
}

const HERE = fileURLToPath(new URL('.', import.meta.url));
// Compiled into dist/observe/, the static files stay in the source tree's observe/ui.
const UI_DIR = [join(HERE, 'ui'), join(HERE, '..', '..', 'observe', 'ui')].find((d) => existsSync(join(d, 'index.html'))) ?? join(HERE, 'ui');
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.png': 'image/png' };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage, limit = 4 << 20): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) reject(new RangeError(`observe: request body over ${limit} bytes`));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
    req.on('error', reject);
  });
}

async function serveStatic(res: ServerResponse, path: string): Promise<void> {
  const file = path === '/' ? 'index.html' : path.slice(1);
  if (!/^[\w.-]+$/.test(file)) return json(res, 404, { error: `observe: no such file "${path}"` });
  try {
    const body = await readFile(join(UI_DIR, file));
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' });
    res.end(body);
  } catch {
    json(res, 404, { error: `observe: no such file "${path}"` });
  }
}

export function createObserveServer(deps: ServerDeps): Server {
  const closers = new Set<() => void>();
  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) json(res, err instanceof SyntaxError || err instanceof TypeError ? 400 : 500, { error: err.message });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://observe');
    const q = (k: string) => url.searchParams.get(k);
    switch (url.pathname) {
      case '/api/flows': {
        const filter = parseFilter(q);
        res.writeHead(200, { 'content-type': 'application/x-ndjson' });
        // A follower with nothing to show yet still gets its headers now.
        res.flushHeaders();
        for (const f of deps.hub.flows(filter)) res.write(`${JSON.stringify(f)}\n`);
        if (q('follow') !== '1' && q('follow') !== 'true') return void res.end();
        const { since: _s, limit: _l, ...live } = filter;
        const stop = deps.hub.follow(live, (f) => res.write(`${JSON.stringify(f)}\n`));
        closers.add(stop);
        req.on('close', () => {
          stop();
          closers.delete(stop);
        });
        return;
      }
      case '/api/topology':
        return json(res, 200, deps.topology());
      case '/api/events': {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
        const send = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
        send('topology', deps.topology());
        // Object bursts (a Deployment scaling) are coalesced into one topology message per 100 ms.
        let pending: NodeJS.Timeout | undefined;
        const offTopo = deps.onTopologyChange(() => {
          pending ??= setTimeout(() => {
            pending = undefined;
            send('topology', deps.topology());
          }, 100);
        });
        const offFlow = deps.hub.follow({}, (f: Flow) => send('flow', f));
        const stop = () => {
          offTopo();
          offFlow();
          if (pending) clearTimeout(pending);
          res.end();
        };
        closers.add(stop);
        req.on('close', () => {
          stop();
          closers.delete(stop);
        });
        return;
      }
      case '/api/l7': {
        if (req.method !== 'POST') return json(res, 405, { error: 'observe: POST NDJSON L7 records to /api/l7' });
        const body = await readBody(req);
        let accepted = 0;
        const errors: string[] = [];
        splitLines(`${body}\n`, (line) => {
          try {
            deps.ingestL7(line);
            accepted++;
          } catch (err) {
            errors.push((err as Error).message);
          }
        });
        return json(res, errors.length && !accepted ? 400 : 200, { accepted, errors });
      }
      case '/api/probes':
        return json(res, 200, deps.probes?.() ?? { intervalMs: 0, results: [] });
      case '/api/matrix':
        return json(res, 200, deps.matrix(Number(q('port') ?? 80), q('protocol') ?? 'TCP', q('namespace') ?? undefined));
      case '/api/explain': {
        const d = deps.explain(q('from') ?? '', q('to') ?? '', Number(q('port') ?? 80), q('protocol') ?? 'TCP');
        return d ? json(res, 200, d) : json(res, 404, { error: `observe: no pod "${q('from')}" or "${q('to')}"` });
      }
      case '/api/trace': {
        if (!deps.trace) return json(res, 501, { error: 'observe: trace is not available here (needs the data plane)' });
        try {
          return json(res, 200, await deps.trace(q('from') ?? '', q('to') ?? ''));
        } catch (err) {
          // A pod that does not exist, a target that does not parse: the caller's mistake.
          const e = err as Error & { code?: string };
          const mine = e.name === 'TraceError' || err instanceof SyntaxError || err instanceof RangeError;
          return json(res, mine ? 400 : 500, { error: e.message, ...(e.code ? { code: e.code } : {}) });
        }
      }
      case '/metrics': {
        const reg = deps.hub.metrics.registry;
        res.writeHead(200, { 'content-type': reg.contentType });
        return void res.end(await reg.metrics());
      }
      case '/ready':
        return json(res, 200, { ready: true });
      default:
        if (req.method === 'GET') return serveStatic(res, url.pathname);
        return json(res, 404, { error: `observe: no route "${url.pathname}"` });
    }
  }

  server.on('close', () => {
    for (const c of closers) c();
  });
  return server;
}
