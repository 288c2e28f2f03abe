// The `kubernetes` plugin: answers the cluster zone from a record table rebuilt on every change
// of Services/EndpointSlices, with answers memoised per name+type until the next change.
import { canonicalIP } from '../api/ip.js';
import type { Directive } from './corefile.js';
import { planRecords, soaData, type RecordMemo, type RecordTable } from './records.js';
import { answer, fallsThrough, inZone, matchZone, normZone, parseIntArg, pluginError, type Next, type Plugin, type PluginEnv, type Request, type Result } from './plugin.js';
import { RCODE, T, type Answer, type RR } from './wire.js';

export interface KubernetesOptions {
  zones: string[];
  pods: 'disabled' | 'insecure' | 'verified';
  ttl: number;
  namespaces: string[];
  endpointPodNames: boolean;
  ignoreEmptyService: boolean;
  fallthrough?: string[];
}

export function parseKubernetes(d: Directive, blockZones: readonly string[]): KubernetesOptions {
  const o: KubernetesOptions = {
    zones: (d.args.length ? d.args : blockZones).map(normZone),
    pods: 'disabled',
    ttl: 5,
    namespaces: [],
    endpointPodNames: false,
    ignoreEmptyService: false,
  };
  for (const sub of d.block) {
    const a = sub.args;
    switch (sub.name) {
      case 'pods':
        if (a[0] !== 'disabled' && a[0] !== 'insecure' && a[0] !== 'verified') throw pluginError(d, `pods "${a[0] ?? ''}" must be disabled, insecure or verified`);
        o.pods = a[0];
        break;
      case 'ttl':
        o.ttl = parseIntArg(d, a[0], 'ttl', 0, 3600);
        break;
      case 'namespaces':
        o.namespaces = [...a];
        break;
      case 'endpoint_pod_names':
        o.endpointPodNames = true;
        break;
      case 'ignore':
        if (a[0] !== 'empty_service') throw pluginError(d, `ignore "${a[0] ?? ''}": only empty_service is supported`);
        o.ignoreEmptyService = true;
        break;
      case 'fallthrough':
        o.fallthrough = a.map(normZone);
        break;
      // Accepted for compatibility; podnet reads objects through its source, not these.
      case 'kubeconfig':
      case 'endpoint':
      case 'tls':
      case 'labels':
      case 'namespace_labels':
      case 'noendpoints':
      case 'multicluster':
      case 'startup_timeout':
      case 'apiserver_qps':
      case 'apiserver_burst':
      case 'apiserver_max_inflight':
        break;
      default:
        throw pluginError(d, `unknown property "${sub.name}" (line ${sub.line})`);
    }
  }
  return o;
}

const MEMO_LIMIT = 200_000;

export class KubernetesPlugin implements Plugin {
  readonly name = 'kubernetes';
  private table: RecordTable = new Map();
  private readonly recordMemo: RecordMemo = new WeakMap();
  /** name → qtype → answer; keyed by the name string first so its hash is computed once per query. */
  private readonly memo = new Map<string, Map<number, Answer>>();
  private readonly clusterZones: string[];
  private readonly soas = new Map<string, RR>();
  private podIPs = new Set<string>();
  private readonly unsubscribe: (() => void)[] = [];
  private rebuildQueued = false;
  private closed = false;
  private lastCostMs = 0;
  private lastAt = 0;
  private waiters: (() => void)[] = [];

  constructor(
    readonly opts: KubernetesOptions,
    private readonly env: PluginEnv,
  ) {
    this.clusterZones = opts.zones.filter((z) => !z.endsWith('in-addr.arpa.') && !z.endsWith('ip6.arpa.'));
    const inf = env.informers;
    const queue = () => this.queueRebuild();
    this.unsubscribe.push(inf.services.onChange(queue), inf.endpointslices.onChange(queue));
    if (opts.pods === 'verified') this.unsubscribe.push(inf.pods.onChange(queue));
    this.rebuild();
  }

  close(): void {
    this.closed = true;
    for (const u of this.unsubscribe) u();
  }

  // Bursts of informer events (a Deployment scaling) coalesce into one rebuild. A rebuild is a
  // full re-plan (~10 ms per 1,000 Services), so the next one waits at least as long as the last
  // took: with 10k Services and a steady stream of changes, at most half the time goes to planning.
  private queueRebuild(): void {
    if (this.rebuildQueued || this.closed) return;
    this.rebuildQueued = true;
    const wait = Math.max(0, this.lastCostMs - (performance.now() - this.lastAt));
    const run = () => {
      this.rebuildQueued = false;
      if (!this.closed) this.rebuild();
    };
    if (wait < 1) setImmediate(run);
    else setTimeout(run, wait).unref();
  }

  /** Rebuilds the record table now (also used by tests that apply objects and query at once). */
  rebuild(): void {
    const t0 = performance.now();
    const inf = this.env.informers;
    this.table = planRecords(
      { services: inf.services.list(), slices: inf.endpointslices.list() },
      { zones: this.clusterZones, ttl: this.opts.ttl, namespaces: this.opts.namespaces, endpointPodNames: this.opts.endpointPodNames, ignoreEmptyService: this.opts.ignoreEmptyService },
      this.recordMemo,
    );
    if (this.opts.pods === 'verified') {
      const ips = new Set<string>();
      for (const p of inf.pods.list()) for (const ip of p.status?.podIPs?.map((x) => x.ip) ?? [p.status?.podIP]) if (ip) ips.add(`${p.metadata?.namespace ?? 'default'}/${canonicalIP(ip) ?? ip}`);
      this.podIPs = ips;
    }
    this.memo.clear();
    this.env.metrics.kubernetesSyncs.inc([]);
    this.lastAt = performance.now();
    this.lastCostMs = this.lastAt - t0;
    if (!this.rebuildQueued) for (const w of this.waiters.splice(0)) w();
  }

  /** Resolves once queued object changes are in the table (tests await this instead of sleeping). */
  settled(): Promise<void> {
    if (!this.rebuildQueued) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  recordTable(): RecordTable {
    return this.table;
  }

  handle(req: Request, next: Next): Result {
    const name = req.q.name;
    const zone = matchZone(name, this.opts.zones);
    if (!zone) return next(req);
    const qtype = req.q.qtype;
    let byType = this.memo.get(name);
    let a = byType?.get(qtype);
    if (!a) {
      a = this.lookup(name, qtype, zone);
      if (!byType) {
        if (this.memo.size > MEMO_LIMIT) this.memo.clear();
        this.memo.set(name, (byType = new Map()));
      }
      byType.set(qtype, a);
    }
    if (a.rcode === RCODE.NXDOMAIN && fallsThrough(this.opts.fallthrough, name)) return next(req);
    req.plugin = 'kubernetes';
    // An ExternalName pointing out of the cluster: resolve its target upstream, as CoreDNS does.
    const last = a.answer[a.answer.length - 1];
    if (last && last.type === T.CNAME && qtype !== T.CNAME && !matchZone(last.data as string, this.clusterZones) && req.depth < 8) {
      const cname = a;
      return this.env.resolve(last.data as string, qtype, req.depth + 1).then(
        (up) => ({ ...cname, rcode: up.rcode === RCODE.NXDOMAIN ? RCODE.NXDOMAIN : cname.rcode, answer: [...cname.answer, ...up.answer] }),
        () => cname,
      );
    }
    return a;
  }

  private soa(zone: string): RR {
    let s = this.soas.get(zone);
    if (!s) this.soas.set(zone, (s = { name: zone, type: T.SOA, ttl: this.opts.ttl, data: soaData(zone, this.opts.ttl) }));
    return s;
  }

  private negative(rcode: number, zone: string): Answer {
    return answer(rcode, [], [this.soa(zone)], [], true);
  }

  /** The answer for name+type, computed from the table (pure given the table). */
  lookup(name: string, qtype: number, zone: string): Answer {
    const podAnswer = this.podLookup(name, qtype, zone);
    if (podAnswer) return podAnswer;
    const entry = this.table.get(name);
    if (!entry) {
      if (name === zone) return qtype === T.SOA ? answer(RCODE.NOERROR, [this.soa(zone)], [], [], true) : this.negative(RCODE.NOERROR, zone);
      return this.negative(RCODE.NXDOMAIN, zone);
    }
    const out: RR[] = [];
    let records = entry.get(qtype);
    let cur = name;
    let curEntry = entry;
    // CNAME chasing inside the cluster zone (ExternalName pointing at another Service).
    for (let hops = 0; !records && qtype !== T.CNAME && hops < 8; hops++) {
      const cname = curEntry.get(T.CNAME);
      if (!cname) break;
      out.push(...cname);
      cur = cname[0]!.data as string;
      if (!matchZone(cur, this.clusterZones)) return answer(RCODE.NOERROR, out, [], [], true);
      const e = this.table.get(cur);
      if (!e) return answer(RCODE.NXDOMAIN, out, [this.soa(zone)], [], true);
      curEntry = e;
      records = e.get(qtype);
    }
    if (!records || records.length === 0) {
      if (out.length) return answer(RCODE.NOERROR, out, [this.soa(zone)], [], true);
      return this.negative(RCODE.NOERROR, zone);
    }
    out.push(...records);
    const additional: RR[] = [];
    if (qtype === T.SRV) {
      const seen = new Set<string>();
      for (const r of records) {
        const target = (r.data as { target: string }).target;
        if (seen.has(target)) continue;
        seen.add(target);
        const e = this.table.get(target);
        additional.push(...(e?.get(T.A) ?? []), ...(e?.get(T.AAAA) ?? []));
      }
    }
    return answer(RCODE.NOERROR, out, [], additional, true);
  }

  /** `a-b-c-d.ns.pod.zone` records; undefined when the name is not in a pod subdomain. */
  private podLookup(name: string, qtype: number, zone: string): Answer | undefined {
    if (!this.clusterZones.includes(zone)) return undefined;
    const podZone = `pod.${zone}`;
    if (!inZone(name, podZone)) return undefined;
    if (this.opts.pods === 'disabled') return this.negative(RCODE.NXDOMAIN, zone);
    const labels = name.slice(0, name.length - podZone.length - 1).split('.');
    if (name === podZone || (labels.length === 1 && labels[0] !== '')) return this.negative(RCODE.NOERROR, zone);
    if (labels.length !== 2) return this.negative(RCODE.NXDOMAIN, zone);
    const [dashed, ns] = labels as [string, string];
    const ip = canonicalIP(dashed.split('-').length === 4 ? dashed.replace(/-/g, '.') : dashed.replace(/-/g, ':'));
    if (!ip) return this.negative(RCODE.NXDOMAIN, zone);
    if (this.opts.namespaces.length && !this.opts.namespaces.includes(ns)) return this.negative(RCODE.NXDOMAIN, zone);
    if (this.opts.pods === 'verified' && !this.podIPs.has(`${ns}/${ip}`)) return this.negative(RCODE.NXDOMAIN, zone);
    const v6 = ip.includes(':');
    if (qtype !== (v6 ? T.AAAA : T.A)) return this.negative(RCODE.NOERROR, zone);
    return answer(RCODE.NOERROR, [{ name, type: v6 ? T.AAAA : T.A, ttl: this.opts.ttl, data: ip }], [], [], true);
  }
}
