// planServiceRules: Services + EndpointSlices (+ Pods for weights) → ProxyPlan for one node.
// Pure. A PlanCache reuses the views of Services whose objects did not change (informer objects
// are replaced, never mutated), so a sync at 10k Services only re-plans what changed.
import type { EndpointSlice, Pod, Service } from '../api/types.js';
import { tryParseIP } from '../api/ip.js';
import { ANNOTATION_ALGORITHM, ANNOTATION_POD_WEIGHT, ANNOTATION_WEIGHTS, chooseAlgorithm, parseWeight, parseWeights } from './algorithm.js';
import { categorizeEndpoints } from './endpoints.js';
import { SliceIndex } from './slice_index.js';
import { endpointChainBase, hash8, servicePortBase } from './names.js';
import type { Algorithm, EndpointView, HealthCheckView, NodeView, ProxyConfig, ProxyMode, ProxyPlan, Protocol, ServicePortView } from './types.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
/** `kube` keeps a Service on per-endpoint chains in the global nftables layout. */
export const ANNOTATION_LAYOUT = 'podnet.dev/proxy-layout';
export const DEFAULT_AFFINITY_SECONDS = 10800;
export const DEFAULT_USERSPACE_PORT_BASE = 36000;
export const USERSPACE_PORT_SPAN = 20000;

export interface PlanInput {
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
  readonly pods?: readonly Pod[];
  readonly node: NodeView;
  readonly config: ProxyConfig;
}

interface CacheEntry {
  readonly deps: readonly object[];
  readonly views: readonly ServicePortView[];
  /** The sync that last used this entry; older ones are dropped. */
  gen: number;
}

/** Memo of per-Service views between syncs; keyed by the Service object. */
export class PlanCache {
  entries = new Map<string, CacheEntry>();
  settings = '';
  gen = 0;
  last?: ProxyPlan;
  /** Base → position in `last.services`. */
  index?: Map<string, number>;
  slices?: SliceIndex;
  /** The Service objects of the last sync, to find the few that are new objects. */
  services?: { readonly seen: Set<Service>; readonly byKey: Map<string, Service> };
  /** The last sync had pods with weights: their going away changes views too. */
  weighted?: boolean;
}

/** How a plan differs from the one planned before it with the same cache. */
export interface PlanDelta {
  readonly from: ProxyPlan;
  /** Views that are new objects in this plan (changed or added Service ports). */
  readonly changed: readonly ServicePortView[];
  /** Bases of `from`'s views that this plan no longer has. */
  readonly removed: readonly string[];
}

const deltas = new WeakMap<ProxyPlan, PlanDelta>();

/** What changed since the previous plan of the same PlanCache, when known. */
export function planDelta(plan: ProxyPlan): PlanDelta | undefined {
  return deltas.get(plan);
}

const NO_SLICES: readonly EndpointSlice[] = [];
const NO_PODS: Pod[] = [];

// Informer objects are replaced, never mutated: their keys can be remembered (and the strings'
// hashes with them), which matters when every sync walks 30k Services and slices.
const keys = new WeakMap<object, string | null>();

function serviceKey(svc: Service): string {
  let k = keys.get(svc);
  if (typeof k !== 'string') keys.set(svc, (k = `${svc.metadata?.namespace ?? 'default'}/${svc.metadata?.name ?? ''}`));
  return k;
}

/** `ns/service` of the Service a slice belongs to; undefined without the label. */
function sliceKey(s: EndpointSlice): string | undefined {
  let k = keys.get(s);
  if (k === undefined) {
    const svcName = s.metadata?.labels?.[SERVICE_NAME_LABEL];
    keys.set(s, (k = svcName ? `${s.metadata?.namespace ?? 'default'}/${svcName}` : null));
  }
  return k ?? undefined;
}

/** deps = [svc, ...slices, ...pods], compared without building the new list. */
/** sameDeps for the usual single slice. */
function sameDeps1(deps: readonly object[], svc: object, slice: object, pods: readonly object[]): boolean {
  if (deps.length !== 2 + pods.length || deps[0] !== svc || deps[1] !== slice) return false;
  for (let i = 0; i < pods.length; i++) if (deps[2 + i] !== pods[i]) return false;
  return true;
}

function sameDeps(deps: readonly object[], svc: object, slices: readonly object[], pods: readonly object[]): boolean {
  if (deps.length !== 1 + slices.length + pods.length || deps[0] !== svc) return false;
  for (let i = 0; i < slices.length; i++) if (deps[1 + i] !== slices[i]) return false;
  for (let i = 0; i < pods.length; i++) if (deps[1 + slices.length + i] !== pods[i]) return false;
  return true;
}

function protoOf(p: string | undefined): Protocol {
  const v = (p ?? 'TCP').toLowerCase();
  return v === 'udp' ? 'udp' : v === 'sctp' ? 'sctp' : 'tcp';
}

const DOTTED_QUAD = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function ipv4(text: string | undefined): string | undefined {
  if (!text) return undefined;
  if (DOTTED_QUAD.test(text)) return text; // the common case, without building a value type
  const ip = tryParseIP(text);
  return ip && ip.family === 4 ? text : undefined;
}

function podKey(ns: string, name: string): string {
  return `${ns}/${name}`;
}

function endpointsFor(
  svc: Service,
  portName: string,
  proto: Protocol,
  base: string,
  slices: readonly EndpointSlice[],
  weightOf: (ip: string, podName?: string) => number,
): EndpointView[] {
  const seen = new Map<string, EndpointView>();
  for (const slice of slices) {
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    const sp = (slice.ports ?? []).find((p) => (p.name ?? '') === portName && protoOf(p.protocol) === proto);
    if (!sp || sp.port === undefined || sp.port === null) continue;
    for (const ep of slice.endpoints ?? []) {
      const c = ep.conditions ?? {};
      const ready = c.ready ?? true;
      const serving = c.serving ?? ready;
      const terminating = c.terminating ?? false;
      for (const addr of ep.addresses ?? []) {
        if (!ipv4(addr)) continue;
        const key = `${addr}:${sp.port}`;
        if (seen.has(key)) continue;
        const podName = ep.targetRef?.kind === 'Pod' ? ep.targetRef.name : undefined;
        seen.set(key, {
          ip: addr,
          port: sp.port,
          ready,
          serving,
          terminating,
          ...(ep.nodeName ? { nodeName: ep.nodeName } : {}),
          ...(ep.zone ? { zone: ep.zone } : {}),
          ...(ep.hints?.forZones?.length ? { hintZones: ep.hints.forZones.map((z) => z.name) } : {}),
          weight: weightOf(addr, podName),
          base: endpointChainBase(base, addr, sp.port),
        });
      }
    }
  }
  void svc;
  return [...seen.values()].sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

function viewsForService(
  svc: Service,
  slices: readonly EndpointSlice[],
  pods: ReadonlyMap<string, Pod>,
  input: PlanInput,
  mode: ProxyMode,
  scheduler: Algorithm,
): ServicePortView[] {
  const spec = svc.spec ?? {};
  const type = spec.type ?? 'ClusterIP';
  if (type === 'ExternalName') return [];
  const ns = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '';
  const clusterIP = spec.clusterIP === 'None' ? undefined : ipv4(spec.clusterIP) ?? (spec.clusterIPs ?? []).map(ipv4).find(Boolean);
  if (!clusterIP) return []; // headless or no IPv4 ClusterIP: DNS only, no rules
  const ann = svc.metadata?.annotations ?? {};
  const { algorithm, warnings: algoWarnings } = chooseAlgorithm(ann[ANNOTATION_ALGORITHM], scheduler, mode);
  const { weights, warnings: weightWarnings } = parseWeights(ann[ANNOTATION_WEIGHTS]);
  const weightOf = (ip: string, podName?: string): number => {
    const w = weights.get(ip) ?? (podName ? parseWeight(pods.get(podKey(ns, podName))?.metadata?.annotations?.[ANNOTATION_POD_WEIGHT]) : undefined);
    return w ?? 1;
  };
  const nodePortType = type === 'NodePort' || type === 'LoadBalancer';
  const externalIPs = (spec.externalIPs ?? []).filter((ip) => ipv4(ip));
  const lbIPs = type === 'LoadBalancer' ? (svc.status?.loadBalancer?.ingress ?? []).map((i) => ipv4(i.ip)).filter((x): x is string => !!x) : [];
  const externallyAccessible = nodePortType || externalIPs.length > 0;
  const externalLocal = externallyAccessible && spec.externalTrafficPolicy === 'Local';
  const internalLocal = spec.internalTrafficPolicy === 'Local';
  const preferClose = (spec as { trafficDistribution?: string }).trafficDistribution === 'PreferClose';
  const affinitySeconds = spec.sessionAffinity === 'ClientIP' ? spec.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS : undefined;
  const sourceRanges = type === 'LoadBalancer' ? (spec.loadBalancerSourceRanges ?? []).map((r) => r.trim()).filter(Boolean) : [];
  const out: ServicePortView[] = [];
  for (const sp of spec.ports ?? []) {
    const proto = protoOf(sp.protocol);
    const portName = sp.name ?? '';
    const base = servicePortBase(ns, name, proto, portName);
    const all = endpointsFor(svc, portName, proto, base, slices, weightOf);
    const cat = categorizeEndpoints(all, input.node, { internalLocal, externalLocal, preferClose });
    out.push({
      namespace: ns,
      name,
      portName,
      protocol: proto,
      base,
      clusterIP,
      port: sp.port,
      ...(nodePortType && sp.nodePort ? { nodePort: sp.nodePort } : {}),
      externalIPs,
      loadBalancerIPs: lbIPs,
      loadBalancerSourceRanges: sourceRanges,
      externalPolicyLocal: externalLocal,
      internalPolicyLocal: internalLocal,
      ...(externalLocal && spec.healthCheckNodePort ? { healthCheckNodePort: spec.healthCheckNodePort } : {}),
      ...(affinitySeconds !== undefined ? { affinitySeconds } : {}),
      algorithm,
      allEndpoints: all,
      clusterEndpoints: cat.cluster,
      externalEndpoints: cat.external,
      localEndpoints: cat.local.filter((e) => e.ready).length,
      hasAnyEndpoints: cat.hasAny,
      ...(ann[ANNOTATION_LAYOUT] === 'kube' ? { kubeLayout: true as const } : {}),
      warnings: [...algoWarnings, ...weightWarnings],
    });
  }
  return out;
}

/** Gives each Service port a stable userspace listening port: hash of its base, probing on collision. */
function assignProxyPorts(views: ServicePortView[], portBase: number): ServicePortView[] {
  const used = new Set<number>();
  return views.map((v) => {
    let p = parseInt(hash8(v.base).slice(0, 6), 36) % USERSPACE_PORT_SPAN;
    while (used.has(p)) p = (p + 1) % USERSPACE_PORT_SPAN;
    used.add(p);
    return { ...v, proxyPort: portBase + p };
  });
}

function healthChecksOf(views: readonly ServicePortView[]): HealthCheckView[] {
  const byService = new Map<string, { ns: string; name: string; port: number; ips: Set<string> }>();
  for (const v of views) {
    if (!v.healthCheckNodePort) continue;
    const key = `${v.namespace}/${v.name}`;
    let e = byService.get(key);
    if (!e) byService.set(key, (e = { ns: v.namespace, name: v.name, port: v.healthCheckNodePort, ips: new Set() }));
    for (const ep of v.externalEndpoints) if (ep.ready && ep.nodeName !== undefined) e.ips.add(ep.ip);
  }
  return [...byService.values()]
    .map((e) => ({ namespace: e.ns, name: e.name, port: e.port, localEndpoints: e.ips.size }))
    .sort((a, b) => a.port - b.port);
}

/** Computes this node's plan. Pass the same PlanCache between syncs to reuse unchanged views. */
export function planServiceRules(input: PlanInput, cache?: PlanCache): ProxyPlan {
  const mode = input.config.mode ?? 'nftables';
  const scheduler = input.config.scheduler ?? 'random';
  const selection = input.config.selection ?? 'cascade';
  const layout = input.config.layout ?? 'global';
  const settings = JSON.stringify([input.node, mode, scheduler]);
  if (cache && cache.settings !== settings) {
    cache.entries.clear();
    cache.settings = settings;
    cache.last = undefined;
    cache.index = undefined;
    cache.slices = undefined;
    cache.services = undefined;
  }
  const index = cache ? (cache.slices ??= new SliceIndex(sliceKey)) : new SliceIndex(sliceKey);
  const dirtySlices = index.update(input.slices);
  const slicesBySvc = index.byService;
  // Only pods that carry a weight matter; usually none do, and then no endpoint needs a lookup.
  const pods = new Map<string, Pod>();
  for (const p of input.pods ?? []) {
    if (p.metadata?.annotations?.[ANNOTATION_POD_WEIGHT] !== undefined) pods.set(podKey(p.metadata?.namespace ?? 'default', p.metadata?.name ?? ''), p);
  }
  // Entries are updated in place and stamped with this sync's number: at 10k Services a new map
  // per sync costs more than the few Services that changed.
  const entries = cache?.entries ?? new Map<string, CacheEntry>();
  const gen = cache ? ++cache.gen : 1;
  let used = 0;
  let views: ServicePortView[] = [];
  const changed: ServicePortView[] = [];
  const gone = new Set<string>();
  let added = 0;
  let healthChecksTouched = false;

  /** Re-plans one Service if its objects changed; false when it was already seen this sync. */
  const visit = (key: string, svc: Service): boolean => {
    const got = slicesBySvc.get(key);
    const slices = got === undefined ? NO_SLICES : Array.isArray(got) ? got : undefined;
    const podDeps: Pod[] = pods.size > 0 ? [] : NO_PODS;
    if (pods.size > 0) for (const sl of slices ?? [got as EndpointSlice]) for (const ep of sl.endpoints ?? []) {
      const p = ep.targetRef?.kind === 'Pod' && ep.targetRef.name ? pods.get(podKey(svc.metadata?.namespace ?? 'default', ep.targetRef.name)) : undefined;
      if (p) podDeps.push(p);
    }
    let entry = entries.get(key);
    if (entry?.gen === gen) return false; // the same Service listed twice
    if (!entry || !(slices ? sameDeps(entry.deps, svc, slices, podDeps) : sameDeps1(entry.deps, svc, got as EndpointSlice, podDeps))) {
      const list = slices ?? [got as EndpointSlice];
      const old = entry;
      if (old) for (const v of old.views) {
        gone.add(v.base);
        if (v.healthCheckNodePort !== undefined) healthChecksTouched = true;
      }
      entry = { deps: [svc, ...list, ...podDeps], views: viewsForService(svc, list, pods, input, mode, scheduler), gen };
      entries.set(key, entry);
      for (const v of entry.views) {
        changed.push(v);
        if (!old?.views.some((o) => o.base === v.base)) added++;
        if (v.healthCheckNodePort !== undefined) healthChecksTouched = true;
      }
    }
    entry.gen = gen;
    return true;
  };

  // The common sync: the same Service objects as last time but a few, no deletions, no weighted
  // pods. Then only the Services that are new objects or whose slices changed are looked at.
  const tracked = cache?.services;
  let fast = false;
  if (cache && tracked && cache.last && dirtySlices && pods.size === 0 && !cache.weighted && mode !== 'userspace') {
    const fresh: Service[] = [];
    for (const svc of input.services) if (!tracked.seen.has(svc)) fresh.push(svc);
    let replaced = 0;
    for (const svc of fresh) if (tracked.byKey.has(serviceKey(svc))) replaced++;
    if (input.services.length === tracked.seen.size + fresh.length - replaced) {
      fast = true;
      for (const svc of fresh) {
        const key = serviceKey(svc);
        const old = tracked.byKey.get(key);
        if (old) tracked.seen.delete(old);
        tracked.seen.add(svc);
        tracked.byKey.set(key, svc);
        dirtySlices.add(key);
      }
      for (const key of dirtySlices) {
        const svc = tracked.byKey.get(key);
        if (svc) visit(key, svc);
      }
    }
  }
  if (!fast) {
    const seen = new Set<Service>();
    const byKey = new Map<string, Service>();
    for (const svc of input.services) {
      const key = serviceKey(svc);
      seen.add(svc);
      byKey.set(key, svc);
      if (visit(key, svc)) used++;
    }
    if (cache) cache.services = { seen, byKey };
    if (entries.size > used) {
      for (const [k, e] of entries) {
        if (e.gen === gen) continue;
        for (const v of e.views) gone.add(v.base);
        entries.delete(k);
      }
    }
  }
  for (const v of changed) gone.delete(v.base);
  const last = cache?.last;
  if (last && cache.index && added === 0 && gone.size === 0 && last.config.mode !== 'userspace') {
    // The same Service ports as last time: keep last time's order, swap in the changed views.
    views = last.services.slice();
    for (const v of changed) views[cache.index.get(v.base)!] = v;
  } else {
    for (const e of entries.values()) for (const v of e.views) views.push(v);
    views.sort((a, b) => (a.base < b.base ? -1 : a.base > b.base ? 1 : 0));
    if (cache) cache.index = new Map(views.map((v, i) => [v.base, i]));
  }
  if (mode === 'userspace') views = assignProxyPorts(views, input.config.userspacePortBase ?? DEFAULT_USERSPACE_PORT_BASE);
  const plan: ProxyPlan = {
    node: input.node,
    config: { clusterCIDR: input.config.clusterCIDR, scheduler, mode, selection, layout, ...(input.config.podCIDR ? { podCIDR: input.config.podCIDR } : {}) },
    services: views,
    healthChecks: fast && last && !healthChecksTouched ? last.healthChecks : healthChecksOf(views),
  };
  // Userspace plans get fresh views (ports assigned), so no delta for them.
  if (cache?.last && mode !== 'userspace') deltas.set(plan, { from: cache.last, changed, removed: [...gone] });
  if (cache) {
    cache.last = plan;
    cache.weighted = pods.size > 0;
  }
  return plan;
}
