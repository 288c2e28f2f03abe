// Test helper: a one-process stand-in for the apiserver's write path, built only from this
// folder's engines, so real kubectl (client-side apply, server-side apply, patch, label) can be
// pointed at it. It keeps objects in a Map, records every write request, and answers the way the
// apiserver does (201/200, 409 FieldManagerConflict Status).
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { discovery, runKubectl } from '../protobuf/kubectl_capture.js';
import { PatchError, patchObject, patchTypeOf, parsePatchBody, recordUpdateManager } from './index.js';

export interface RecordedWrite {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string;
  body: unknown;
}

const KINDS: Record<string, { kind: string; apiVersion: string }> = {
  deployments: { kind: 'Deployment', apiVersion: 'apps/v1' },
  services: { kind: 'Service', apiVersion: 'v1' },
  configmaps: { kind: 'ConfigMap', apiVersion: 'v1' },
};

export interface KubeServer {
  readonly store: Map<string, KubeObject>;
  readonly writes: RecordedWrite[];
  kubectl(version: string, args: readonly string[]): Promise<{ stdout: string; stderr: string; code: number }>;
  close(): Promise<void>;
}

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function status(code: number, reason: string, message: string, details?: unknown) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** Starts the server; `defaults` stands in for apiserver defaulting, applied after every write. */
export async function startKubeServer(defaults: (obj: KubeObject) => KubeObject = (o) => o): Promise<KubeServer> {
  const store = new Map<string, KubeObject>();
  const writes: RecordedWrite[] = [];
  let rv = 1;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', 'http://x');
    const m = /^\/(?:api|apis\/apps)\/v1\/namespaces\/([^/]+)\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) {
      const doc = discovery(url.pathname);
      return send(res, doc ? 200 : 404, doc ?? status(404, 'NotFound', 'not found'));
    }
    const [, namespace, plural, name] = m;
    const info = KINDS[plural!];
    if (!info) return send(res, 404, status(404, 'NotFound', `unknown resource ${plural}`));
    const contentType = String(req.headers['content-type'] ?? '');
    const manager = url.searchParams.get('fieldManager') ?? 'unknown';
    const body = raw ? (contentType.includes('yaml') ? parseYaml(raw) : JSON.parse(raw)) : undefined;
    if (req.method !== 'GET') writes.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, contentType, body });
    const key = `${plural}/${namespace}/${name ?? (body as KubeObject)?.metadata?.name}`;
    const live = store.get(key);
    const save = (obj: KubeObject, code: number) => {
      const defaulted = defaults(obj);
      const saved = { ...defaulted, metadata: { ...defaulted.metadata, namespace, resourceVersion: String(++rv) } };
      store.set(key, saved);
      send(res, code, saved);
    };
    try {
      if (req.method === 'GET') return live ? send(res, 200, live) : send(res, 404, status(404, 'NotFound', `${plural} "${name}" not found`));
      if (req.method === 'POST') {
        if (live) return send(res, 409, status(409, 'AlreadyExists', `${plural} "${key}" already exists`));
        return save(recordUpdateManager(undefined, body as KubeObject, manager), 201);
      }
      if (req.method !== 'PATCH') return send(res, 405, status(405, 'MethodNotAllowed', 'method not allowed'));
      if (!live && !contentType.startsWith('application/apply-patch')) return send(res, 404, status(404, 'NotFound', `${plural} "${name}" not found`));
      const type = patchTypeOf(contentType);
      if (!type) return send(res, 415, status(415, 'UnsupportedMediaType', `unsupported patch type ${contentType}`));
      const result = patchObject(live, type, parsePatchBody(type, raw), { kind: info.kind, manager, force: url.searchParams.get('force') === 'true' });
      if (result.conflicts.length > 0) {
        const causes = result.conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}": ${c.field}`, field: c.field }));
        return send(res, 409, status(409, 'Conflict', `Apply failed with ${causes.length} conflict(s): ${causes.map((c) => c.message).join(', ')}`, { name, kind: plural, causes }));
      }
      return save(result.object, live ? 200 : 201);
    } catch (err) {
      if (err instanceof PatchError) return send(res, err.httpStatus, status(err.httpStatus, err.httpStatus === 400 ? 'BadRequest' : 'Invalid', err.message));
      throw err;
    }
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, status(500, 'InternalError', String(err))));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'pn-kubectl-'));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    store,
    writes,
    kubectl: (version, args) => runKubectl(`/usr/lib/google-cloud-sdk/bin/kubectl.${version}`, args, url, dir),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
  };
}
