// kubeSource: informers over a Kubernetes API server. Each informer lists, then watches from
// the list's resourceVersion; a 410 (history compacted) means relist, and the relist is diffed
// against the cache so handlers see the changes they missed as ordinary events. Other failures
// reconnect with capped exponential backoff. A resource the server does not serve (404 on list)
// counts as synced-and-empty, so one missing optional kind never blocks a component's start.
import type { KubeObject } from '../api/types.js';
import { objectKey } from '../api/types.js';
import { ApiError, type KubeClient } from './rest.js';
import type { Change, Informer, ObjectSource, ResourceRef } from './source.js';

const MIN_BACKOFF_MS = 200;
const MAX_BACKOFF_MS = 30_000;

class KubeInformer<T extends KubeObject> implements Informer<T> {
  private readonly objects = new Map<string, T>();
  private readonly handlers = new Set<(c: Change<T>) => void>();
  private stopped = false;
  private running = false;
  private closeWatch: (() => void) | undefined;
  private wake: (() => void) | undefined;
  private resolveSynced!: () => void;
  readonly synced: Promise<void> = new Promise((r) => (this.resolveSynced = r));
  /** Failures since the last success, for observers. */
  failures = 0;

  constructor(
    private readonly client: KubeClient,
    private readonly ref: ResourceRef,
    private readonly namespace: string | undefined,
    private readonly selectors: { labelSelector?: string; fieldSelector?: string } = {},
  ) {}

  list(namespace?: string): readonly T[] {
    const all = [...this.objects.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata?.namespace === namespace);
  }

  get(namespace: string | undefined, name: string): T | undefined {
    return this.objects.get(namespace ? `${namespace}/${name}` : name);
  }

  onChange(handler: (change: Change<T>) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  private emit(change: Change<T>): void {
    for (const h of this.handlers) {
      try {
        h(change);
      } catch {
        // A handler's bug must not stop the informer; handlers only enqueue.
      }
    }
  }

  private upsert(obj: T): void {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    this.objects.set(key, obj);
    this.emit(old ? { type: 'MODIFIED', object: obj, old } : { type: 'ADDED', object: obj });
  }

  private remove(obj: T): void {
    const key = objectKey(obj);
    const old = this.objects.get(key);
    if (!old) return;
    this.objects.delete(key);
    this.emit({ type: 'DELETED', object: obj });
  }

  /** Replaces the cache with a fresh list, emitting only what changed. */
  private replace(items: readonly T[]): void {
    const seen = new Set<string>();
    for (const obj of items) {
      const key = objectKey(obj);
      seen.add(key);
      const old = this.objects.get(key);
      if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) continue;
      this.upsert(obj);
    }
    for (const [key, obj] of [...this.objects]) if (!seen.has(key)) this.remove(obj);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      t.unref?.();
      this.wake = done;
      function done() {
        clearTimeout(t);
        resolve();
      }
    });
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.run();
  }

  private async run(): Promise<void> {
    let rv: string | undefined;
    let backoff = MIN_BACKOFF_MS;
    while (!this.stopped) {
      try {
        if (rv === undefined) {
          const res = await this.client.list<T>(this.ref, this.namespace, this.selectors);
          if (this.stopped) return;
          this.replace(res.items);
          rv = res.resourceVersion;
          this.resolveSynced();
        }
        // Servers end watches at timeoutSeconds; spreading the timeouts spreads the reconnects.
        const w = this.client.watch<T>(
          this.ref,
          this.namespace,
          rv,
          (ev) => {
            const next = ev.object?.metadata?.resourceVersion;
            if (next) rv = next;
            if (ev.type === 'ADDED' || ev.type === 'MODIFIED') this.upsert(ev.object);
            else if (ev.type === 'DELETED') this.remove(ev.object);
          },
          { ...this.selectors, allowWatchBookmarks: true, timeoutSeconds: 300 + Math.floor(Math.random() * 300) },
        );
        this.closeWatch = w.close;
        await w.done;
        this.failures = 0;
        backoff = MIN_BACKOFF_MS;
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof ApiError && err.status === 410) {
          rv = undefined;
          continue;
        }
        if (err instanceof ApiError && err.status === 404 && rv === undefined) {
          this.resolveSynced();
        }
        this.failures++;
        await this.sleep(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.closeWatch?.();
    this.wake?.();
  }
}

export interface KubeSourceOptions {
  /** Only this namespace (cluster-scoped resources are unaffected). */
  namespace?: string;
  /** Per resource plural: narrow what is cached, e.g. `{ pods: { fieldSelector: 'spec.nodeName=n1' } }` for a kubelet. */
  selectors?: Record<string, { labelSelector?: string; fieldSelector?: string }>;
}

export function kubeSource(client: KubeClient, opts: KubeSourceOptions = {}): ObjectSource {
  const informers = new Map<string, KubeInformer<KubeObject>>();
  let started = false;
  return {
    informer<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T> {
      const key = `${ref.group}/${ref.plural}`;
      let inf = informers.get(key);
      if (!inf) {
        inf = new KubeInformer<KubeObject>(client, ref, opts.namespace, opts.selectors?.[ref.plural]);
        informers.set(key, inf);
        if (started) inf.start();
      }
      return inf as unknown as Informer<T>;
    },
    async start(): Promise<void> {
      started = true;
      for (const inf of informers.values()) inf.start();
      await Promise.all([...informers.values()].map((i) => i.synced));
    },
    stop(): void {
      for (const inf of informers.values()) inf.stop();
    },
  };
}
