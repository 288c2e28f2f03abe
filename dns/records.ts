// The records of the Kubernetes DNS-Based Service Discovery specification, as a pure function of
// Services and EndpointSlices: name → type → records. Rebuilt on change, never per query.
import { canonicalIP, parseIP, reverseName } from '../api/ip.js';
import type { EndpointSlice, Service } from '../api/types.js';
import { T, type RR, type SRVData } from './wire.js';

export const SCHEMA_VERSION = '1.1.0';

export interface RecordOptions {
  /** Cluster zones, lowercase and fully qualified ("cluster.local."). The first one is named in PTRs. */
  readonly zones: readonly string[];
  readonly ttl: number;
  /** Only these namespaces are served (empty = all). */
  readonly namespaces: readonly string[];
  readonly endpointPodNames: boolean;
  /** `ignore empty_service`: ClusterIP Services without ready endpoints answer NXDOMAIN. */
  readonly ignoreEmptyService: boolean;
}

/** name → type → records; a name with an empty map exists but has no records (NODATA). */
export type RecordTable = Map<string, Map<number, RR[]>>;

export interface RecordInput {
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
}

/** The dashed form of an IP: 10.0.0.1 → 10-0-0-1, fd00::1 → fd00--1 (CoreDNS's endpoint names). */
export function dashedIP(ip: string): string {
  return ip.replace(/[.:]/g, '-');
}

interface Target {
  host: string;
  ip: string;
}

/** Per-Service records from an earlier plan with the same options (see KubernetesPlugin). */
export type RecordMemo = WeakMap<Service, { slices: readonly EndpointSlice[]; rrs: RR[] }>;

export function planRecords(input: RecordInput, opts: RecordOptions, memo?: RecordMemo): RecordTable {
  const table: RecordTable = new Map();
  const ttl = opts.ttl;
  const add = (rr: RR) => {
    let byType = table.get(rr.name);
    if (!byType) table.set(rr.name, (byType = new Map()));
    let list = byType.get(rr.type);
    if (!list) byType.set(rr.type, (list = []));
    // The same address from two slices (dual-stack or a move between slices) is one record.
    if (!list.some((o) => sameData(o, rr))) list.push(rr);
  };
  const nsAllowed = (ns: string) => opts.namespaces.length === 0 || opts.namespaces.includes(ns);

  const slicesBySvc = new Map<string, EndpointSlice[]>();
  for (const s of input.slices) {
    const svc = s.metadata?.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${s.metadata?.namespace ?? 'default'}/${svc}`;
    const list = slicesBySvc.get(key);
    if (list) list.push(s);
    else slicesBySvc.set(key, [s]);
  }

  for (const zone of opts.zones) {
    const apex = zone;
    add({ name: apex, type: T.SOA, ttl, data: soaData(zone, ttl) });
    add({ name: apex, type: T.NS, ttl, data: `ns.dns.${zone}` });
    add({ name: `dns-version.${zone}`, type: T.TXT, ttl, data: [SCHEMA_VERSION] });
  }

  for (const svc of input.services) {
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name;
    if (!name || !nsAllowed(ns)) continue;
    const slices = slicesBySvc.get(`${ns}/${name}`) ?? [];
    // Objects are immutable and replaced on change, so a Service whose object and slices are the
    // same as last time has the same records: reuse them instead of re-deriving names and IPs.
    const cached = memo?.get(svc);
    let rrs: RR[];
    if (cached && cached.slices.length === slices.length && cached.slices.every((s, i) => s === slices[i])) rrs = cached.rrs;
    else {
      rrs = serviceRecords(svc, ns, name, slices, opts);
      memo?.set(svc, { slices, rrs });
    }
    for (const rr of rrs) add(rr);
  }

  // Every ancestor inside a zone exists (empty non-terminals answer NODATA, not NXDOMAIN).
  const walked = new Set<string>();
  for (const name of [...table.keys()]) {
    const stop =
      opts.zones.find((z) => name.endsWith(`.${z}`) || name === z) ??
      (name.endsWith('.in-addr.arpa.') ? 'in-addr.arpa.' : name.endsWith('.ip6.arpa.') ? 'ip6.arpa.' : undefined);
    if (!stop) continue;
    let n = name;
    while (n !== stop && n.includes('.')) {
      n = n.slice(n.indexOf('.') + 1);
      // Once one ancestor was walked, all of its ancestors were too.
      if (walked.has(n)) break;
      walked.add(n);
      if (!table.has(n)) table.set(n, new Map());
      if (n === stop) break;
    }
  }
  return table;
}

/** The records one Service contributes (before merging and de-duplication). */
function serviceRecords(svc: Service, ns: string, name: string, slices: readonly EndpointSlice[], opts: RecordOptions): RR[] {
  const out: RR[] = [];
  const add = (rr: RR) => out.push(rr);
  const ttl = opts.ttl;
  const primary = opts.zones[0];
  const spec = svc.spec ?? {};
  for (const zone of opts.zones) {
    const base = `${name}.${ns}.svc.${zone}`.toLowerCase();
    const reverse = zone === primary;
    if (spec.type === 'ExternalName') {
      if (spec.externalName) add({ name: base, type: T.CNAME, ttl, data: `${spec.externalName.toLowerCase().replace(/\.$/, '')}.` });
      continue;
    }
    const clusterIPs = (spec.clusterIPs?.length ? spec.clusterIPs : spec.clusterIP ? [spec.clusterIP] : []).filter((ip) => ip !== 'None' && ip !== '');
    const ready = readyTargets(slices, spec.publishNotReadyAddresses === true, opts.endpointPodNames);
    if (clusterIPs.length > 0) {
      if (opts.ignoreEmptyService && ready.length === 0) continue;
      for (const ip of clusterIPs) {
        const c = canonicalIP(ip);
        if (!c) continue;
        add(addressRR(base, c, ttl));
        if (reverse) add({ name: ptrName(c), type: T.PTR, ttl, data: base });
      }
      const ports = spec.ports ?? [];
      for (const p of ports) {
        const srv: RR = { name: base, type: T.SRV, ttl, data: { priority: 0, weight: 100, port: p.port, target: base } };
        add(srv);
        if (p.name) add({ ...srv, name: `_${p.name}._${(p.protocol ?? 'TCP').toLowerCase()}.${base}`.toLowerCase() });
      }
      continue;
    }
    // Headless: one record per ready endpoint; none ready means the name does not exist.
    if (ready.length === 0) continue;
    const ports = slicePorts(slices);
    const srvCount = new Map<string, number>();
    for (const t of ready) {
      add(addressRR(base, t.ip, ttl));
      const host = `${t.host}.${base}`;
      add(addressRR(host, t.ip, ttl));
      if (reverse) add({ name: ptrName(t.ip), type: T.PTR, ttl, data: host });
    }
    // Weights follow CoreDNS: 100 split evenly over the records of one SRV name.
    const hosts = [...new Set(ready.map((t) => t.host))];
    for (const p of ports) {
      const names = [base, ...(p.name ? [`_${p.name}._${p.protocol.toLowerCase()}.${base}`.toLowerCase()] : [])];
      for (const n of names) srvCount.set(n, (srvCount.get(n) ?? 0) + hosts.length);
    }
    for (const p of ports) {
      const names = [base, ...(p.name ? [`_${p.name}._${p.protocol.toLowerCase()}.${base}`.toLowerCase()] : [])];
      for (const n of names) {
        const weight = Math.max(1, Math.floor(100 / (srvCount.get(n) ?? 1)));
        for (const h of hosts) add({ name: n, type: T.SRV, ttl, data: { priority: 0, weight, port: p.port, target: `${h}.${base}` } });
      }
    }
  }

  return out;
}

function sameData(a: RR, b: RR): boolean {
  if (typeof a.data === 'string' || typeof b.data === 'string') return a.data === b.data;
  if (a.type === T.SRV && b.type === T.SRV) {
    const x = a.data as SRVData;
    const y = b.data as SRVData;
    return x.target === y.target && x.port === y.port && x.weight === y.weight && x.priority === y.priority;
  }
  return JSON.stringify(a.data) === JSON.stringify(b.data);
}

/** PTR owner name; IPv4 by string reversal (the common case, and cheap), IPv6 via api/ip. */
function ptrName(ip: string): string {
  return ip.includes(':') ? `${reverseName(parseIP(ip))}.` : `${ip.split('.').reverse().join('.')}.in-addr.arpa.`;
}

function addressRR(name: string, ip: string, ttl: number): RR {
  return ip.includes(':') ? { name, type: T.AAAA, ttl, data: ip } : { name, type: T.A, ttl, data: ip };
}

export function soaData(zone: string, ttl: number) {
  // CoreDNS: serial changes with the data; refresh/retry/expire are its fixed values; minimum = ttl.
  return { mname: `ns.dns.${zone === '.' ? '' : zone}`, rname: `hostmaster.${zone === '.' ? '' : zone}`, serial: 1, refresh: 7200, retry: 1800, expire: 86400, minimum: ttl };
}

function readyTargets(slices: readonly EndpointSlice[], publishNotReady: boolean, podNames: boolean): Target[] {
  const out: Target[] = [];
  const seen = new Set<string>();
  for (const s of slices) {
    for (const ep of s.endpoints ?? []) {
      // A nil ready condition means "unknown", which consumers treat as ready.
      if (!publishNotReady && ep.conditions?.ready === false) continue;
      for (const raw of ep.addresses ?? []) {
        const ip = canonicalIP(raw);
        if (!ip || seen.has(ip)) continue;
        seen.add(ip);
        const host =
          ep.hostname ?? (podNames && ep.targetRef?.kind === 'Pod' && ep.targetRef.name ? ep.targetRef.name : undefined) ?? dashedIP(ip);
        out.push({ host: host.toLowerCase(), ip });
      }
    }
  }
  return out;
}

function slicePorts(slices: readonly EndpointSlice[]): { name?: string; port: number; protocol: string }[] {
  const out: { name?: string; port: number; protocol: string }[] = [];
  for (const s of slices) {
    for (const p of s.ports ?? []) {
      if (p.port === undefined) continue;
      const protocol = p.protocol ?? 'TCP';
      if (!out.some((o) => o.name === (p.name || undefined) && o.port === p.port && o.protocol === protocol)) out.push({ name: p.name || undefined, port: p.port, protocol });
    }
  }
  return out;
}
