// The DNS answer a pod would get for a name, computed from Services as the Kubernetes DNS
// specification says: search path <ns>.svc.<zone>, svc.<zone>, <zone>; ClusterIP → its address;
// headless → one address per ready endpoint; ExternalName → a CNAME (leaves the cluster).
import type { EndpointSlice, Service } from '../api/types.js';
import { tryParseIP } from '../api/ip.js';

export interface NameAnswer {
  /** The fully qualified name that matched. */
  readonly fqdn: string;
  /** Zone-file lines, as a resolver would see them. */
  readonly records: readonly string[];
  readonly ips: readonly string[];
  readonly service?: { readonly namespace: string; readonly name: string };
  readonly cname?: string;
}

export function candidatesFor(name: string, namespace: string, zone = 'cluster.local'): string[] {
  const n = name.replace(/\.$/, '').toLowerCase();
  if (name.endsWith('.')) return [n];
  // ndots:5 as kubelet writes it: names with fewer than 5 dots try the search list first.
  const search = [`${namespace}.svc.${zone}`, `svc.${zone}`, zone].map((s) => `${n}.${s}`);
  return n.split('.').length - 1 >= 5 ? [n, ...search] : [...search, n];
}

export function resolveServiceName(name: string, fromNamespace: string, services: readonly Service[], slices: readonly EndpointSlice[], zone = 'cluster.local'): NameAnswer | undefined {
  const suffix = `.svc.${zone}`;
  for (const fqdn of candidatesFor(name, fromNamespace, zone)) {
    if (!fqdn.endsWith(suffix)) continue;
    const parts = fqdn.slice(0, -suffix.length).split('.');
    if (parts.length !== 2) continue;
    const [svcName, ns] = parts as [string, string];
    const svc = services.find((s) => s.metadata?.name === svcName && (s.metadata?.namespace ?? 'default') === ns);
    if (!svc) continue;
    const owner = `${fqdn}.`;
    if (svc.spec?.type === 'ExternalName') {
      const target = `${(svc.spec.externalName ?? '').replace(/\.$/, '')}.`;
      return { fqdn: owner, records: [`${owner} 5 IN CNAME ${target}`], ips: [], service: { namespace: ns, name: svcName }, cname: target };
    }
    let ips: string[];
    if (svc.spec?.clusterIP && svc.spec.clusterIP !== 'None') {
      ips = [svc.spec.clusterIP];
    } else {
      ips = [];
      for (const sl of slices) {
        if (sl.metadata?.namespace !== ns || sl.metadata?.labels?.['kubernetes.io/service-name'] !== svcName) continue;
        for (const e of sl.endpoints ?? []) if (e.conditions?.ready !== false) for (const a of e.addresses ?? []) if (!ips.includes(a)) ips.push(a);
      }
    }
    return { fqdn: owner, records: ips.map((ip) => `${owner} 5 IN A ${ip}`), ips, service: { namespace: ns, name: svcName } };
  }
  return undefined;
}

export interface TraceTarget {
  readonly host: string;
  readonly port?: number;
  readonly protocol: 'tcp' | 'udp';
}

/** NAME|IP[:PORT[/PROTO]]. */
export function parseTarget(text: string): TraceTarget {
  const m = /^([^:/\s]+)(?::(\d+)(?:\/(tcp|udp))?)?$/i.exec(text.trim());
  if (!m) throw new SyntaxError(`trace: cannot read target "${text}": use NAME|IP[:PORT[/PROTO]]`);
  const port = m[2] === undefined ? undefined : Number(m[2]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new RangeError(`trace: port "${m[2]}" is out of range 1-65535`);
  const host = m[1]!;
  if (/^\d+(\.\d+){3}$/.test(host) && !tryParseIP(host)) throw new SyntaxError(`trace: "${host}" is not a valid IP address`);
  return { host, ...(port !== undefined ? { port } : {}), protocol: (m[3]?.toLowerCase() as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}
