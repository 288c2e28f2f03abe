// The same questions asked through the apiserver's HTTP API, the way kubectl and informers ask
// them: create Services, list 10k Services, and how long a create takes to reach a watch.
import { Agent, request } from 'node:http';
import type { Storage } from '../../storage/types.js';
import { percentile, rate, timeAlternately } from './stats.js';

export interface HttpBenchOptions {
  readonly creates: number;
  readonly listSize: number;
  readonly watchWrites: number;
}

export interface HttpBenchResult {
  readonly createsPerSecSeq: number;
  readonly createsPerSec16: number;
  readonly list10kMs: number;
  /** The same list with a label selector that matches every Service (objects decoded, filtered and re-encoded). */
  readonly list10kSelectorMs: number;
  readonly watchP50Ms: number;
  readonly watchP99Ms: number;
  /** From the write being acknowledged to the watcher holding the event (0 when the event came first). */
  readonly afterAckP99Ms: number;
}

interface ApiServerLike {
  readonly url: string;
  close(): Promise<void>;
}
type Start = (opts: { storage: Storage; listen: { host: string; port: number } }) => Promise<ApiServerLike>;

/** The apiserver's entry point, or why it cannot be used (it is built by another component and may not exist yet). */
export async function loadApiServer(): Promise<Start | string> {
  // A computed specifier keeps this benchmark compiling while apiserver/ changes under it.
  const where = '../../apiserver/server.js';
  try {
    const mod = (await import(where)) as { startApiServer?: Start };
    return mod.startApiServer ?? 'apiserver/server.ts has no startApiServer export';
  } catch (err) {
    return `apiserver/server.ts could not be loaded: ${(err as Error).message}`;
  }
}

const PATH = '/api/v1/namespaces/default/services';

export async function benchHttp(start: Start, storage: Storage, o: HttpBenchOptions): Promise<HttpBenchResult> {
  const server = await start({ storage, listen: { host: '127.0.0.1', port: 0 } });
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  try {
    const create = (name: string) => call(agent, server.url, 'POST', PATH, serviceBody(name)).then(expectStatus(201, name));
    const createsPerSecSeq = await rate(o.creates, 1, (i) => create(`seq-${i}`));
    const createsPerSec16 = await rate(o.creates, 16, (i) => create(`conc-${i}`));
    const have = 2 * o.creates + 1; // + the kubernetes Service
    await rate(Math.max(0, o.listSize - have), 16, (i) => create(`fill-${i}`));
    const list = (path: string, want: number) => async () => {
      const { status, body } = await call(agent, server.url, 'GET', path);
      const n = (JSON.parse(body) as { items: unknown[] }).items.length;
      if (status !== 200 || n < want) throw new Error(`bench: list ${path} returned ${status} with ${n} Services`);
    };
    // A selector every Service matches (all but `kubernetes`) sends the list down the decode-filter-encode path; the two
    // are timed alternately so that the machine's load hits both alike and their ratio holds.
    const [list10kMs, list10kSelectorMs] = await timeAlternately(5, [list(PATH, o.listSize), list(`${PATH}?labelSelector=app.kubernetes.io%2Fpart-of%3Dbench`, o.listSize - 1)]);
    const latencies = await watchLatencies(agent, server.url, o.watchWrites);
    return { createsPerSecSeq, createsPerSec16, list10kMs, list10kSelectorMs: list10kSelectorMs!, watchP50Ms: percentile(latencies.total, 50), watchP99Ms: percentile(latencies.total, 99), afterAckP99Ms: percentile(latencies.afterAck, 99) };
  } finally {
    agent.destroy();
    await server.close();
  }
}

async function watchLatencies(agent: Agent, base: string, writes: number): Promise<{ total: number[]; afterAck: number[] }> {
  const { body } = await call(agent, base, 'GET', `${PATH}?limit=1`);
  const rv = (JSON.parse(body) as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
  const waiting = new Map<string, (t: number) => void>();
  const stream = await openWatch(base, `${PATH}?watch=1&resourceVersion=${rv}`, (ev) => waiting.get(ev.object?.metadata?.name ?? '')?.(performance.now()));
  try {
    const total: number[] = [];
    const afterAck: number[] = [];
    for (let i = 0; i < writes; i++) {
      const name = `watch-${i}`;
      const arrived = new Promise<number>((resolve) => waiting.set(name, resolve));
      const t0 = performance.now();
      await call(agent, base, 'POST', PATH, serviceBody(name)).then(expectStatus(201, name));
      const acked = performance.now();
      const at = await arrived;
      total.push(at - t0);
      afterAck.push(Math.max(0, at - acked));
      waiting.delete(name);
    }
    return { total, afterAck };
  } finally {
    stream.destroy();
  }
}

interface WatchLine {
  type: string;
  object?: { metadata?: { name?: string } };
}

function openWatch(base: string, path: string, onEvent: (ev: WatchLine) => void): Promise<{ destroy(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, base), { method: 'GET' }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`bench: watch returned ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchLine);
        }
      });
      res.on('error', () => {});
      resolve({ destroy: () => req.destroy() });
    });
    req.on('error', (err) => reject(err));
    req.end();
  });
}

function serviceBody(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: { app: name, 'app.kubernetes.io/part-of': 'bench' } },
    spec: { selector: { app: name }, ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }] },
  });
}

function expectStatus(want: number, name: string) {
  return ({ status, body }: { status: number; body: string }) => {
    if (status !== want) throw new Error(`bench: creating Service "${name}" returned ${status}: ${body.slice(0, 300)}`);
  };
}

function call(agent: Agent, base: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const req = request(new URL(path, base), { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
