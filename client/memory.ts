// An in-memory ObjectSource: the cache behind the file source and a test double for components.
// `apply`/`remove` change objects and notify informers synchronously.
import { resourceByKind, resourceByPlural, type ResourceInfo } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { Change, Informer, ObjectSource, ResourceRef } from './source.js';

class MemoryInformer<T extends KubeObject> implements Informer<T> {
  readonly objects = new Map<string, T>();
  private readonly handlers = new Set<(c: Change<T>) => void>();

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

  emit(change: Change<T>): void {
    for (const h of this.handlers) h(change);
  }
}

export class MemorySource implements ObjectSource {
  private readonly informers = new Map<string, MemoryInformer<KubeObject>>();

  informer<T extends KubeObject = KubeObject>(ref: ResourceRef): Informer<T> {
    return this.inf(ref) as unknown as Informer<T>;
  }

  private inf(ref: ResourceRef): MemoryInformer<KubeObject> {
    const key = `${ref.group}/${ref.plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new MemoryInformer<KubeObject>();
      this.informers.set(key, inf);
    }
    return inf;
  }

  async start(): Promise<void> {}
  stop(): void {}

  private infoOf(obj: KubeObject): ResourceInfo {
    const info = resourceByKind(obj.apiVersion ?? '', obj.kind ?? '');
    if (!info) throw new TypeError(`Unknown kind "${obj.kind}" in apiVersion "${obj.apiVersion}"`);
    return info;
  }

  /** Adds or replaces an object (namespace defaults to "default" for namespaced kinds). */
  apply(obj: KubeObject): void {
    const info = this.infoOf(obj);
    const meta = { ...(obj.metadata ?? {}) };
    if (info.namespaced && !meta.namespace) meta.namespace = 'default';
    if (!info.namespaced) delete meta.namespace;
    const stored = { ...obj, metadata: meta };
    const inf = this.inf(info);
    const key = meta.namespace ? `${meta.namespace}/${meta.name}` : `${meta.name}`;
    const old = inf.objects.get(key);
    inf.objects.set(key, stored);
    inf.emit(old ? { type: 'MODIFIED', object: stored, old } : { type: 'ADDED', object: stored });
  }

  remove(ref: ResourceRef, namespace: string | undefined, name: string): void {
    const info = resourceByPlural(ref.group, ref.plural);
    const inf = this.inf(ref);
    const key = info?.namespaced && namespace ? `${namespace}/${name}` : name;
    const old = inf.objects.get(key);
    if (!old) return;
    inf.objects.delete(key);
    inf.emit({ type: 'DELETED', object: old });
  }
}
