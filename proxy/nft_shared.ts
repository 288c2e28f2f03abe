// What several global Service ports share: selector chains and hairpin pairs, with the number of
// Service ports using each. A sync at 10k Services must not recount 100k pairs, so a model built
// from the previous one takes over its counts and applies only the changed fragments, recording
// what appeared and disappeared; the incremental transaction is that delta. A state whose pair
// counts were taken over recounts from its fragments if it is ever needed again (only when plans
// are diffed out of order).
import type { GlobalNeeds } from './nft_global.js';
import type { ModelDelta } from './nft_model.js';

type Needing = { readonly needs?: GlobalNeeds };

export interface SharedDelta {
  readonly from: SharedState;
  readonly addedPairs: readonly string[];
  readonly removedPairs: readonly string[];
}

export interface SharedState {
  /** The Service fragments, by view base. */
  readonly fragments: ReadonlyMap<string, Needing>;
  /** Selector ids (`proto/N/internal`) in use, with counts: small, copied per sync. */
  readonly selectors: ReadonlyMap<string, number>;
  /** Hairpin pair counts (`ip . ip`); undefined once a later state took them over. */
  pairs?: Map<string, number>;
  readonly delta?: SharedDelta;
}

/** What changed since the previous model (its ModelDelta), with the previous model's state. */
export type SharedChange = Pick<ModelDelta, 'before' | 'changed' | 'removed'> & { readonly state: SharedState };

function add(counts: Map<string, number>, keys: readonly string[] | undefined, by: 1 | -1, touched?: Map<string, number>): void {
  for (const k of keys ?? []) {
    const c = counts.get(k) ?? 0;
    if (touched && !touched.has(k)) touched.set(k, c);
    if (c + by === 0) counts.delete(k);
    else counts.set(k, c + by);
  }
}

function count(fragments: ReadonlyMap<string, Needing>, pick: (n: GlobalNeeds) => readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const f of fragments.values()) if (f.needs) add(counts, pick(f.needs), 1);
  return counts;
}

/** The hairpin pairs of a state, recounting if they were taken over. */
export function pairsOf(s: SharedState): ReadonlyMap<string, number> {
  return (s.pairs ??= count(s.fragments, (n) => n.hairpin));
}

export function sharedState(fragments: ReadonlyMap<string, Needing>, change?: SharedChange): SharedState {
  if (!change) return { fragments, selectors: count(fragments, (n) => n.selectors), pairs: count(fragments, (n) => n.hairpin) };
  const prev = change.state;
  const selectors = new Map(prev.selectors);
  const pairs = prev.pairs ?? count(prev.fragments, (n) => n.hairpin);
  prev.pairs = undefined;
  const touched = new Map<string, number>();
  const apply = (base: string, now?: Needing) => {
    const old = change.before.get(base)?.needs;
    add(selectors, old?.selectors, -1);
    add(pairs, old?.hairpin, -1, touched);
    add(selectors, now?.needs?.selectors, 1);
    add(pairs, now?.needs?.hairpin, 1, touched);
  };
  for (const base of change.changed) apply(base, fragments.get(base));
  for (const base of change.removed) apply(base);
  const addedPairs: string[] = [];
  const removedPairs: string[] = [];
  for (const [k, before] of touched) {
    const now = pairs.get(k) ?? 0;
    if (before === 0 && now > 0) addedPairs.push(k);
    else if (before > 0 && now === 0) removedPairs.push(k);
  }
  return { fragments, selectors, pairs, delta: { from: prev, addedPairs, removedPairs } };
}

/** Pairs to add and delete going from `before` to `after`. */
export function pairChanges(before: SharedState, after: SharedState): { added: readonly string[]; removed: readonly string[] } {
  if (after.delta?.from === before) return { added: after.delta.addedPairs, removed: after.delta.removedPairs };
  const a = pairsOf(before);
  const b = pairsOf(after);
  return { added: [...b.keys()].filter((k) => !a.has(k)), removed: [...a.keys()].filter((k) => !b.has(k)) };
}
