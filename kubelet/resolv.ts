// A pod's /etc/resolv.conf, built the way the kubelet does: the dnsPolicy picks the base (cluster
// DNS or the node's own resolv.conf), spec.dnsConfig is merged on top, and the result is cut to the
// resolver's limits (3 nameservers, 32 search domains, 2048 characters of search line).
import type { Pod } from '../api/types.js';

export interface DNSConfig {
  readonly nameservers: readonly string[];
  readonly searches: readonly string[];
  /** "name" or "name:value", in order. */
  readonly options: readonly string[];
}

export interface ResolvOptions {
  /** The cluster DNS Service IP (10.96.0.10); empty means none configured. */
  readonly clusterDNS: string;
  readonly clusterDomain: string;
}

export interface ResolvResult {
  readonly config: DNSConfig;
  /** The file text. */
  readonly text: string;
  /** Why something was dropped or fell back, for a Warning Event (DNSConfigForming). */
  readonly warnings: readonly string[];
}

// Limits from the Kubernetes API validation (MaxDNSNameservers, MaxDNSSearchPaths,
// MaxDNSSearchListChars) — glibc only reads 3 nameservers, so more would be silently ignored.
export const MAX_NAMESERVERS = 3;
export const MAX_SEARCH_PATHS = 32;
export const MAX_SEARCH_CHARS = 2048;
// A search domain longer than a DNS subdomain name makes some glibc versions abort().
const MAX_DOMAIN_LEN = 253;

/** Parses resolv.conf text (the node's). Later `search` lines replace earlier ones, as in glibc. */
export function parseResolvConf(text: string): DNSConfig {
  const nameservers: string[] = [];
  let searches: string[] = [];
  const options: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    if (!line) continue;
    const [key, ...rest] = line.split(/\s+/);
    if (key === 'nameserver' && rest[0]) nameservers.push(rest[0]);
    else if (key === 'search' || key === 'domain') searches = rest.map((s) => s.replace(/\.$/, '')).filter((s) => s !== '');
    else if (key === 'options') options.push(...rest);
  }
  return { nameservers, searches, options };
}

export function formatResolvConf(c: DNSConfig): string {
  const lines: string[] = [];
  if (c.searches.length) lines.push(`search ${c.searches.join(' ')}`);
  for (const ns of c.nameservers) lines.push(`nameserver ${ns}`);
  if (c.options.length) lines.push(`options ${c.options.join(' ')}`);
  return lines.length ? `${lines.join('\n')}\n` : '';
}

type Kind = 'cluster' | 'host' | 'none';

function dnsKind(pod: Pod, opts: ResolvOptions, warnings: string[]): Kind {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  let kind: Kind;
  if (policy === 'None') kind = 'none';
  else if (policy === 'ClusterFirstWithHostNet') kind = 'cluster';
  else if (policy === 'ClusterFirst') kind = pod.spec?.hostNetwork ? 'host' : 'cluster';
  else kind = 'host';
  if (kind === 'cluster' && !opts.clusterDNS) {
    warnings.push(`pod "${pod.metadata?.name}" has dnsPolicy ${policy} but no cluster DNS is configured; falling back to the node's resolv.conf`);
    kind = 'host';
  }
  return kind;
}

function dedupe(list: readonly string[]): string[] {
  return [...new Set(list)];
}

/** Merges options by name: a later "name[:value]" replaces an earlier one in place. */
export function mergeOptions(base: readonly string[], extra: readonly { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string | undefined>();
  const split = (o: string): [string, string | undefined] => {
    const i = o.indexOf(':');
    return i < 0 ? [o, undefined] : [o.slice(0, i), o.slice(i + 1)];
  };
  for (const o of base) {
    const [n, v] = split(o);
    byName.set(n, v);
  }
  for (const o of extra) if (o.name) byName.set(o.name, o.value);
  return [...byName].map(([n, v]) => (v === undefined ? n : `${n}:${v}`));
}

function fitSearches(searches: string[], warnings: string[]): string[] {
  let out = searches;
  if (out.length > MAX_SEARCH_PATHS) {
    warnings.push(`Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.slice(0, MAX_SEARCH_PATHS).join(' ')}`);
    out = out.slice(0, MAX_SEARCH_PATHS);
  }
  const short = out.filter((s) => s.length <= MAX_DOMAIN_LEN);
  if (short.length !== out.length) warnings.push(`search domains longer than ${MAX_DOMAIN_LEN} characters were omitted`);
  out = short;
  while (out.join(' ').length > MAX_SEARCH_CHARS) out = out.slice(0, -1);
  if (out.length !== short.length) warnings.push(`Search Line limits were exceeded, some search paths have been omitted, the applied search line is: ${out.join(' ')}`);
  return out;
}

/** The resolv.conf the kubelet gives `pod`, given the node's resolv.conf. */
export function buildResolvConf(pod: Pod, nodeResolv: DNSConfig, opts: ResolvOptions): ResolvResult {
  const warnings: string[] = [];
  const kind = dnsKind(pod, opts, warnings);
  const ns = pod.metadata?.namespace ?? 'default';
  const d = opts.clusterDomain;
  let base: DNSConfig;
  if (kind === 'cluster') {
    base = {
      nameservers: [opts.clusterDNS],
      searches: [`${ns}.svc.${d}`, `svc.${d}`, d, ...nodeResolv.searches],
      options: ['ndots:5'],
    };
  } else if (kind === 'host') {
    base = nodeResolv;
  } else {
    base = { nameservers: [], searches: [], options: [] };
  }
  const dc = pod.spec?.dnsConfig;
  let nameservers = dedupe([...base.nameservers, ...(dc?.nameservers ?? [])]);
  const searches = dedupe([...base.searches, ...(dc?.searches ?? []).map((s) => s.replace(/\.$/, ''))]);
  const options = mergeOptions(base.options, dc?.options ?? []);
  if (nameservers.length > MAX_NAMESERVERS) {
    warnings.push(`Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: ${nameservers.slice(0, MAX_NAMESERVERS).join(' ')}`);
    nameservers = nameservers.slice(0, MAX_NAMESERVERS);
  }
  const config = { nameservers, searches: fitSearches(searches, warnings), options };
  return { config, text: formatResolvConf(config), warnings };
}
