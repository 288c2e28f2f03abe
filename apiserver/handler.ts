// REST handling for resource paths: list/watch/get/create/update/patch/delete and the status,
// scale, binding and log subresources. Everything thrown becomes a Status in server.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { apiVersionOf } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { PodStreams } from './podstreams.js';
import { decodeObject, decodePatch, readBody, type PatchType } from './body.js';
import type { Deps } from './deps.js';
import type { ApiMetrics } from './metrics.js';
import type { DeleteOptions, Registry } from './registry.js';
import type { ResourcePath } from './routes.js';
import { toScale, withScale } from './scale.js';
import type { UsageSource } from './usage.js';
import { serveProxy } from './proxy.js';
import { ApiError, badRequest, qualifiedName } from './status.js';
import { rowFor, toTable, columnsFor, type IncludeObject } from './tables.js';
import { serveWatch } from './watch.js';
import { serveLogs } from './logs.js';
import { sendListJSON } from './listjson.js';

export interface Context {
  readonly registry: Registry;
  readonly deps: Deps;
  readonly metrics: ApiMetrics;
  readonly podStreams?: PodStreams;
  readonly usage?: UsageSource;
  /** Aborted when the server closes: ends watches and streams. */
  readonly closing: AbortSignal;
  readonly bookmarkIntervalMs?: number;
}

export const TABLE_CONTENT_TYPE = 'application/json;as=Table;v=v1;g=meta.k8s.io';

export function sendJSON(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache, private' });
  res.end(text);
}

function wantsTable(req: IncomingMessage): boolean {
  const accept = String(req.headers.accept ?? '');
  return accept.split(',').some((part) => /as=Table/.test(part) && /g=meta\.k8s\.io/.test(part) && /v=v1(;|$|\s)/.test(part + ';'));
}

function includeObject(q: URLSearchParams): IncludeObject {
  const v = q.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function dryRun(q: URLSearchParams): boolean {
  const values = q.getAll('dryRun');
  for (const v of values) if (v !== 'All') throw badRequest(`Invalid dry run value: "${v}": supported values: "All"`);
  return values.length > 0;
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?[0-9]+$/.test(v)) throw badRequest(`invalid value for ${name}: "${v}"`);
  return Number(v);
}

/** The Kubernetes verb a request maps to, for metrics. */
export function verbOf(method: string, path: ResourcePath, q: URLSearchParams): string {
  if (path.subresource && ['log', 'exec', 'attach', 'portforward', 'proxy'].includes(path.subresource)) return 'connect';
  switch (method) {
    case 'GET':
      return path.name ? 'get' : q.get('watch') === 'true' || q.get('watch') === '1' ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return path.name ? 'delete' : 'deletecollection';
    default:
      return method.toLowerCase();
  }
}

/** The field manager of a write: ?fieldManager=, else the client's user-agent name, as upstream does. */
function fieldManager(req: IncomingMessage, q: URLSearchParams): string {
  const explicit = q.get('fieldManager');
  if (explicit) return explicit;
  const ua = String(req.headers['user-agent'] ?? '').split('/')[0]!.trim();
  return ua || 'unknown';
}

export async function handleResource(ctx: Context, req: IncomingMessage, res: ServerResponse, path: ResourcePath, q: URLSearchParams): Promise<number> {
  const { registry } = ctx;
  const manager = fieldManager(req, q);
  const { info, namespace, name, subresource } = path;
  const method = req.method ?? 'GET';
  const table = wantsTable(req);
  const render = (obj: KubeObject): unknown => (table ? toTable(info.kind, [obj], obj.metadata?.resourceVersion ?? '', includeObject(q)) : obj);

  if (subresource && !info.subresources.includes(subresource)) {
    throw new ApiError(404, 'NotFound', 'the server could not find the requested resource');
  }
  if (subresource === 'log') {
    if (method !== 'GET') throw methodNotAllowed(method);
    return serveLogs(ctx, req, res, namespace!, name!, q);
  }
  if (subresource === 'exec' || subresource === 'attach' || subresource === 'portforward') {
    throw badRequest('Upgrade request required');
  }
  if (subresource === 'proxy') return serveProxy(ctx, req, res, path);

  switch (method) {
    case 'GET': {
      if (!name) {
        const watch = q.get('watch') === 'true' || q.get('watch') === '1';
        if (watch) {
          ctx.metrics.watchStarted(info.plural);
          try {
            await serveWatch(
              registry,
              info,
              namespace,
              res,
              {
                resourceVersion: q.get('resourceVersion') ?? '',
                filter: registry.compileFilter(info, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }),
                timeoutSeconds: intParam(q, 'timeoutSeconds'),
                allowBookmarks: q.get('allowWatchBookmarks') === 'true',
                ...(table ? { render: (obj: KubeObject) => toTable(info.kind, [obj], obj.metadata?.resourceVersion ?? '', includeObject(q)) } : {}),
                bookmarkIntervalMs: ctx.bookmarkIntervalMs,
              },
              table ? TABLE_CONTENT_TYPE : 'application/json',
              ctx.closing,
            );
          } finally {
            ctx.metrics.watchEnded(info.plural);
          }
          return 200;
        }
        const listOpts = {
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          limit: intParam(q, 'limit'),
          continue: q.get('continue') ?? undefined,
        };
        const raw = table ? undefined : await registry.listUnfiltered(info, namespace, listOpts);
        if (raw) {
          await sendListJSON(res, info, raw);
          return 200;
        }
        const list = await registry.list(info, namespace, listOpts);
        const rv = String(list.revision);
        if (table) sendJSON(res, 200, toTable(info.kind, list.items, rv, includeObject(q), { continue: list.continue }), TABLE_CONTENT_TYPE);
        else {
          sendJSON(res, 200, {
            kind: `${info.kind}List`,
            apiVersion: apiVersionOf(info),
            metadata: { resourceVersion: rv, ...(list.continue ? { continue: list.continue } : {}) },
            items: list.items,
          });
        }
        return 200;
      }
      const obj = await registry.get(info, namespace, name);
      if (subresource === 'scale') {
        sendJSON(res, 200, toScale(obj));
        return 200;
      }
      if (table) sendJSON(res, 200, render(obj), TABLE_CONTENT_TYPE);
      else sendJSON(res, 200, obj);
      return 200;
    }
    case 'POST': {
      if (name && subresource === 'binding') return bind(ctx, req, res, path);
      if (name && subresource === 'eviction') {
        await readBody(req);
        await registry.delete(info, namespace, name, {});
        sendJSON(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
        return 201;
      }
      if (name) throw methodNotAllowed(method);
      const body = decodeObject(req, await readBody(req), ctx.deps);
      const created = await registry.create(info, namespace, body, { dryRun: dryRun(q), fieldManager: manager });
      sendJSON(res, 201, created);
      return 201;
    }
    case 'PUT': {
      if (!name) throw methodNotAllowed(method);
      const body = decodeObject(req, await readBody(req), ctx.deps);
      if (subresource === 'scale') {
        const { object } = await registry.modify(info, namespace, name, (live) => withScale(live!, body), { dryRun: dryRun(q), fieldManager: manager });
        sendJSON(res, 200, toScale(object));
        return 200;
      }
      const updated = await registry.update(info, namespace, name, body, { dryRun: dryRun(q), subresource, fieldManager: manager });
      sendJSON(res, 200, updated);
      return 200;
    }
    case 'PATCH': {
      if (!name) throw methodNotAllowed(method);
      const { type, patch } = decodePatch(req, await readBody(req));
      const opts = { dryRun: dryRun(q), subresource, fieldManager: manager };
      if (subresource === 'scale') {
        const { object } = await registry.modify(info, namespace, name, (live) => withScale(live!, applyPatch(ctx.deps, type, toScale(live!), patch, 'Scale')), opts);
        sendJSON(res, 200, toScale(object));
        return 200;
      }
      if (type === 'apply') {
        const manager = q.get('fieldManager');
        if (!manager) throw badRequest('PATCH /' + qualifiedName(info) + ': fieldManager is required for apply requests');
        const force = q.get('force') === 'true';
        const applied = patch as KubeObject;
        const { object, created } = await registry.modify(
          info,
          namespace,
          name,
          (live) => {
            const r = ctx.deps.serverSideApply(live, applied, { manager, force, kind: info.kind });
            if (r.conflicts.length > 0 && !force) throw applyConflict(info.kind, name, r.conflicts, apiVersionOf(info));
            return r.object;
          },
          { ...opts, createIfMissing: !subresource, applied: true },
        );
        sendJSON(res, created ? 201 : 200, object);
        return created ? 201 : 200;
      }
      const { object } = await registry.modify(info, namespace, name, (live) => applyPatch(ctx.deps, type, live!, patch, info.kind), opts);
      sendJSON(res, 200, object);
      return 200;
    }
    case 'DELETE': {
      const options = await deleteOptions(req, q);
      if (!name) {
        const list = await registry.list(info, namespace, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined });
        const items: KubeObject[] = [];
        for (const o of list.items) {
          try {
            items.push((await registry.delete(info, o.metadata?.namespace, o.metadata!.name!, options)).object);
          } catch (err) {
            if (!(err instanceof ApiError && err.httpStatus === 404)) throw err;
          }
        }
        sendJSON(res, 200, { kind: `${info.kind}List`, apiVersion: apiVersionOf(info), metadata: {}, items });
        return 200;
      }
      const { object } = await registry.delete(info, namespace, name, options);
      sendJSON(res, 200, object);
      return 200;
    }
    default:
      throw methodNotAllowed(method);
  }
}

function methodNotAllowed(method: string): ApiError {
  return new ApiError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource (${method})`);
}

function applyPatch(deps: Deps, type: PatchType, live: KubeObject, patch: unknown, kind: string): KubeObject {
  let out: unknown;
  if (type === 'json') out = deps.jsonPatch(live, patch);
  else if (type === 'merge') out = deps.mergePatch(live, patch);
  else out = deps.strategicMergePatch(live, patch, kind);
  if (!out || typeof out !== 'object' || Array.isArray(out)) throw new ApiError(422, 'Invalid', 'the patch produced something that is not an object');
  return out as KubeObject;
}

function applyConflict(kind: string, name: string, conflicts: readonly { field: string; manager: string }[], apiVersion: string): ApiError {
  const lines = conflicts.map((c) => `conflict with "${c.manager}" using ${apiVersion}: ${c.field}`);
  const message = conflicts.length === 1 ? `Apply failed with 1 conflict: ${lines[0]}` : `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  return new ApiError(409, 'Conflict', message, {
    name,
    kind,
    causes: conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with "${c.manager}" using ${apiVersion}`, field: c.field })),
  });
}

async function deleteOptions(req: IncomingMessage, q: URLSearchParams): Promise<DeleteOptions> {
  const body = await readBody(req);
  let fromBody: Omit<Partial<DeleteOptions>, "dryRun"> & { dryRun?: string[] } = {};
  if (body.length > 0) {
    try {
      fromBody = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest('the body of the delete request is not valid JSON DeleteOptions');
    }
  }
  const grace = intParam(q, 'gracePeriodSeconds') ?? fromBody.gracePeriodSeconds;
  const policy = q.get('propagationPolicy') ?? fromBody.propagationPolicy;
  if (policy !== undefined && !['Foreground', 'Background', 'Orphan'].includes(policy)) {
    throw badRequest(`propagationPolicy: Unsupported value: "${policy}": supported values: "Foreground", "Background", "Orphan"`);
  }
  const dry = dryRun(q) || (fromBody.dryRun ?? []).includes('All');
  return { gracePeriodSeconds: grace, propagationPolicy: policy, preconditions: fromBody.preconditions, dryRun: dry };
}

async function bind(ctx: Context, req: IncomingMessage, res: ServerResponse, path: ResourcePath): Promise<number> {
  const binding = decodeObject(req, await readBody(req), ctx.deps) as { target?: { name?: string } };
  const node = binding.target?.name;
  if (!node) throw badRequest('binding target name is required');
  await ctx.registry.modify(path.info, path.namespace, path.name!, (live) => {
    const spec = (live!.spec ?? {}) as { nodeName?: string };
    if (spec.nodeName) throw new ApiError(409, 'Conflict', `pod ${path.name} is already assigned to node "${spec.nodeName}"`);
    return { ...live!, spec: { ...spec, nodeName: node } };
  });
  sendJSON(res, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  return 201;
}

export { columnsFor, rowFor };
