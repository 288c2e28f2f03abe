// EndpointSlices grouped by the Service they belong to (`ns/service`), kept between syncs. A sync
// at 30k Services hands the planner 30k slices of which one changed: rebuilding the grouping each
// time allocated enough to cost more than the change itself (GC). Informer objects are replaced,
// never mutated, so a slice object seen last time is the same slice; a new object replaces the
// slice of the same name. Anything else (deletions, nameless slices) rebuilds from scratch.
import type { EndpointSlice } from '../api/types.js';

/** One slice bare (the usual case), an array for two or more. */
export type SliceGroup = EndpointSlice | EndpointSlice[];

export class SliceIndex {
  private readonly seen = new Set<EndpointSlice>();
  private readonly byName = new Map<string, EndpointSlice>();
  readonly byService = new Map<string, SliceGroup>();

  constructor(private readonly keyOf: (s: EndpointSlice) => string | undefined) {}

  /**
   * Brings the index in line with `slices`. Returns the Service keys whose slices changed, or
   * undefined when the index was rebuilt (then every key may have).
   */
  update(slices: readonly EndpointSlice[]): Set<string> | undefined {
    const touched = new Set<string>();
    let fresh: EndpointSlice[] | undefined;
    for (const s of slices) if (!this.seen.has(s)) (fresh ??= []).push(s);
    if (!fresh && slices.length === this.seen.size) return touched;
    for (const s of fresh ?? []) {
      const name = nameOf(s);
      if (name === undefined) return this.rebuild(slices);
      const old = this.byName.get(name);
      if (old) {
        this.remove(old);
        const k = this.keyOf(old);
        if (k !== undefined) touched.add(k);
      }
      this.add(s, name);
      const k = this.keyOf(s);
      if (k !== undefined) touched.add(k);
    }
    // Fewer slices than indexed: some were deleted (or listed twice); start over.
    if (slices.length !== this.seen.size) return this.rebuild(slices);
    return touched;
  }

  private rebuild(slices: readonly EndpointSlice[]): undefined {
    this.seen.clear();
    this.byName.clear();
    this.byService.clear();
    for (const s of slices) if (!this.seen.has(s)) this.add(s, nameOf(s));
    return undefined;
  }

  private add(s: EndpointSlice, name: string | undefined): void {
    this.seen.add(s);
    if (name !== undefined) this.byName.set(name, s);
    const key = this.keyOf(s);
    if (key === undefined) return;
    // Several slices of one Service are kept in name order, whatever order they arrive in.
    const have = this.byService.get(key);
    if (have === undefined) this.byService.set(key, s);
    else this.byService.set(key, [...(Array.isArray(have) ? have : [have]), s].sort(byName));
  }

  private remove(s: EndpointSlice): void {
    this.seen.delete(s);
    const name = nameOf(s);
    if (name !== undefined && this.byName.get(name) === s) this.byName.delete(name);
    const key = this.keyOf(s);
    if (key === undefined) return;
    const have = this.byService.get(key);
    if (have === s) this.byService.delete(key);
    else if (Array.isArray(have)) {
      const rest = have.filter((x) => x !== s);
      if (rest.length === 1) this.byService.set(key, rest[0]!);
      else this.byService.set(key, rest);
    }
  }
}

function byName(a: EndpointSlice, b: EndpointSlice): number {
  const x = a.metadata?.name ?? '';
  const y = b.metadata?.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

function nameOf(s: EndpointSlice): string | undefined {
  return s.metadata?.name ? `${s.metadata.namespace ?? 'default'}/${s.metadata.name}` : undefined;
}
