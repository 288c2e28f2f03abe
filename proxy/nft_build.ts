// Building a plan's NftModel. From scratch it walks every Service port; when the plan came from
// the same PlanCache right after the previous model's plan (planDelta), it takes over the
// previous model's maps and applies only the changed Service ports, so one changed Service at
// 30k costs what it costs at 100. The previous model is then consumed: modelOf() rebuilds it
// from its plan if anyone asks for it again.
import { MAP } from './names.js';
import { planDelta } from './plan.js';
import { globalFragment, selectorFragment, usesGlobalLayout } from './nft_global.js';
import { serviceFragment, staticFragment, type GlobalFragmentLike, type NftModel } from './nft_model.js';
import { sharedState } from './nft_shared.js';
import type { ProxyPlan, ServicePortView } from './types.js';

interface Memo {
  readonly cfg: string;
  readonly frag: GlobalFragmentLike;
  /** What the fragment claims: one id per Service address key (backends elements follow theirs). */
  readonly claims: readonly string[];
}

const memo = new WeakMap<ServicePortView, Memo>();

/** The id two Services would collide on; a backends element collides through its Service key. */
function claimOf(map: string, key: string): string {
  if (map.startsWith('backends-')) {
    const verdicts = map.startsWith('backends-internal-') ? MAP.serviceIPsInternal : MAP.serviceIPs;
    return `${verdicts}\u0000${key.slice(0, key.lastIndexOf(' . '))}`;
  }
  return `${map === MAP.noEndpointServices ? MAP.serviceIPs : map === MAP.noEndpointNodePorts ? MAP.serviceNodePorts : map}\u0000${key}`;
}

function memoOf(v: ServicePortView, plan: ProxyPlan, cfgKey: string): Memo {
  const hit = memo.get(v);
  if (hit && hit.cfg === cfgKey) return hit;
  const frag = usesGlobalLayout(v, plan.config, plan.node.ips) ? globalFragment(v, plan.config, plan.node) : serviceFragment(v, plan.config);
  const claims = new Set<string>();
  for (const [m, k] of frag.elements) if (!m.startsWith('backends-')) claims.add(claimOf(m, k));
  const entry = { cfg: cfgKey, frag, claims: [...claims] };
  memo.set(v, entry);
  return entry;
}

/** What a later model needs to take this one over. */
interface BuildState {
  readonly cfgKey: string;
  /** Claim id → base of the Service port holding it. */
  readonly owner: Map<string, string>;
  readonly views: Map<string, ServicePortView>;
  readonly ipCounts: Map<string, number>;
  /** Some Service lost an element to another: plan order decides, so rebuild from scratch. */
  readonly clashes: boolean;
  consumed: boolean;
}

const states = new WeakMap<NftModel, BuildState>();

/** True when a later model took this one's maps over (its contents are no longer its plan's). */
export function isConsumed(m: NftModel): boolean {
  return states.get(m)?.consumed === true;
}

/** cfg keys are compared once per Service per sync: keep one string object so equal ones are identical. */
let lastCfgKey = '';

function cfgKeyOf(plan: ProxyPlan): string {
  const key = JSON.stringify([plan.config, plan.node.name, plan.node.ips]);
  if (key === lastCfgKey) return lastCfgKey;
  return (lastCfgKey = key);
}

export function buildNftModel(plan: ProxyPlan, previous?: NftModel): NftModel {
  const cfgKey = cfgKeyOf(plan);
  return (previous && takeOver(plan, previous, cfgKey)) ?? fromScratch(plan, cfgKey, previous);
}

function fromScratch(plan: ProxyPlan, cfgKey: string, previous?: NftModel): NftModel {
  const services = new Map<string, GlobalFragmentLike>();
  const views = new Map<string, ServicePortView>();
  const clusterIPs = new Set<string>();
  const ipCounts = new Map<string, number>();
  const changed: string[] = [];
  let existed = 0;
  let clashes = false;
  // Two Services claiming one IP:port (or NodePort) would fail the whole transaction; the
  // first in plan order keeps it, the later one loses that element.
  const owner = new Map<string, string>();
  for (const v of plan.services) {
    if (v.clusterIP) {
      clusterIPs.add(v.clusterIP);
      ipCounts.set(v.clusterIP, (ipCounts.get(v.clusterIP) ?? 0) + 1);
    }
    const { frag: built, claims } = memoOf(v, plan, cfgKey);
    let frag = built;
    let clash = false;
    for (const id of claims) {
      const o = owner.get(id);
      if (o === undefined) owner.set(id, v.base);
      else if (o !== v.base) clash = true;
    }
    if (clash) {
      clashes = true;
      frag = { ...frag, elements: frag.elements.filter(([m, k]) => owner.get(claimOf(m, k)) === v.base) };
    }
    services.set(v.base, frag);
    views.set(v.base, v);
    if (previous) {
      const old = previous.services.get(v.base);
      if (old !== undefined) existed++;
      if (old !== frag) changed.push(v.base);
    }
  }
  let delta: NftModel['delta'];
  if (previous) {
    const removed: string[] = [];
    if (previous.services.size > existed) for (const base of previous.services.keys()) if (!services.has(base)) removed.push(base);
    const before = new Map<string, GlobalFragmentLike | undefined>();
    for (const base of [...changed, ...removed]) before.set(base, previous.services.get(base));
    const ips = {
      added: [...clusterIPs].filter((ip) => !previous.clusterIPs.has(ip)),
      removed: [...previous.clusterIPs].filter((ip) => !clusterIPs.has(ip)),
    };
    delta = { from: previous, before, changed, removed, clusterIPs: ips };
  }
  const shared = sharedState(services, delta ? { state: previous!.shared, before: delta.before, changed, removed: delta.removed } : undefined);
  const model: NftModel = { plan, fixed: staticFragment(plan.config), services, selectors: selectorFragment(shared, plan.config), shared, clusterIPs, ...(delta ? { delta } : {}) };
  states.set(model, { cfgKey, owner, views, ipCounts, clashes, consumed: false });
  return model;
}

/** The previous model's maps with the plan's changes applied, or undefined when that is not exact. */
function takeOver(plan: ProxyPlan, previous: NftModel, cfgKey: string): NftModel | undefined {
  const pd = planDelta(plan);
  const st = states.get(previous);
  if (!pd || pd.from !== previous.plan || !st || st.consumed || st.clashes || st.cfgKey !== cfgKey) return undefined;
  const touched = new Set<string>(pd.removed);
  for (const v of pd.changed) touched.add(v.base);
  const fresh = pd.changed.map((v) => ({ v, m: memoOf(v, plan, cfgKey) }));
  // A new claim on something another, unchanged Service port holds: plan order decides.
  const claimed = new Map<string, string>();
  for (const { v, m } of fresh) {
    for (const id of m.claims) {
      const o = st.owner.get(id);
      if (o !== undefined && o !== v.base && !touched.has(o)) return undefined;
      const c = claimed.get(id);
      if (c !== undefined && c !== v.base) return undefined;
      claimed.set(id, v.base);
    }
  }
  st.consumed = true;
  const services = previous.services as Map<string, GlobalFragmentLike>;
  const clusterIPs = previous.clusterIPs as Set<string>;
  const before = new Map<string, GlobalFragmentLike | undefined>();
  const ipBefore = new Map<string, number>();
  const countIP = (ip: string, by: 1 | -1) => {
    const c = st.ipCounts.get(ip) ?? 0;
    if (!ipBefore.has(ip)) ipBefore.set(ip, c);
    if (c + by === 0) {
      st.ipCounts.delete(ip);
      clusterIPs.delete(ip);
    } else {
      st.ipCounts.set(ip, c + by);
      clusterIPs.add(ip);
    }
  };
  const drop = (base: string) => {
    if (!before.has(base)) before.set(base, services.get(base));
    const old = st.views.get(base);
    if (!old) return;
    for (const id of memo.get(old)?.claims ?? []) if (st.owner.get(id) === base) st.owner.delete(id);
    if (old.clusterIP) countIP(old.clusterIP, -1);
    services.delete(base);
    st.views.delete(base);
  };
  for (const base of pd.removed) drop(base);
  for (const { v } of fresh) drop(v.base);
  for (const { v, m } of fresh) {
    services.set(v.base, m.frag);
    st.views.set(v.base, v);
    for (const id of m.claims) st.owner.set(id, v.base);
    if (v.clusterIP) countIP(v.clusterIP, 1);
  }
  const ips = { added: [] as string[], removed: [] as string[] };
  for (const [ip, c] of ipBefore) {
    const now = st.ipCounts.get(ip) ?? 0;
    if (c === 0 && now > 0) ips.added.push(ip);
    else if (c > 0 && now === 0) ips.removed.push(ip);
  }
  const changed = fresh.map(({ v }) => v.base);
  const shared = sharedState(services, { state: previous.shared, before, changed, removed: pd.removed });
  const delta = { from: previous, before, changed, removed: pd.removed, clusterIPs: ips };
  const model: NftModel = { plan, fixed: previous.fixed, services, selectors: selectorFragment(shared, plan.config), shared, clusterIPs, delta };
  states.set(model, { ...st, consumed: false });
  return model;
}
