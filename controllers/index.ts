// Secondary indexes over an informer, kept current by its change events, so that a reconcile
// reads "pods of namespace X" or "dependents of owner U" without scanning every object.
import type { KubeObject } from '../api/types.js';
import { objectKey } from '../api/types.js';
import type { Informer } from '../client/source.js';

export class Index<T extends KubeObject> {
  private readonly byValue = new Map<string, Map<string, T>>();
  private readonly valuesOf = new Map<string, string[]>();

  constructor(
    informer: Informer<T>,
    private readonly keysOf: (obj: T) => readonly string[],
  ) {
    for (const o of informer.list()) this.put(o);
    informer.onChange((c) => (c.type === 'DELETED' ? this.drop(c.object) : this.put(c.object)));
  }

  private put(obj: T): void {
    this.drop(obj);
    const key = objectKey(obj);
    const values = [...new Set(this.keysOf(obj))];
    this.valuesOf.set(key, values);
    for (const v of values) {
      let m = this.byValue.get(v);
      if (!m) this.byValue.set(v, (m = new Map()));
      m.set(key, obj);
    }
  }

  private drop(obj: T): void {
    const key = objectKey(obj);
    for (const v of this.valuesOf.get(key) ?? []) {
      const m = this.byValue.get(v);
      m?.delete(key);
      if (m?.size === 0) this.byValue.delete(v);
    }
    this.valuesOf.delete(key);
  }

  get(value: string): T[] {
    return [...(this.byValue.get(value)?.values() ?? [])];
  }
}

export const byNamespace = (o: KubeObject): string[] => [o.metadata?.namespace ?? ''];
export const byOwnerUID = (o: KubeObject): string[] => (o.metadata?.ownerReferences ?? []).map((r) => r.uid);
export const byControllerUID = (o: KubeObject): string[] => (o.metadata?.ownerReferences ?? []).filter((r) => r.controller).map((r) => r.uid);
