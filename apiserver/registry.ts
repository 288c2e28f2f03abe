// The object registry: create, read, update, delete and list for every resource, on top of the
// revisioned Storage. resourceVersion is the storage modRevision, every write is a compare-and-swap,
// and admission (defaults, validation, ClusterIP/NodePort allocation, namespace rules) happens here.
import { randomBytes } from 'node:crypto';
import type { FieldError } from '../api/errors.js';
import type { FieldSelector } from '../api/fieldselector.js';
import { parseSelector, matches, type Selector } from '../api/labels.js';
import { resourceByPlural, RESOURCES, storageKey, storagePrefix, type ResourceInfo } from '../api/resources.js';
import type { KubeObject, ObjectMeta, Service } from '../api/types.js';
import type { KV, Storage } from '../storage/types.js';
import type { ServiceAllocator } from './allocator.js';
import type { Deps } from './deps.js';
import { decodeKV, encodeObject, newUID, specOf, timestamp, typeMeta } from './objects.js';
import { ApiError, alreadyExists, badRequest, conflict, invalid, notFound } from './status.js';

const NAMESPACES = resourceByPlural('', 'namespaces')!;

export interface WriteOptions {
  readonly dryRun?: boolean;
  /** Who writes, for managedFields (defaults to "unknown"). */
  readonly fieldManager?: string;
  /** The object comes from server-side apply, which has done the managedFields bookkeeping. */
  readonly applied?: boolean;
}

export interface DeleteOptions extends WriteOptions {
  readonly propagationPolicy?: string;
  readonly gracePeriodSeconds?: number;
  readonly preconditions?: { uid?: string; resourceVersion?: string };
}

export interface ListOptions {
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly limit?: number;
  readonly continue?: string;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly revision: number;
  readonly continue?: string;
}

export interface Filter {
  readonly labels?: Selector;
  readonly fields?: FieldSelector;
}

interface Current {
  readonly obj: KubeObject;
  readonly kv: KV;
}

type MutableMeta = { -readonly [K in keyof ObjectMeta]: ObjectMeta[K] };
/** Objects here are the registry's own copies, so their metadata may be written. */
function mm(obj: KubeObject): MutableMeta {
  obj.metadata ??= {};
  return obj.metadata as MutableMeta;
}

/** Secrets store stringData as base64 data, like the apiserver: stringData is write-only. */
function foldStringData(obj: KubeObject): void {
  const sd = obj.stringData as Record<string, string> | undefined;
  if (!sd) return;
  const data = { ...(obj.data as Record<string, string> | undefined) };
  for (const [k, v] of Object.entries(sd)) data[k] = Buffer.from(String(v)).toString('base64');
  obj.data = data;
  delete obj.stringData;
}

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

function randomSuffix(n = 5): string {
  const bytes = randomBytes(n);
  return [...bytes].map((b) => NAME_CHARS[b % NAME_CHARS.length]).join('');
}

function conditionalStatus(info: ResourceInfo): boolean {
  return info.subresources.includes('status');
}

export class Registry {
  private readonly terminating = new Set<string>();
  private closed = false;

  constructor(
    readonly storage: Storage,
    readonly deps: Deps,
    readonly allocator: ServiceAllocator,
  ) {}

  close(): void {
    this.closed = true;
  }

  key(info: ResourceInfo, namespace: string | undefined, name: string): string {
    return storageKey(info, namespace, name);
  }

  async current(info: ResourceInfo, namespace: string | undefined, name: string): Promise<Current | undefined> {
    const kv = await this.storage.get(this.key(info, namespace, name));
    return kv ? { obj: decodeKV(kv), kv } : undefined;
  }

  async get(info: ResourceInfo, namespace: string | undefined, name: string): Promise<KubeObject> {
    const cur = await this.current(info, namespace, name);
    if (!cur) throw notFound(info, name);
    return cur.obj;
  }

  compileFilter(info: ResourceInfo, opts: { labelSelector?: string; fieldSelector?: string }): Filter {
    let labels: Selector | undefined;
    let fields: FieldSelector | undefined;
    try {
      if (opts.labelSelector) labels = parseSelector(opts.labelSelector);
    } catch (err) {
      throw badRequest(`unable to parse requirement: ${(err as Error).message}`);
    }
    try {
      if (opts.fieldSelector) fields = this.deps.parseFieldSelector(opts.fieldSelector, info.kind);
    } catch (err) {
      throw badRequest((err as Error).message);
    }
    return { labels, fields };
  }

  matches(filter: Filter, obj: KubeObject): boolean {
    if (filter.labels && !matches(filter.labels, obj.metadata?.labels)) return false;
    if (filter.fields !== undefined && !this.deps.fieldSelectorMatches(filter.fields, obj)) return false;
    return true;
  }

  async list(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<ListResult> {
    const filter = this.compileFilter(info, opts);
    const { kvs, revision, continue: more } = await this.listKVs(info, namespace, opts);
    const items = kvs.map((kv) => decodeKV(kv)).filter((o) => this.matches(filter, o));
    return { items, revision, ...(more ? { continue: more } : {}) };
  }

  /**
   * A list without selectors as the stored values themselves (objectJSON turns each into the
   * client's JSON without parsing it); undefined when the options carry a selector, which needs the
   * decoded objects.
   */
  async listUnfiltered(info: ResourceInfo, namespace: string | undefined, opts: ListOptions = {}): Promise<{ kvs: readonly KV[]; revision: number; continue?: string } | undefined> {
    if (opts.labelSelector || opts.fieldSelector) return undefined;
    return this.listKVs(info, namespace, opts);
  }

  private async listKVs(info: ResourceInfo, namespace: string | undefined, opts: ListOptions): Promise<{ kvs: readonly KV[]; revision: number; continue?: string }> {
    let startAfter: string | undefined;
    if (opts.continue) {
      try {
        startAfter = (JSON.parse(Buffer.from(opts.continue, 'base64url').toString()) as { k: string }).k;
      } catch {
        throw new ApiError(400, 'BadRequest', `continue key is not valid: "${opts.continue}"`);
      }
    }
    const prefix = storagePrefix(info, namespace);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    const res = await this.storage.list(prefix, { ...(limit ? { limit } : {}), ...(startAfter ? { startAfter } : {}) });
    const last = res.items[res.items.length - 1];
    const more = limit !== undefined && res.items.length === limit && last !== undefined;
    return { kvs: res.items, revision: res.revision, ...(more ? { continue: Buffer.from(JSON.stringify({ k: last.key })).toString('base64url') } : {}) };
  }

  /** Fills in type meta, namespace and name checks shared by create and update. */
  private normalize(info: ResourceInfo, namespace: string | undefined, body: KubeObject, name?: string): KubeObject {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('the request body is not a Kubernetes object');
    const obj: KubeObject = { ...body, metadata: { ...(body.metadata ?? {}) } };
    const tm = typeMeta(info);
    if (obj.kind !== undefined && obj.kind !== tm.kind) {
      throw badRequest(`the API version in the data (${obj.apiVersion ?? ''}) does not match the expected API version (${tm.apiVersion})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== tm.apiVersion) {
      throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${tm.apiVersion})`);
    }
    obj.apiVersion = tm.apiVersion;
    obj.kind = tm.kind;
    const meta = mm(obj);
    if (info.namespaced) {
      if (meta.namespace && namespace && meta.namespace !== namespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      meta.namespace = namespace ?? meta.namespace;
      if (!meta.namespace) throw badRequest('the namespace of the object is not set and none was given in the request path');
    } else {
      delete meta.namespace;
    }
    if (name !== undefined && meta.name && meta.name !== name) {
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    }
    if (name !== undefined) meta.name = name;
    return obj;
  }

  private async checkNamespace(info: ResourceInfo, namespace: string | undefined): Promise<void> {
    if (!info.namespaced || !namespace) return;
    const ns = await this.current(NAMESPACES, undefined, namespace);
    if (!ns) throw notFound(NAMESPACES, namespace);
    if ((ns.obj.status as { phase?: string } | undefined)?.phase === 'Terminating' || ns.obj.metadata?.deletionTimestamp) {
      throw new ApiError(403, 'Forbidden', `${info.plural} "${'x'}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`, {
        name: namespace,
        kind: 'namespaces',
      });
    }
  }

  async create(info: ResourceInfo, namespace: string | undefined, body: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    let obj = this.normalize(info, namespace, body);
    const meta = mm(obj);
    if (!meta.name && meta.generateName) meta.name = `${meta.generateName}${randomSuffix()}`;
    if (!meta.name) {
      throw invalid(info, '', [{ reason: 'FieldValueRequired', field: 'metadata.name', message: 'Required value: name or generateName is required' }]);
    }
    try {
      await this.checkNamespace(info, meta.namespace);
    } catch (err) {
      if (err instanceof ApiError && err.httpStatus === 403) err.message = err.message.replace('"x"', `"${meta.name}"`);
      throw err;
    }
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    meta.uid = newUID();
    meta.creationTimestamp = timestamp();
    meta.generation = 1;
    obj = this.deps.applyDefaults(obj);
    if (info.kind === 'Namespace') {
      mm(obj).labels = { ...mm(obj).labels, 'kubernetes.io/metadata.name': mm(obj).name! };
      obj.spec = { finalizers: ['kubernetes'], ...(obj.spec as object) };
      obj.status = { phase: 'Active' };
    }
    if (info.kind === 'Pod') obj.status = { phase: 'Pending', ...(obj.status as object) };
    if (info.kind === 'Secret') foldStringData(obj);
    if (!opts.applied) obj = this.deps.recordUpdateManager(undefined, obj, opts.fieldManager ?? 'unknown');
    return this.write(info, undefined, obj, opts);
  }

  /** PUT: replaces the object (or its status) guarded by resourceVersion when the body carries one. */
  async update(info: ResourceInfo, namespace: string | undefined, name: string, body: KubeObject, opts: WriteOptions & { subresource?: string } = {}): Promise<KubeObject> {
    const incoming = this.normalize(info, namespace, body, name);
    const cur = await this.current(info, namespace, name);
    if (!cur) throw notFound(info, name);
    const rv = incoming.metadata?.resourceVersion;
    if (rv && rv !== String(cur.kv.modRevision)) throw conflict(info, name);
    return this.replace(info, cur, incoming, opts);
  }

  /**
   * Read-modify-write with the current object: `change` gets the live object (or undefined when
   * missing and `createIfMissing`) and returns the new one. Retries when another write slips in,
   * unless the result pins a resourceVersion.
   */
  async modify(
    info: ResourceInfo,
    namespace: string | undefined,
    name: string,
    change: (live: KubeObject | undefined) => KubeObject,
    opts: WriteOptions & { subresource?: string; createIfMissing?: boolean } = {},
  ): Promise<{ object: KubeObject; created: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.current(info, namespace, name);
      if (!cur && !opts.createIfMissing) throw notFound(info, name);
      const next = change(cur ? structuredClone(cur.obj) : undefined);
      if (!cur) {
        const obj = this.normalize(info, namespace, next, name);
        return { object: await this.create(info, namespace, obj, opts), created: true };
      }
      const incoming = this.normalize(info, namespace, next, name);
      const rv = incoming.metadata?.resourceVersion;
      const pinned = rv !== undefined && rv !== String(cur.kv.modRevision);
      if (pinned) throw conflict(info, name);
      try {
        return { object: await this.replace(info, cur, incoming, opts), created: false };
      } catch (err) {
        const retry = err instanceof ApiError && err.reason === 'Conflict' && err.details?.causes === undefined && attempt < 5;
        if (!retry) throw err;
      }
    }
  }

  private async replace(info: ResourceInfo, cur: Current, incoming: KubeObject, opts: WriteOptions & { subresource?: string }): Promise<KubeObject> {
    const old = cur.obj;
    let next: KubeObject;
    if (opts.subresource === 'status') {
      next = { ...structuredClone(old), status: incoming.status };
    } else if (opts.subresource === 'ephemeralcontainers') {
      // Only the debug containers come from the request; validation allows adding, never changing.
      next = structuredClone(old);
      const spec = ((next as { spec?: Record<string, unknown> }).spec ??= {});
      const wanted = (incoming as { spec?: { ephemeralContainers?: unknown } }).spec?.ephemeralContainers;
      if (wanted === undefined) delete spec.ephemeralContainers;
      else spec.ephemeralContainers = wanted;
      next = this.deps.applyDefaults(next);
    } else {
      next = { ...incoming, metadata: { ...incoming.metadata } };
      if (conditionalStatus(info)) {
        if (old.status === undefined) delete next.status;
        else next.status = old.status;
      }
      const m = mm(next);
      const om = mm(old);
      m.uid = om.uid;
      m.creationTimestamp = om.creationTimestamp;
      if (om.deletionTimestamp) m.deletionTimestamp = om.deletionTimestamp;
      else delete m.deletionTimestamp;
      if (om.deletionGracePeriodSeconds !== undefined) m.deletionGracePeriodSeconds = om.deletionGracePeriodSeconds;
      if (m.managedFields === undefined && om.managedFields !== undefined) m.managedFields = om.managedFields;
      if (info.kind === 'Secret') foldStringData(next);
      next = this.deps.prepareForUpdate(this.deps.applyDefaults(next), old);
      if (info.kind === 'Namespace') {
        mm(next).labels = { ...mm(next).labels, 'kubernetes.io/metadata.name': mm(next).name! };
      }
    }
    if (!opts.applied) next = this.deps.recordUpdateManager(old, next, opts.fieldManager ?? 'unknown');
    const m = mm(next);
    m.generation = (old.metadata?.generation ?? 1) + (specOf(next) !== specOf(old) ? 1 : 0);
    delete m.resourceVersion;
    if (m.deletionTimestamp && (m.finalizers ?? []).length === 0) {
      return this.remove(info, cur, opts);
    }
    return this.write(info, cur, next, opts);
  }

  /** Validation, admission and the compare-and-swap write. */
  private async write(info: ResourceInfo, cur: Current | undefined, next: KubeObject, opts: WriteOptions & { subresource?: string }): Promise<KubeObject> {
    const name = next.metadata?.name ?? '';
    const errors: FieldError[] = this.deps.validateObject(next, cur?.obj, opts.subresource);
    if (errors.length > 0) throw invalid(info, name, errors);
    let reservation: { commit(): void; undo(): void } | undefined;
    if (info.kind === 'Service') {
      const r = this.allocator.reserve(next as Service, cur?.obj as Service | undefined);
      if (Array.isArray(r)) throw invalid(info, name, r);
      reservation = r;
      next = r.service as KubeObject;
    }
    if (opts.dryRun) {
      reservation?.undo();
      const out = structuredClone(next);
      if (cur) mm(out).resourceVersion = String(cur.kv.modRevision);
      return out;
    }
    const key = this.key(info, next.metadata?.namespace, name);
    let res;
    try {
      res = await this.storage.txn([{ type: 'put', key, value: encodeObject(next), expectRevision: cur ? cur.kv.modRevision : 0 }]);
    } catch (err) {
      reservation?.undo();
      throw err;
    }
    if (!res.succeeded) {
      reservation?.undo();
      throw cur ? conflict(info, name) : alreadyExists(info, name);
    }
    reservation?.commit();
    return decodeKV(res.results[0]!);
  }

  private async remove(info: ResourceInfo, cur: Current, opts: WriteOptions): Promise<KubeObject> {
    const out = structuredClone(cur.obj);
    if (opts.dryRun) return out;
    const res = await this.storage.txn([{ type: 'delete', key: cur.kv.key, expectRevision: cur.kv.modRevision }]);
    if (!res.succeeded) throw conflict(info, cur.obj.metadata?.name ?? '');
    if (info.kind === 'Service') this.allocator.release(cur.obj as Service);
    mm(out).resourceVersion = String(res.revision);
    return out;
  }

  /** Marks an object as being deleted (finalizers pending / graceful pod) without admission. */
  private async mark(info: ResourceInfo, cur: Current, next: KubeObject, opts: WriteOptions): Promise<KubeObject> {
    if (opts.dryRun) return next;
    const res = await this.storage.txn([{ type: 'put', key: cur.kv.key, value: encodeObject(next), expectRevision: cur.kv.modRevision }]);
    if (!res.succeeded) throw conflict(info, cur.obj.metadata?.name ?? '');
    return decodeKV(res.results[0]!);
  }

  async delete(info: ResourceInfo, namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<{ object: KubeObject; finished: boolean }> {
    for (let attempt = 0; ; attempt++) {
      const cur = await this.current(info, namespace, name);
      if (!cur) throw notFound(info, name);
      try {
        return await this.deleteOnce(info, cur, opts);
      } catch (err) {
        if (!(err instanceof ApiError && err.reason === 'Conflict' && attempt < 5 && !opts.preconditions)) throw err;
      }
    }
  }

  private async deleteOnce(info: ResourceInfo, cur: Current, opts: DeleteOptions): Promise<{ object: KubeObject; finished: boolean }> {
    const obj = cur.obj;
    const meta = mm(obj);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== meta.uid) {
      throw conflict(info, meta.name!, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${meta.uid}`);
    }
    if (pre?.resourceVersion && pre.resourceVersion !== meta.resourceVersion) {
      throw conflict(info, meta.name!, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${meta.resourceVersion}`);
    }
    const next = structuredClone(obj);
    const nm = mm(next);
    delete nm.resourceVersion;
    const finalizers = new Set(nm.finalizers ?? []);
    if (opts.propagationPolicy === 'Foreground') finalizers.add('foregroundDeletion');
    if (opts.propagationPolicy === 'Orphan') finalizers.add('orphan');

    if (info.kind === 'Namespace') {
      if (!nm.deletionTimestamp) {
        nm.deletionTimestamp = timestamp();
        nm.deletionGracePeriodSeconds = 0;
        next.status = { ...(next.status as object), phase: 'Terminating' };
        if (finalizers.size > 0) nm.finalizers = [...finalizers];
        const marked = await this.mark(info, cur, next, opts);
        if (!opts.dryRun) void this.finalizeNamespace(meta.name!);
        return { object: marked, finished: false };
      }
      return { object: obj, finished: false };
    }

    const spec = obj.spec as { nodeName?: string; terminationGracePeriodSeconds?: number } | undefined;
    if (info.kind === 'Pod' && spec?.nodeName && opts.gracePeriodSeconds !== 0) {
      const grace = opts.gracePeriodSeconds ?? spec.terminationGracePeriodSeconds ?? 30;
      if (grace > 0) {
        if (meta.deletionTimestamp) return { object: obj, finished: false };
        nm.deletionTimestamp = timestamp(new Date(Date.now() + grace * 1000));
        nm.deletionGracePeriodSeconds = grace;
        if (finalizers.size > 0) nm.finalizers = [...finalizers];
        return { object: await this.mark(info, cur, next, opts), finished: false };
      }
    }

    if (finalizers.size > 0) {
      if (meta.deletionTimestamp && finalizers.size === (meta.finalizers ?? []).length) return { object: obj, finished: false };
      nm.deletionTimestamp ??= timestamp();
      nm.deletionGracePeriodSeconds ??= 0;
      nm.finalizers = [...finalizers];
      return { object: await this.mark(info, cur, next, opts), finished: false };
    }
    return { object: await this.remove(info, cur, opts), finished: true };
  }

  /**
   * The namespace lifecycle controller, in-process: deletes everything in a terminating namespace,
   * waits until it is empty, then removes the namespace.
   */
  async finalizeNamespace(name: string): Promise<void> {
    if (this.terminating.has(name)) return;
    this.terminating.add(name);
    try {
      const namespaced = RESOURCES.filter((r) => r.namespaced);
      for (let round = 0; !this.closed; round++) {
        let remaining = 0;
        for (const info of namespaced) {
          const { items } = await this.list(info, name);
          remaining += items.length;
          for (const o of items) {
            if (o.metadata?.deletionTimestamp) continue;
            await this.delete(info, name, o.metadata!.name!, {}).catch(() => undefined);
          }
        }
        if (remaining === 0) break;
        // Pods on nodes finish their graceful deletion through the kubelet; check back shortly.
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * (round + 1))).unref());
      }
      if (this.closed) return;
      const cur = await this.current(NAMESPACES, undefined, name);
      if (!cur) return;
      const spec = (cur.obj.spec ?? {}) as { finalizers?: string[] };
      const others = (cur.obj.metadata?.finalizers ?? []).length;
      if (others > 0) {
        const next = structuredClone(cur.obj);
        (next.spec as { finalizers?: string[] }).finalizers = (spec.finalizers ?? []).filter((f) => f !== 'kubernetes');
        delete mm(next).resourceVersion;
        await this.mark(NAMESPACES, cur, next, {});
      } else {
        await this.remove(NAMESPACES, cur, {});
      }
    } catch {
      // A failed round leaves the namespace Terminating; startup resumes it.
    } finally {
      this.terminating.delete(name);
    }
  }
}
