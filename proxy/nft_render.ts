// renderNft: a plan (and optionally the previous one) → one `nft -f` transaction for table
// `ip podnet-proxy`. Without a previous plan it is a full sync: every owned chain and map is
// flushed and refilled, and objects found in the kernel but not in the plan are deleted. With
// one, only the Service fragments that changed are touched (chains flushed and refilled, map
// elements deleted/added), so a change at 10k Services is a few lines.
import { FAMILY, SET, TABLE } from './names.js';
import { pairChanges, pairsOf } from './nft_shared.js';
import type { ChainDef, Fragment, NftModel, SetDef } from './nft_model.js';
import { buildNftModel, isConsumed } from './nft_build.js';
import type { ProxyPlan } from './types.js';

/** Names that exist in the kernel's table now (from `nft list table`), for a full sync. */
export interface ExistingObjects {
  readonly chains: readonly string[];
  readonly sets: readonly string[];
  readonly maps: readonly string[];
}

const T = `${FAMILY} ${TABLE}`;

class Script {
  readonly addObjects: string[] = [];
  readonly flushes: string[] = [];
  readonly deleteElements: string[] = [];
  readonly addElements = new Map<string, string[]>();
  readonly rules: string[] = [];
  readonly deletes: string[] = [];

  chain(c: ChainDef): void {
    this.addObjects.push(c.hook ? `add chain ${T} ${c.name} { ${c.hook} }` : `add chain ${T} ${c.name}`);
  }
  set(s: SetDef): void {
    this.addObjects.push(`add ${s.kind} ${T} ${s.name} { ${s.spec} }`);
  }
  rulesOf(c: ChainDef): void {
    for (const r of c.rules) this.rules.push(`add rule ${T} ${c.name} ${r}`);
  }
  element(name: string, key: string, value: string): void {
    let list = this.addElements.get(name);
    if (!list) this.addElements.set(name, (list = []));
    list.push(value ? `${key} : ${value}` : key);
  }
  text(): string {
    // concat, not push(...): a full sync at 10k Services has more lines than the stack has slots.
    const elements: string[] = [];
    for (const [name, elems] of this.addElements) {
      for (let i = 0; i < elems.length; i += 1000) elements.push(`add element ${T} ${name} { ${elems.slice(i, i + 1000).join(', ')} }`);
    }
    const out = this.addObjects.concat(this.flushes, this.deleteElements, elements, this.rules, this.deletes);
    return out.length > 0 ? out.join('\n') + '\n' : '';
  }
}

export function allFragments(m: NftModel): Fragment[] {
  return [m.fixed, m.selectors, ...m.services.values()];
}

function renderFull(model: NftModel, existing?: ExistingObjects): string {
  const s = new Script();
  s.addObjects.push(`add table ${T}`);
  // Without a list of what exists, replace the table in the same transaction: nothing stale
  // survives, nothing needs flushing, and established connections keep their conntrack NAT.
  if (!existing) s.addObjects.push(`delete table ${T}`, `add table ${T}`);
  const chains = new Set<string>();
  const sets = new Set<string>();
  for (const f of allFragments(model)) {
    for (const set of f.sets) {
      if (sets.has(set.name)) continue;
      sets.add(set.name);
      s.set(set);
      // Affinity sets keep their members across a full sync: clients stay where they were.
      if (existing && (set.kind === 'map' || !set.spec.includes('dynamic'))) s.flushes.push(`flush ${set.kind} ${T} ${set.name}`);
    }
    for (const c of f.chains) {
      chains.add(c.name);
      s.chain(c);
      if (existing) s.flushes.push(`flush chain ${T} ${c.name}`);
      s.rulesOf(c);
    }
    for (const [name, key, value] of f.elements) s.element(name, key, value);
  }
  for (const c of existing?.chains ?? []) {
    if (chains.has(c)) continue;
    s.flushes.push(`flush chain ${T} ${c}`);
    s.deletes.push(`delete chain ${T} ${c}`);
  }
  for (const name of [...(existing?.sets ?? []), ...(existing?.maps ?? [])]) {
    if (sets.has(name)) continue;
    const kind = existing?.maps.includes(name) ? 'map' : 'set';
    s.deletes.push(`delete ${kind} ${T} ${name}`);
  }
  for (const ip of clusterIPsOf(model)) s.element(SET.clusterIPs, ip, '');
  for (const pair of pairsOf(model.shared).keys()) s.element(SET.hairpin, pair, '');
  return s.text();
}

function diffFragment(s: Script, before: Fragment | undefined, after: Fragment | undefined): void {
  if (before === after) return;
  const oldChains = new Map((before?.chains ?? []).map((c) => [c.name, c]));
  const newChains = new Map((after?.chains ?? []).map((c) => [c.name, c]));
  for (const [name, c] of newChains) {
    const old = oldChains.get(name);
    if (!old) {
      s.chain(c);
      s.rulesOf(c);
    } else if (old.rules.join('\n') !== c.rules.join('\n')) {
      s.flushes.push(`flush chain ${T} ${name}`);
      s.rulesOf(c);
    }
  }
  for (const name of oldChains.keys()) {
    if (newChains.has(name)) continue;
    s.flushes.push(`flush chain ${T} ${name}`);
    s.deletes.push(`delete chain ${T} ${name}`);
  }
  const oldSets = new Map((before?.sets ?? []).map((x) => [x.name, x]));
  const newSets = new Map((after?.sets ?? []).map((x) => [x.name, x]));
  for (const [name, set] of newSets) {
    const old = oldSets.get(name);
    if (!old) s.set(set);
    else if (old.spec !== set.spec) {
      // A new timeout needs a new set; clients re-pick their endpoint once.
      s.deletes.push(`delete ${set.kind} ${T} ${name}`);
      s.deletes.push(`add ${set.kind} ${T} ${name} { ${set.spec} }`);
    }
  }
  for (const [name, set] of oldSets) if (!newSets.has(name)) s.deletes.push(`delete ${set.kind} ${T} ${name}`);
  const oldEl = new Map((before?.elements ?? []).map(([m, k, v]) => [`${m}\u0000${k}`, v]));
  const newEl = new Map((after?.elements ?? []).map(([m, k, v]) => [`${m}\u0000${k}`, v]));
  for (const [id, v] of oldEl) {
    if (newEl.get(id) === v) continue;
    const [m, k] = id.split('\u0000') as [string, string];
    s.deleteElements.push(`delete element ${T} ${m} { ${k} }`);
  }
  for (const [id, v] of newEl) {
    if (oldEl.get(id) === v) continue;
    const [m, k] = id.split('\u0000') as [string, string];
    s.element(m, k, v);
  }
}

const models = new WeakMap<ProxyPlan, NftModel>();

/** ClusterIPs with any rule: shared by all ports of a Service, so kept apart from fragments. */
function clusterIPsOf(m: NftModel): ReadonlySet<string> {
  return m.clusterIPs;
}

/** The model of a plan, built once per plan object (from `previous`'s, when given, to share counts). */
export function modelOf(plan: ProxyPlan, previous?: NftModel): NftModel {
  let m = models.get(plan);
  if (!m || isConsumed(m)) models.set(plan, (m = buildNftModel(plan, previous)));
  return m;
}

/** The names a plan's model puts in the kernel: what a later full sync must check for staleness. */
export function objectsOf(plan: ProxyPlan): ExistingObjects {
  const out = { chains: [] as string[], sets: [] as string[], maps: [] as string[] };
  const m = modelOf(plan);
  for (const f of allFragments(m)) {
    for (const c of f.chains) out.chains.push(c.name);
    for (const x of f.sets) (x.kind === 'map' ? out.maps : out.sets).push(x.name);
  }
  return out;
}

/**
 * Renders one transaction. With `previous`: only the differences (incremental sync). Without:
 * a full sync — with `existing`, every chain and map is flushed and refilled and objects the
 * plan lacks are deleted (affinity sets keep their members); without `existing`, the table is
 * replaced outright (used at start, when what is in the kernel is unknown).
 */
export function renderNft(plan: ProxyPlan, previous?: ProxyPlan, existing?: ExistingObjects): string {
  const before = previous ? modelOf(previous) : undefined;
  const model = modelOf(plan, before);
  if (!before) return renderFull(model, existing);
  const s = new Script();
  diffFragment(s, before.fixed, model.fixed);
  diffFragment(s, before.selectors, model.selectors);
  const pairs = pairChanges(before.shared, model.shared);
  for (const p of pairs.removed) s.deleteElements.push(`delete element ${T} ${SET.hairpin} { ${p} }`);
  for (const p of pairs.added) s.element(SET.hairpin, p, '');
  const delta = model.delta?.from === before ? model.delta : undefined;
  if (delta) {
    // Built from `before`: only these fragments differ.
    for (const base of delta.changed) diffFragment(s, delta.before.get(base), model.services.get(base));
    for (const base of delta.removed) diffFragment(s, delta.before.get(base), undefined);
  } else {
    for (const [base, frag] of model.services) diffFragment(s, before.services.get(base), frag);
    for (const [base, frag] of before.services) if (!model.services.has(base)) diffFragment(s, frag, undefined);
  }
  const ips = delta?.clusterIPs ?? {
    added: [...clusterIPsOf(model)].filter((ip) => !clusterIPsOf(before).has(ip)),
    removed: [...clusterIPsOf(before)].filter((ip) => !clusterIPsOf(model).has(ip)),
  };
  for (const ip of ips.removed) s.deleteElements.push(`delete element ${T} ${SET.clusterIPs} { ${ip} }`);
  for (const ip of ips.added) s.element(SET.clusterIPs, ip, '');
  return s.text();
}
