// What several global Service ports share: selector chains and hairpin pairs, with the number of
// Service ports using each. A sync at 10k Services must not recount 100k pairs, so a model built
// from the previous one takes over its counts and applies only the changed fragments, recording
// what appeared and disappeared; the incremental transaction is that delta. A model whose counts
// were taken over recounts from its fragments if it is ever needed again (rare: only when plans
// are diffed out of order).
import type { GlobalNeeds } from './nft_global.js';

export interface SharedDelta {
  readonly from: SharedState;
  readonly addedPairs: readonly string[];
  readonly removedPairs: readonly string[];
}

export interface SharedState {
  /** Needs of each global fragment, by view base (the same object while the fragment is unchanged). */
  readonly needs: ReadonlyMap<string, GlobalNeeds>;
  /** Selector ids (`proto/N/internal`) in use, with counts: small, always kept. */
  readonly selectors: ReadonlyMap<string, number>;
  /** Hairpin pair counts (`ip . ip`); undefined once a later model took them over. */
  pairs?: Map<string, number>;
  readonly delta?: SharedDelta;
}

function add(counts: Map<string, number>, keys: readonly string[], by: 1 | -1, touched?: Map<string, number>): void {
  for (const k of keys) {
    const c = counts.get(k) ?? 0;
    if (touched && !touched.has(k)) touched.set(k, c);
    if (c + by === 0) counts.delete(k);
    else counts.set(k, c + by);
  }
}

function countPairs(needs: ReadonlyMap<string, GlobalNeeds>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of needs.values()) add(counts, n.hairpin, 1);
  return counts;
}

/** The hairpin pairs of a state, recounting if they were taken over. */
export function pairsOf(s: SharedState): ReadonlyMap<string, number> {
  return (s.pairs ??= countPairs(s.needs));
}

export function sharedState(needs: ReadonlyMap<string, GlobalNeeds>, previous?: SharedState): SharedState {
  const selectors = new Map<string, number>();
  for (const n of needs.values()) add(selectors, n.selectors, 1);
  if (!previous) return { needs, selectors, pairs: countPairs(needs) };
  const pairs = previous.pairs ?? countPairs(previous.needs);
  previous.pairs = undefined;
  const touched = new Map<string, number>();
  for (const [base, n] of needs) {
    const old = previous.needs.get(base);
    if (old === n) continue;
    if (old) add(pairs, old.hairpin, -1, touched);
    add(pairs, n.hairpin, 1, touched);
  }
  for (const [base, old] of previous.needs) if (!needs.has(base)) add(pairs, old.hairpin, -1, touched);
  const addedPairs: string[] = [];
  const removedPairs: string[] = [];
  for (const [k, before] of touched) {
    const now = pairs.get(k) ?? 0;
    if (before === 0 && now > 0) addedPairs.push(k);
    else if (before > 0 && now === 0) removedPairs.push(k);
  }
  return { needs, selectors, pairs, delta: { from: previous, addedPairs, removedPairs } };
}

/** Pairs to add and delete going from `before` to `after`. */
export function pairChanges(before: SharedState, after: SharedState): { added: readonly string[]; removed: readonly string[] } {
  if (after.delta?.from === before) return { added: after.delta.addedPairs, removed: after.delta.removedPairs };
  const a = pairsOf(before);
  const b = pairsOf(after);
  return { added: [...b.keys()].filter((k) => !a.has(k)), removed: [...a.keys()].filter((k) => !b.has(k)) };
}
