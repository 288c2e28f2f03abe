// The L7 sink: components that see requests (cluster DNS, the ingress controller) push one JSON
// object per line — over HTTP (POST /api/l7, NDJSON body) or a unix socket — and each becomes a flow.
//   {"node":"node-1","src":"10.244.1.5","dst":"10.244.1.2","type":"dns","name":"web.default.svc.cluster.local.","qtype":"A","rcode":"NOERROR","latencyMs":0.4}
//   {"node":"node-1","src":"10.244.1.5","dst":"10.244.2.3","type":"http","host":"shop.example","path":"/","status":200,"latencyMs":3.1}
import { createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import type { AddressIndex } from './enrich.js';
import type { Flow } from './types.js';

function str(o: Record<string, unknown>, k: string): string {
  const v = o[k];
  if (typeof v !== 'string' || !v) throw new TypeError(`observe: L7 record needs string "${k}", got ${JSON.stringify(v)}`);
  return v;
}

function num(o: Record<string, unknown>, k: string): number {
  const v = o[k];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`observe: L7 record needs number "${k}", got ${JSON.stringify(v)}`);
  return v;
}

/** One sink line → a flow; throws TypeError/SyntaxError naming what is wrong. */
export function flowFromL7(line: string, index: AddressIndex, nowMs: number = Date.now()): Flow {
  const o = JSON.parse(line) as unknown;
  if (!o || typeof o !== 'object' || Array.isArray(o)) throw new TypeError(`observe: L7 record must be a JSON object, got ${line.slice(0, 80)}`);
  const r = o as Record<string, unknown>;
  const type = str(r, 'type');
  const src = index.endpoint(str(r, 'src'), typeof r.srcPort === 'number' ? r.srcPort : undefined);
  const dst = index.endpoint(str(r, 'dst'), typeof r.dstPort === 'number' ? r.dstPort : undefined);
  // Without a node, the record belongs to the client's node (where metrics count it).
  const node = typeof r.node === 'string' ? r.node : (index.nodeOfPod(src.ip) ?? 'l7');
  const time = typeof r.time === 'string' && !Number.isNaN(Date.parse(r.time)) ? r.time : new Date(nowMs).toISOString();
  if (type === 'dns') {
    const rcode = str(r, 'rcode');
    return { time, node, event: 'l7', src, dst, protocol: 'DNS', verdict: 'forwarded', l7: { type: 'dns', name: str(r, 'name'), qtype: str(r, 'qtype'), rcode, latencyMs: num(r, 'latencyMs') } };
  }
  if (type === 'http') {
    const method = typeof r.method === 'string' ? r.method : undefined;
    return {
      time, node, event: 'l7', src, dst, protocol: 'HTTP', verdict: 'forwarded',
      l7: { type: 'http', host: str(r, 'host'), path: str(r, 'path'), status: num(r, 'status'), latencyMs: num(r, 'latencyMs'), ...(method ? { method } : {}) },
    };
  }
  throw new TypeError(`observe: unknown L7 record type "${type}": use dns or http`);
}

/** Feeds every complete line of NDJSON to `onLine`; returns the unfinished rest. */
export function splitLines(buf: string, onLine: (line: string) => void): string {
  let nl: number;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const line = buf.slice(0, nl).trim();
    buf = buf.slice(nl + 1);
    if (line) onLine(line);
  }
  return buf;
}

/** A unix-socket NDJSON sink; bad lines are counted and skipped, never fatal. */
export async function listenUnixSink(path: string, onLine: (line: string) => void): Promise<{ close(): Promise<void> }> {
  await rm(path, { force: true });
  const server: Server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d: string) => {
      buf = splitLines(buf + d, onLine);
    });
    sock.on('end', () => splitLines(`${buf}\n`, onLine));
    sock.on('error', () => {});
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  return {
    close: () => new Promise<void>((resolve) => server.close(() => rm(path, { force: true }).then(() => resolve(), () => resolve()))),
  };
}
