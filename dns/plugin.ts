// The plugin chain: each plugin answers, or passes the request to the next one (CoreDNS's
// model). Handlers may answer synchronously so cluster names never wait on a promise.
import type { Answer, Query, RR } from './wire.js';
import type { Directive } from './corefile.js';
import type { DnsMetrics } from './metrics.js';
import type { Informer } from '../client/source.js';
import type { ConfigMap, EndpointSlice, KubeObject, Pod, Service } from '../api/types.js';

export interface Request {
  readonly q: Query;
  readonly proto: 'udp' | 'tcp';
  readonly client: { readonly address: string; readonly port: number; readonly family: 4 | 6 };
  /** CoreDNS's `server` label: "dns://:53". */
  readonly server: string;
  /** The server block zone that took the query. */
  readonly zone: string;
  /** Recursion depth for internal lookups (CNAME targets), to stop loops. */
  readonly depth: number;
  /** The plugin that wrote the answer, for coredns_dns_responses_total{plugin}. */
  plugin?: string;
}

export type Result = Answer | Promise<Answer>;
export type Next = (req: Request) => Result;

export interface Plugin {
  readonly name: string;
  handle(req: Request, next: Next): Result;
  /** Called when the server block is replaced (reload) or the server closes. */
  close?(): void;
}

/** What plugins may use from the server around them. */
export interface PluginEnv {
  readonly metrics: DnsMetrics;
  readonly informers: {
    readonly services: Informer<Service & KubeObject>;
    readonly endpointslices: Informer<EndpointSlice & KubeObject>;
    readonly pods: Informer<Pod & KubeObject>;
    readonly configmaps: Informer<ConfigMap & KubeObject>;
  };
  /** Resolves a name through this server block's whole chain (CoreDNS's `upstream`). */
  resolve(name: string, qtype: number, depth: number): Promise<Answer>;
  /** Log sink for `log`/`errors` (stdout by default). */
  log(line: string): void;
  /** Addresses this server listens on, for `loop`. */
  listenAddresses(): { address: string; port: number }[];
  /** Files the `reload`/`hosts` plugins watch. */
  readonly server: string;
  readonly zones: readonly string[];
}

export interface PluginSetup {
  readonly directive: Directive;
  readonly env: PluginEnv;
}

export function answer(rcode: number, answerRRs: readonly RR[] = [], authority: readonly RR[] = [], additional: readonly RR[] = [], aa = false): Answer {
  return { rcode, aa, answer: answerRRs, authority, additional };
}

/** Whether `name` is `zone` or below it (both lowercase and fully qualified). */
export function inZone(name: string, zone: string): boolean {
  return zone === '.' || name === zone || name.endsWith(`.${zone}`);
}

/** The longest of `zones` that contains `name`. */
export function matchZone(name: string, zones: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const z of zones) if (inZone(name, z) && (best === undefined || z.length > best.length || best === '.')) best = z;
  return best;
}

/** CoreDNS's `fallthrough [zones…]`: undefined = off, [] = every zone. */
export function fallsThrough(ft: readonly string[] | undefined, name: string): boolean {
  if (ft === undefined) return false;
  return ft.length === 0 || ft.some((z) => inZone(name, z));
}

export function pluginError(d: Directive, message: string): Error {
  return Object.assign(new Error(`dns: Corefile line ${d.line}: plugin/${d.name}: ${message}`), { code: 'DNS_COREFILE_INVALID' });
}

export function normZone(z: string): string {
  const l = z.toLowerCase();
  return l === '.' ? '.' : l.endsWith('.') ? l : `${l}.`;
}

export function parseIntArg(d: Directive, v: string | undefined, what: string, min: number, max: number): number {
  const n = Number(v);
  if (v === undefined || !/^\d+$/.test(v) || n < min || n > max) throw pluginError(d, `${what} "${v ?? ''}" must be an integer in ${min}..${max}`);
  return n;
}

export function parseDuration(d: Directive, v: string | undefined): number {
  const m = v === undefined ? null : /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) throw pluginError(d, `duration "${v ?? ''}" is not valid (e.g. 10s, 500ms, 1m)`);
  const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h'];
  return Number(m[1]) * mult;
}
