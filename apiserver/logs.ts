// pods/log: the container log relayed from PodStreams as chunked text/plain (kept open with follow).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resourceByPlural } from '../api/resources.js';
import type { LogOptions } from './podstreams.js';
import type { Context } from './handler.js';
import { ApiError, badRequest } from './status.js';

const PODS = resourceByPlural('', 'pods')!;

function optInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^[0-9]+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}"`);
  return Number(v);
}

export async function serveLogs(ctx: Context, req: IncomingMessage, res: ServerResponse, namespace: string, name: string, q: URLSearchParams): Promise<number> {
  type Named = { name: string }[] | undefined;
  const pod = (await ctx.registry.get(PODS, namespace, name)) as { spec?: { containers?: Named; initContainers?: Named; ephemeralContainers?: Named } };
  const containers = pod.spec?.containers ?? [];
  const others = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  const container = q.get('container') ?? undefined;
  if (container === undefined && containers.length > 1) {
    const names = (l: { name: string }[]) => `[${l.map((c) => c.name).join(' ')}]`;
    const init = pod.spec?.initContainers ?? [];
    const eph = pod.spec?.ephemeralContainers ?? [];
    throw badRequest(
      `a container name must be specified for pod ${name}, choose one of: ${names(containers)}` +
        (init.length ? ` or one of the init containers: ${names(init)}` : '') +
        (eph.length ? ` or one of the ephemeral containers: ${names(eph)}` : ''),
    );
  }
  if (container !== undefined && ![...containers, ...others].some((c) => c.name === container)) {
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  }
  if (!ctx.podStreams) throw new ApiError(503, 'ServiceUnavailable', `pods "${name}": logs are not available: no kubelet is connected to this apiserver`);
  const opts: LogOptions = {
    container: container ?? containers[0]?.name,
    follow: q.get('follow') === 'true',
    tailLines: optInt(q, 'tailLines'),
    sinceSeconds: optInt(q, 'sinceSeconds'),
    timestamps: q.get('timestamps') === 'true',
    previous: q.get('previous') === 'true',
    limitBytes: optInt(q, 'limitBytes'),
  };
  const abort = new AbortController();
  const onClose = () => abort.abort();
  res.on('close', onClose);
  ctx.closing.addEventListener('abort', onClose, { once: true });
  try {
    const stream = await ctx.podStreams.logs(namespace, name, opts, abort.signal);
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache, private' });
    res.flushHeaders();
    await new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer) => res.write(chunk));
      stream.on('end', resolve);
      stream.on('error', resolve);
      stream.on('close', resolve);
      abort.signal.addEventListener('abort', () => {
        stream.destroy();
        resolve();
      });
    });
    if (!res.writableEnded) res.end();
    return 200;
  } catch (err) {
    if (res.headersSent) {
      res.end();
      return 200;
    }
    if (err instanceof ApiError) throw err;
    const code = (err as { code?: string }).code;
    throw new ApiError(code === 'NOT_FOUND' || /not found|unknown/i.test((err as Error).message) ? 404 : 500, code === 'NOT_FOUND' ? 'NotFound' : 'InternalError', (err as Error).message);
  } finally {
    ctx.closing.removeEventListener('abort', onClose);
  }
}
