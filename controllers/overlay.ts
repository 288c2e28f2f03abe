// The cache lags the controller's own writes: right after creating a Pod the informer may not
// have it yet, and a reconcile in that window would create it again. Upstream solves this with
// "expectations"; podnet keeps what it wrote (and deleted) in an overlay over the informer until
// the informer shows a version at least as new, so reads see the controller's own writes.
import type { KubeObject } from '../api/types.js';
import { objectKey } from '../api/types.js';
import type { Clock } from '../client/clock.js';
import type { Informer } from '../client/source.js';

/** Entries older than this are dropped even if never observed (someone else changed the object). */
const MAX_AGE_MS = 60_000;

function newer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b) return false;
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return BigInt(a) >= BigInt(b);
  return a === b;
}

export class WriteOverlay<T extends KubeObject> {
  private readonly written = new Map<string, { obj: T; at: number }>();
  private readonly deleted = new Map<string, number>();

  constructor(
    private readonly informer: Informer<T>,
    private readonly clock: Clock,
  ) {}

  wrote(obj: T): void {
    const key = objectKey(obj);
    this.deleted.delete(key);
    this.written.set(key, { obj, at: this.clock.now() });
  }

  removed(namespace: string | undefined, name: string): void {
    const key = namespace ? `${namespace}/${name}` : name;
    this.written.delete(key);
    this.deleted.set(key, this.clock.now());
  }

  private resolve(key: string, cached: T | undefined): T | undefined {
    const now = this.clock.now();
    const del = this.deleted.get(key);
    if (del !== undefined) {
      if (!cached || now - del > MAX_AGE_MS) {
        this.deleted.delete(key);
        return cached;
      }
      return undefined;
    }
    const w = this.written.get(key);
    if (!w) return cached;
    if (now - w.at > MAX_AGE_MS || (cached && newer(cached.metadata?.resourceVersion, w.obj.metadata?.resourceVersion))) {
      this.written.delete(key);
      return cached;
    }
    return w.obj;
  }

  get(namespace: string | undefined, name: string): T | undefined {
    const key = namespace ? `${namespace}/${name}` : name;
    return this.resolve(key, this.informer.get(namespace, name));
  }

  /** The informer's objects (or the given candidates from an index) with the overlay applied. */
  list(namespace?: string, candidates?: readonly T[]): T[] {
    const out: T[] = [];
    const seen = new Set<string>();
    for (const o of candidates ?? this.informer.list(namespace)) {
      const key = objectKey(o);
      seen.add(key);
      const r = this.resolve(key, o);
      if (r) out.push(r);
    }
    for (const [key, w] of [...this.written]) {
      if (seen.has(key)) continue;
      if (namespace !== undefined && w.obj.metadata?.namespace !== namespace) continue;
      const r = this.resolve(key, this.informer.get(w.obj.metadata?.namespace, w.obj.metadata?.name ?? ''));
      if (r && !seen.has(key)) out.push(r);
    }
    return out;
  }
}
