// `podnet ingress serve`: flags → serveIngress, with status writes and Events through the
// cluster client when the source is a kubeconfig.
import { hostOf, l7Writer } from '../client/l7sink.js';
import { parseArgs } from 'node:util';
import { PodnetError } from '../api/errors.js';
import { resourceByKind } from '../api/resources.js';
import type { Ingress, KubeObject } from '../api/types.js';
import { eventRecorder } from '../client/events.js';
import { isConflict, type KubeClient } from '../client/rest.js';
import { openSource } from '../client/spec.js';
import type { ServiceRef } from './backends.js';
import type { LoadBalancerIngress } from './compile.js';
import { serveIngress, type StatusWriter } from './server.js';
import { reportReady, runWorkers, stopRequested, untilSignal, workerIndex } from './workers.js';

const USAGE = 'usage: podnet ingress serve --source file:OBJECTS|kubeconfig[:PATH] --listen ADDR:PORT [--tls-listen ADDR:PORT] [--class NAME] [--publish-service NS/NAME] [--status-address IP|HOST] [--default-backend NS/NAME:PORT] [--metrics-listen ADDR:PORT] [--no-access-log] [--engine fast|node] [--workers N]';

export function parseHostPort(text: string, flag: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new PodnetError('INGRESS_BAD_FLAG', `ingress: ${flag} "${text}" is not ADDR:PORT`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

export function parseServiceRef(text: string): ServiceRef {
  const m = /^(?:([a-z0-9-]+)\/)?([a-z0-9-]+):([A-Za-z0-9-]+)$/.exec(text);
  if (!m) throw new PodnetError('INGRESS_BAD_FLAG', `ingress: --default-backend "${text}" is not NS/NAME:PORT`);
  const port = /^\d+$/.test(m[3]!) ? { number: Number(m[3]) } : { name: m[3] };
  return { namespace: m[1] ?? 'default', name: m[2]!, port };
}

/** Status and Events through a cluster client (what `serve` uses with a kubeconfig source). */
export function clientWriter(client: KubeClient): StatusWriter {
  const record = eventRecorder(client, 'podnet-ingress');
  const put = async (obj: KubeObject, status: Record<string, unknown>): Promise<void> => {
    const info = resourceByKind(obj.apiVersion ?? '', obj.kind ?? '');
    if (!info) return;
    try {
      await client.updateStatus(info, { ...obj, status });
    } catch (err) {
      if (!isConflict(err)) throw err;
      // Our cached copy was stale: status is ours alone, so retry on the fresh object.
      const fresh = await client.get<KubeObject>(info, obj.metadata?.namespace, obj.metadata?.name ?? '');
      if (fresh) await client.updateStatus(info, { ...fresh, status });
    }
  };
  return {
    updateIngressStatus: (ing: Ingress, lb: readonly LoadBalancerIngress[]) =>
      put(ing as unknown as KubeObject, { ...(ing.status ?? {}), loadBalancer: { ingress: lb.map((x) => ({ ...x })) } }),
    recordEvent: (obj, type, reason, message) => record(obj, type, reason, message),
    updateStatus: (obj, status) => put(obj, status),
  };
}

export async function ingressServeCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      source: { type: 'string' },
      listen: { type: 'string', default: '127.0.0.1:8080' },
      'tls-listen': { type: 'string' },
      class: { type: 'string' },
      'publish-service': { type: 'string' },
      'status-address': { type: 'string' },
      'default-backend': { type: 'string' },
      'no-access-log': { type: 'boolean', default: false },
      'flow-socket': { type: 'string' },
      'metrics-listen': { type: 'string' },
      engine: { type: 'string', default: 'fast' },
      workers: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const engine = values.engine;
  if (engine !== 'fast' && engine !== 'node') throw new PodnetError('INGRESS_BAD_FLAG', `ingress: --engine "${engine}" is not fast or node`);
  const workers = /^\d{1,2}$/.test(values.workers!) ? Number(values.workers) : NaN;
  if (!(workers >= 1 && workers <= 64)) throw new PodnetError('INGRESS_BAD_FLAG', `ingress: --workers "${values.workers}" is not a number from 1 to 64`);
  if (!values.source) throw new PodnetError('INGRESS_BAD_FLAG', `ingress: --source is required\n${USAGE}`);
  const metricsListen = values['metrics-listen'] ? parseHostPort(values['metrics-listen'], '--metrics-listen') : undefined;
  const worker = workerIndex();
  if (workers > 1 && worker === undefined) {
    await runWorkers(workers, {
      argv,
      metricsListen,
      onReady: (port) => process.stderr.write(`ingress: ${workers} workers serving${port === undefined ? '' : `, metrics on ${port}`}\n`),
    });
    return;
  }
  const { source, client } = await openSource(values.source);
  // HTTP requests as L7 flows for `podnet observe` (the daemon's sink), when asked.
  const sink = values['flow-socket'] ? l7Writer(values['flow-socket']) : undefined;
  const server = await serveIngress({
    ...(sink
      ? {
          onRequest: (f: { time: string; client: string; host: string; path: string; method?: string; status: number; latencyMs: number; endpoint?: string }) => {
            if (f.endpoint) sink.send({ type: 'http', src: hostOf(f.client), dst: hostOf(f.endpoint), host: f.host, path: f.path, method: f.method, status: f.status, latencyMs: Math.round(f.latencyMs * 1000) / 1000, time: f.time });
          },
        }
      : {}),
    source,
    listen: parseHostPort(values.listen!, '--listen'),
    tlsListen: values['tls-listen'] ? parseHostPort(values['tls-listen'], '--tls-listen') : undefined,
    className: values.class,
    publishService: values['publish-service'],
    statusAddress: values['status-address'],
    defaultBackend: values['default-backend'] ? parseServiceRef(values['default-backend']) : undefined,
    // Workers other than the first leave statuses and Events to it.
    writer: client && !worker ? clientWriter(client) : undefined,
    accessLog: values['no-access-log'] ? false : undefined,
    // With workers, the primary serves the summed metrics.
    metricsListen: worker === undefined ? metricsListen : undefined,
    engine,
  });
  if (worker !== undefined) reportReady(server.registry());
  const p = server.ports();
  process.stderr.write(`ingress: serving HTTP on ${p.http}${p.https ? `, HTTPS on ${p.https}` : ''} (${server.stats().routes} routes)\n`);
  await (worker !== undefined ? stopRequested() : untilSignal());
  // Like a pod's termination grace: requests in flight get 10 s to finish.
  await server.close({ graceMs: 10_000 });
  sink?.close();
  source.stop();
  client?.close();
}
