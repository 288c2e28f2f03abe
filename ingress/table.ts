// The compiled routing table and its lookup. Hosts are a map (exact, then "*.suffix", then the
// catch-all), and within a host Exact paths are a map, Prefix paths a map walked from the longest
// candidate prefix of the request path down, and regex paths a list sorted longest first — so a
// lookup costs O(path depth), not O(rules), with 10k rules.
import type { IncomingHttpHeaders } from 'node:http';
import type { CanaryPolicy, Policy } from './annotations.js';
import type { ResolvedBackend } from './backends.js';
import type { Htpasswd } from './htpasswd.js';
import { candidatePrefixes, normalizePrefix, wildcardKeyOf, type PathKind } from './paths.js';

export interface Owner {
  readonly kind: 'Ingress' | 'HTTPRoute' | 'Controller';
  readonly namespace: string;
  readonly name: string;
}

export interface WeightedBackend {
  readonly backend: ResolvedBackend;
  readonly weight: number;
}

export interface ValueMatch {
  readonly name: string;
  readonly value?: string;
  readonly regex?: RegExp;
}

export interface PathModifier {
  readonly type: 'ReplaceFullPath' | 'ReplacePrefixMatch';
  readonly value: string;
}

export type Filter =
  | { readonly type: 'RequestHeaderModifier'; readonly set: readonly [string, string][]; readonly add: readonly [string, string][]; readonly remove: readonly string[] }
  | { readonly type: 'RequestRedirect'; readonly scheme?: string; readonly hostname?: string; readonly port?: number; readonly path?: PathModifier; readonly statusCode: number }
  | { readonly type: 'URLRewrite'; readonly hostname?: string; readonly path?: PathModifier };

export interface Canary {
  readonly owner: Owner;
  readonly policy: CanaryPolicy;
  readonly backend: ResolvedBackend;
}

export interface Route {
  /** Unique within a table and stable across recompiles of the same rule (per-route state survives swaps). */
  readonly id: string;
  readonly owner: Owner;
  readonly kind: PathKind;
  /** As written; for Prefix, normalized (no trailing slash). */
  readonly path: string;
  readonly regex?: RegExp;
  readonly method?: string;
  /** Only on this listener kind (Gateway listeners are HTTP or HTTPS); undefined = both. */
  readonly scheme?: 'http' | 'https';
  readonly headers?: readonly ValueMatch[];
  readonly query?: readonly ValueMatch[];
  /** Empty = nothing to send to (503), unless a redirect filter answers. */
  readonly backends: readonly WeightedBackend[];
  readonly canaries: Canary[];
  readonly policy: Policy;
  readonly filters: readonly Filter[];
  readonly users?: Htpasswd;
}

export interface HostTable {
  readonly exact: Map<string, Route[]>;
  readonly prefix: Map<string, Route[]>;
  readonly regex: Route[];
  defaultRoute?: Route;
  /** Some spec.tls names this host: plain-HTTP requests are redirected (ssl-redirect). */
  tls: boolean;
}

export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface RouteTable {
  readonly hosts: ReadonlyMap<string, HostTable>;
  readonly wildcards: ReadonlyMap<string, HostTable>;
  readonly catchAll: HostTable;
  readonly defaultRoute?: Route;
  /** Certificates by host ("*.foo.com" stored under "*.foo.com"). */
  readonly certs: ReadonlyMap<string, CertPair>;
  readonly routeCount: number;
}

export interface RequestFacts {
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly query: URLSearchParams | undefined;
  /** The request came in over TLS. */
  readonly secure?: boolean;
}

export interface Match {
  readonly route: Route;
  readonly host: HostTable;
  /** The part of the request path the rule matched (for ReplacePrefixMatch and regex captures). */
  readonly matched?: RegExpExecArray;
}

export function emptyHostTable(): HostTable {
  return { exact: new Map(), prefix: new Map(), regex: [], tls: false };
}

function valueOk(m: ValueMatch, v: string | null | undefined): boolean {
  if (v === undefined || v === null) return false;
  if (m.regex) return m.regex.test(v);
  return m.value === undefined || m.value === v;
}

function extrasMatch(r: Route, f: RequestFacts): boolean {
  if (r.method && r.method !== f.method) return false;
  if (r.scheme && (r.scheme === 'https') !== (f.secure ?? false)) return false;
  if (r.headers) {
    for (const h of r.headers) {
      const v = f.headers[h.name];
      if (!valueOk(h, Array.isArray(v) ? v.join(',') : v)) return false;
    }
  }
  if (r.query) {
    for (const q of r.query) if (!valueOk(q, f.query?.get(q.name))) return false;
  }
  return true;
}

function first(routes: readonly Route[] | undefined, f: RequestFacts): Route | undefined {
  if (!routes) return undefined;
  for (const r of routes) if (extrasMatch(r, f)) return r;
  return undefined;
}

export function matchInHost(ht: HostTable, path: string, f: RequestFacts): Match | undefined {
  const exact = first(ht.exact.get(path), f);
  if (exact) return { route: exact, host: ht };
  if (ht.regex.length === 0) {
    // The common case, without the regex interleaving below (and its closure) per request.
    if (ht.prefix.size === 0) return undefined;
    for (const cand of candidatePrefixes(path)) {
      const p = first(ht.prefix.get(cand), f);
      if (p) return { route: p, host: ht };
    }
    return undefined;
  }
  let ri = 0;
  const tryRegex = (minLen: number): Match | undefined => {
    for (; ri < ht.regex.length && ht.regex[ri]!.path.length > minLen; ri++) {
      const r = ht.regex[ri]!;
      const m = r.regex!.exec(path);
      if (m && extrasMatch(r, f)) return { route: r, host: ht, matched: m };
    }
    return undefined;
  };
  if (ht.prefix.size > 0) {
    for (const cand of candidatePrefixes(path)) {
      const rm = ht.regex.length > 0 ? tryRegex(cand.length) : undefined;
      if (rm) return rm;
      const p = first(ht.prefix.get(cand), f);
      if (p) return { route: p, host: ht };
    }
  }
  return ht.regex.length > 0 ? tryRegex(-1) : undefined;
}

/** Exact host, then the one-label wildcard, then rules without host; then default backends in the same order. */
export function lookup(table: RouteTable, hostname: string, path: string, f: RequestFacts): Match | undefined {
  const exact = table.hosts.get(hostname);
  const wkey = wildcardKeyOf(hostname);
  const wild = wkey === undefined ? undefined : table.wildcards.get(wkey);
  const m = (exact && matchInHost(exact, path, f)) || (wild && matchInHost(wild, path, f)) || matchInHost(table.catchAll, path, f);
  if (m) return m;
  for (const ht of [exact, wild, table.catchAll]) {
    if (ht?.defaultRoute) return { route: ht.defaultRoute, host: ht };
  }
  if (table.defaultRoute) return { route: table.defaultRoute, host: exact ?? wild ?? table.catchAll };
  return undefined;
}

/** The HostTable a request for `hostname` belongs to (for TLS redirects before any path matched). */
export function hostTableFor(table: RouteTable, hostname: string): HostTable | undefined {
  const wkey = wildcardKeyOf(hostname);
  return table.hosts.get(hostname) ?? (wkey === undefined ? undefined : table.wildcards.get(wkey));
}

/** Accumulates routes per host; `build` sorts everything into lookup order. */
export class TableBuilder {
  private readonly hosts = new Map<string, HostTable>();
  private readonly wildcards = new Map<string, HostTable>();
  private readonly catchAll = emptyHostTable();
  private count = 0;
  defaultRoute?: Route;
  readonly certs = new Map<string, CertPair>();

  host(host: string): HostTable {
    if (host === '') return this.catchAll;
    const [map, key] = host.startsWith('*.') ? [this.wildcards, host.slice(2)] : [this.hosts, host.toLowerCase()];
    let ht = map.get(key);
    if (!ht) map.set(key, (ht = emptyHostTable()));
    return ht;
  }

  hasHost(host: string): boolean {
    if (host === '') return true;
    return host.startsWith('*.') ? this.wildcards.has(host.slice(2)) : this.hosts.has(host.toLowerCase());
  }

  /** Adds a route; returns routes already present under the same host/kind/path (canaries attach to them). */
  add(host: string, route: Route): void {
    const ht = this.host(host);
    this.count++;
    if (route.kind === 'Regex') ht.regex.push(route);
    else {
      const map = route.kind === 'Exact' ? ht.exact : ht.prefix;
      const key = route.kind === 'Exact' ? route.path : normalizePrefix(route.path);
      let list = map.get(key);
      if (!list) map.set(key, (list = []));
      list.push(route);
    }
  }

  find(host: string, kind: PathKind, path: string): Route | undefined {
    if (!this.hasHost(host)) return undefined;
    const ht = this.host(host);
    if (kind === 'Regex') return ht.regex.find((r) => r.path === path);
    return (kind === 'Exact' ? ht.exact : ht.prefix).get(kind === 'Exact' ? path : normalizePrefix(path))?.[0];
  }

  build(): RouteTable {
    const order = (a: Route, b: Route): number =>
      Number(!a.method) - Number(!b.method) || (b.headers?.length ?? 0) - (a.headers?.length ?? 0) || (b.query?.length ?? 0) - (a.query?.length ?? 0);
    for (const ht of [...this.hosts.values(), ...this.wildcards.values(), this.catchAll]) {
      // Array.prototype.sort is stable: equal routes keep insertion order (oldest object first).
      for (const list of ht.exact.values()) list.sort(order);
      for (const list of ht.prefix.values()) list.sort(order);
      ht.regex.sort((a, b) => b.path.length - a.path.length || order(a, b));
    }
    return { hosts: this.hosts, wildcards: this.wildcards, catchAll: this.catchAll, defaultRoute: this.defaultRoute, certs: this.certs, routeCount: this.count };
  }
}
