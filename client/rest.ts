// A small Kubernetes REST client: CRUD, the four patch types, subresources and watch over
// http, https or a unix socket, with one keep-alive agent per client. Errors from the server
// become ApiError carrying the Status' HTTP code and reason, so callers branch on `status`.
import * as http from 'node:http';
import * as https from 'node:https';
import { PodnetError } from '../api/errors.js';
import { resourceByPlural } from '../api/resources.js';
import type { KubeObject, ObjectMeta } from '../api/types.js';

/** Anything shaped like a Kubernetes object (typed kinds have no index signature). */
export type ObjectLike = { metadata?: ObjectMeta };
import type { ClusterAccess } from './kubeconfig.js';
import type { ResourceRef } from './source.js';

export class ApiError extends PodnetError {
  readonly status: number;
  readonly reason: string;
  readonly statusBody?: Record<string, unknown>;
  constructor(status: number, reason: string, message: string, statusBody?: Record<string, unknown>) {
    super(`KUBE_${(reason || 'Unknown').toUpperCase()}`, message, { details: statusBody });
    this.name = 'ApiError';
    this.status = status;
    this.reason = reason;
    this.statusBody = statusBody;
  }
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiError && err.status === 404;
}
export function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409;
}
export function isAlreadyExists(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409 && err.reason === 'AlreadyExists';
}

export type PatchType = 'merge' | 'strategic' | 'json' | 'apply';
const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  limit?: number;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
}

export interface WatchEventOf<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK';
  object: T;
}

export interface DeleteOptions {
  propagationPolicy?: 'Background' | 'Foreground' | 'Orphan';
  gracePeriodSeconds?: number;
  preconditions?: { uid?: string; resourceVersion?: string };
}

interface Response {
  status: number;
  body: string;
}

type Query = Record<string, string | number | boolean | undefined>;

function queryString(q: Query): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== '') parts.push(`${k}=${encodeURIComponent(String(v))}`);
  return parts.length ? `?${parts.join('&')}` : '';
}

export class KubeClient {
  readonly access: ClusterAccess;
  private readonly base: URL | undefined;
  private readonly socketPath: string | undefined;
  private readonly agent: http.Agent;
  private readonly mod: typeof http | typeof https;

  constructor(access: ClusterAccess) {
    this.access = access;
    if (access.server.startsWith('unix:')) {
      this.socketPath = access.server.slice('unix:'.length);
      this.mod = http;
      this.agent = new http.Agent({ keepAlive: true });
    } else {
      let url: URL;
      try {
        url = new URL(access.server);
      } catch {
        throw new TypeError(`kube: invalid server address "${access.server}"`);
      }
      if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`kube: unsupported server scheme in "${access.server}"`);
      this.base = url;
      this.mod = url.protocol === 'https:' ? https : http;
      this.agent =
        url.protocol === 'https:'
          ? new https.Agent({
              keepAlive: true,
              ca: access.caPem,
              cert: access.certPem,
              key: access.keyPem,
              rejectUnauthorized: !access.insecureSkipTLSVerify,
            })
          : new http.Agent({ keepAlive: true });
    }
  }

  /** The REST path of a collection, an object or one of its subresources. */
  path(ref: ResourceRef, ns: string | undefined, name?: string, subresource?: string): string {
    const info = resourceByPlural(ref.group, ref.plural);
    const version = info?.version ?? 'v1';
    let p = ref.group === '' ? `/api/${version}` : `/apis/${ref.group}/${version}`;
    const namespaced = info ? info.namespaced : ns !== undefined;
    if (namespaced && ns) p += `/namespaces/${encodeURIComponent(ns)}`;
    p += `/${ref.plural}`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (subresource) p += `/${subresource}`;
    return p;
  }

  private options(method: string, path: string, headers: Record<string, string>): http.RequestOptions {
    const h: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'podnet-client/0.1', ...headers };
    if (this.access.token) h.Authorization = `Bearer ${this.access.token}`;
    if (this.socketPath) return { method, path, socketPath: this.socketPath, agent: this.agent, headers: h };
    const u = this.base!;
    const prefix = u.pathname.replace(/\/$/, '');
    return { method, protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || undefined, path: prefix + path, agent: this.agent, headers: h };
  }

  private unreachable(method: string, path: string, err: Error): PodnetError {
    return new PodnetError('KUBE_UNREACHABLE', `kube: ${method} ${path} on "${this.access.server}" failed: ${err.message}`, { cause: err });
  }

  /** One request; resolves with any HTTP status (callers decide), rejects only when the server can't be reached. */
  raw(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string> = {};
    if (payload) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = String(payload.length);
    }
    return new Promise((resolve, reject) => {
      const req = this.mod.request(this.options(method, path, headers), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => reject(this.unreachable(method, path, err)));
      });
      req.on('error', (err) => reject(this.unreachable(method, path, err)));
      req.end(payload);
    });
  }

  private errorFrom(method: string, path: string, res: Response): ApiError {
    let status: Record<string, unknown> | undefined;
    try {
      const parsed = JSON.parse(res.body) as Record<string, unknown>;
      if (parsed?.kind === 'Status') status = parsed;
    } catch {
      /* not JSON */
    }
    const reason = (status?.reason as string | undefined) ?? http.STATUS_CODES[res.status]?.replace(/ /g, '') ?? 'Unknown';
    const msg = (status?.message as string | undefined) ?? (res.body.slice(0, 200) || `HTTP ${res.status}`);
    return new ApiError(res.status, reason, `kube: ${method} ${path}: ${msg}`, status);
  }

  private async call<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.raw(method, path, body, contentType);
    if (res.status < 200 || res.status >= 300) throw this.errorFrom(method, path, res);
    return (res.body ? JSON.parse(res.body) : undefined) as T;
  }

  async get<T = KubeObject>(ref: ResourceRef, ns: string | undefined, name: string): Promise<T | undefined> {
    try {
      return await this.call<T>('GET', this.path(ref, ns, name));
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async list<T = KubeObject>(ref: ResourceRef, ns?: string, opts: ListOptions = {}): Promise<{ items: T[]; resourceVersion: string }> {
    const q = queryString({ ...opts });
    const list = await this.call<{ items?: T[]; metadata?: { resourceVersion?: string } }>('GET', this.path(ref, ns) + q);
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? '' };
  }

  create<T extends ObjectLike>(ref: ResourceRef, obj: T, opts: { fieldManager?: string } = {}): Promise<T> {
    return this.call<T>('POST', this.path(ref, obj.metadata?.namespace) + queryString({ fieldManager: opts.fieldManager }), obj);
  }

  /** POSTs to a subresource (pods/binding, pods/eviction). */
  createSubresource<R = KubeObject>(ref: ResourceRef, ns: string | undefined, name: string, subresource: string, body: unknown): Promise<R> {
    return this.call<R>('POST', this.path(ref, ns, name, subresource), body);
  }

  update<T extends ObjectLike>(ref: ResourceRef, obj: T): Promise<T> {
    return this.call<T>('PUT', this.path(ref, obj.metadata?.namespace, obj.metadata?.name ?? ''), obj);
  }

  updateStatus<T extends ObjectLike>(ref: ResourceRef, obj: T): Promise<T> {
    return this.call<T>('PUT', this.path(ref, obj.metadata?.namespace, obj.metadata?.name ?? '', 'status'), obj);
  }

  patch<T = KubeObject>(
    ref: ResourceRef,
    ns: string | undefined,
    name: string,
    patch: unknown,
    type: PatchType,
    opts: { fieldManager?: string; force?: boolean; subresource?: string } = {},
  ): Promise<T> {
    if (type === 'apply' && !opts.fieldManager) throw new TypeError('kube: an apply patch needs a fieldManager');
    const q = queryString({ fieldManager: opts.fieldManager, force: opts.force });
    return this.call<T>('PATCH', this.path(ref, ns, name, opts.subresource) + q, patch, PATCH_CONTENT_TYPE[type]);
  }

  /** Deletes an object; an object that is already gone counts as deleted. */
  async delete(ref: ResourceRef, ns: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
    const body = Object.keys(opts).length ? { kind: 'DeleteOptions', apiVersion: 'v1', ...opts } : undefined;
    try {
      await this.call('DELETE', this.path(ref, ns, name), body);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }

  /**
   * Streams changes after `resourceVersion`. `done` resolves when the server ends the stream
   * (e.g. timeoutSeconds) or `close()` is called, and rejects with an ApiError for an HTTP error
   * or an ERROR event (410 Expired means: relist).
   */
  watch<T = KubeObject>(
    ref: ResourceRef,
    ns: string | undefined,
    resourceVersion: string,
    onEvent: (ev: WatchEventOf<T>) => void,
    opts: WatchOptions = {},
  ): { close(): void; done: Promise<void> } {
    const path = this.path(ref, ns) + queryString({ watch: true, resourceVersion, ...opts });
    let req: http.ClientRequest | undefined;
    let closed = false;
    const done = new Promise<void>((resolve, reject) => {
      req = this.mod.request(this.options('GET', path, {}), (res) => {
        if (res.statusCode !== 200) {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => reject(this.errorFrom('GET', path, { status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') })));
          res.on('error', () => reject(this.errorFrom('GET', path, { status: res.statusCode ?? 0, body: '' })));
          return;
        }
        res.setEncoding('utf8');
        let buf = '';
        let failed = false;
        res.on('data', (chunk: string) => {
          buf += chunk;
          let nl: number;
          while (!failed && (nl = buf.indexOf('\n')) >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (!line) continue;
            let ev: { type: string; object: Record<string, unknown> };
            try {
              ev = JSON.parse(line);
            } catch {
              failed = true;
              reject(new PodnetError('KUBE_BAD_WATCH', `kube: unparsable watch event on ${path}: "${line.slice(0, 100)}"`));
              res.destroy();
              return;
            }
            if (ev.type === 'ERROR') {
              failed = true;
              const st = ev.object ?? {};
              reject(new ApiError(Number(st.code) || 500, String(st.reason ?? 'Unknown'), `kube: watch ${path}: ${String(st.message ?? 'error event')}`, st));
              res.destroy();
              return;
            }
            if (!closed) onEvent(ev as unknown as WatchEventOf<T>);
          }
        });
        res.on('end', () => resolve());
        res.on('close', () => resolve());
        res.on('error', (err) => (closed ? resolve() : reject(this.unreachable('GET', path, err))));
      });
      req.on('error', (err) => (closed ? resolve() : reject(this.unreachable('GET', path, err))));
      req.end();
    });
    return {
      done,
      close() {
        closed = true;
        req?.destroy();
      },
    };
  }

  /** Releases idle keep-alive sockets so the process can exit. */
  close(): void {
    this.agent.destroy();
  }
}
