// `--workers N`: several controller processes share the listening ports, like nginx's
// worker_processes. node:cluster's primary owns the sockets and hands each new connection to
// one worker; every worker watches the objects and compiles its own table (cheap), serves
// requests, and keeps its own metrics, which the primary sums for --metrics-listen. Only
// worker 0 writes statuses and Events, so N workers do not write everything N times.
import cluster, { type Worker } from 'node:cluster';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { AggregatorRegistry, type Registry } from 'prom-client';

const INDEX_ENV = 'PODNET_INGRESS_WORKER';
const READY = 'podnet-ingress-ready';
const STOP = 'podnet-ingress-stop';

/** This process's worker number; undefined when it is not a worker of runWorkers. */
export function workerIndex(): number | undefined {
  const v = process.env[INDEX_ENV];
  return cluster.isWorker && v !== undefined ? Number(v) : undefined;
}

/** Tells the primary this worker is serving, with `registry` as its metrics. */
export function reportReady(registry: Registry): void {
  // prom-client answers the primary's metric requests only once an AggregatorRegistry exists
  // in the process (its constructor installs the worker's message listener).
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  process.send?.({ type: READY });
}

/** Resolves on the first SIGINT or SIGTERM (a second one then ends the process as usual). */
export function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * In a worker: resolves when the primary asks it to stop (or goes away). Signals are the
 * primary's to handle: a terminal's Ctrl-C reaches the whole process group, and a worker that
 * acted on it as well would be killed by the primary's own request that follows.
 */
export function stopRequested(): Promise<void> {
  const ignore = (): void => {};
  process.on('SIGINT', ignore);
  process.on('SIGTERM', ignore);
  return new Promise((resolve) => {
    process.on('message', (m: { type?: string }) => { if (m?.type === STOP) resolve(); });
    process.once('disconnect', () => resolve());
  });
}

/** Loader flags (tsx in development) the workers need to run the same sources. */
function loaderArgs(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const a = execArgv[i]!;
    if ((a === '--import' || a === '--require' || a === '--loader') && i + 1 < execArgv.length) out.push(a, execArgv[++i]!);
    else if (/^--(import|require|loader)=/.test(a)) out.push(a);
  }
  return out;
}

export interface WorkersOptions {
  /** The `ingress serve` arguments each worker runs with. */
  readonly argv: readonly string[];
  readonly metricsListen?: { host: string; port: number };
  /** Called once every worker is serving (tests, logs). */
  readonly onReady?: (metricsPort: number | undefined) => void;
}

/**
 * Runs `n` workers until SIGINT/SIGTERM, re-forking any that dies meanwhile; on a signal, asks
 * them to stop (each finishes its requests in flight) and resolves when all have exited.
 */
export async function runWorkers(n: number, o: WorkersOptions): Promise<void> {
  const self = fileURLToPath(import.meta.url);
  cluster.setupPrimary({ exec: self.replace(/workers\.(ts|js)$/, 'worker_main.$1'), args: [...o.argv], execArgv: loaderArgs(process.execArgv) });
  let stopping = false;
  const ready = new Set<number>();
  const workers = new Map<number, Worker>();
  const aggregator = new AggregatorRegistry();
  let metricsServer: http.Server | undefined;
  let announced = false;
  const fork = (i: number): void => {
    const w = cluster.fork({ [INDEX_ENV]: String(i) });
    workers.set(i, w);
    w.on('message', (m: { type?: string }) => {
      if (m?.type !== READY) return;
      ready.add(i);
      if (ready.size === n && !announced) {
        announced = true;
        o.onReady?.(metricsServer ? (metricsServer.address() as AddressInfo).port : undefined);
      }
    });
    w.on('exit', (code) => {
      ready.delete(i);
      workers.delete(i);
      if (stopping) return;
      process.stderr.write(`ingress: worker ${i} exited (${code}), starting it again\n`);
      fork(i);
    });
  };
  if (o.metricsListen) {
    metricsServer = http.createServer((req, res) => {
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/metrics') {
        aggregator.clusterMetrics().then((text) => { res.writeHead(200, { 'content-type': aggregator.contentType }); res.end(text); }, () => { res.writeHead(503); res.end(); });
      } else if (path === '/healthz' || path === '/ready') {
        res.writeHead(ready.size === n ? 200 : 503, { 'content-type': 'text/plain' });
        res.end(`${ready.size}/${n} workers serving\n`);
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    await new Promise<void>((resolve, reject) => {
      metricsServer!.once('error', reject);
      metricsServer!.listen(o.metricsListen!.port, o.metricsListen!.host, () => resolve());
    });
  }
  for (let i = 0; i < n; i++) fork(i);
  await untilSignal();
  stopping = true;
  await Promise.all([...workers.values()].map((w) => new Promise<void>((resolve) => {
    if (w.isDead()) return resolve();
    w.once('exit', () => resolve());
    w.send({ type: STOP });
  })));
  metricsServer?.close();
}
