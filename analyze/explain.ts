// `explain`: the verdict for one connection and why. A destination may be a pod, an IP (a pod's, a
// Service's ClusterIP, or outside the cluster) or a Service; a Service is translated to its
// backend pods first, as kube-proxy's DNAT does before policy sees the packet.
import { PodnetError } from '../api/errors.js';
import { canonicalIP, tryParseIP } from '../api/ip.js';
import { compileMapSelector, matches } from '../api/labels.js';
import type { EndpointSlice, Service } from '../api/types.js';
import { decide, type Decision, type Endpoint } from '../netpol/engine.js';
import { parseProtocol, type PodView, type Protocol } from '../netpol/model.js';
import { buildWorld, findPod, type World } from '../netpol/world.js';
import type { ClusterObjects } from './objects.js';

export interface Target {
  /** "ns/name" or an IP. */
  readonly name: string;
  readonly port?: number;
  readonly protocol?: Protocol;
}

/** Parses `NS/NAME`, `IP`, `NS/NAME:PORT`, `IP:PORT/PROTO`, `[v6]:PORT`. Throws TypeError quoting the text. */
export function parseTarget(text: string): Target {
  const bad = (): never => {
    throw new TypeError(`analyze: cannot parse target "${text}": want NS/POD, IP, or either with :PORT[/PROTO]`);
  };
  let rest = text.trim();
  let protocol: Protocol | undefined;
  const slashProto = /\/(tcp|udp|sctp)$/i.exec(rest);
  if (slashProto) {
    protocol = parseProtocol(slashProto[1]);
    rest = rest.slice(0, -slashProto[0].length);
  }
  let name = rest;
  let port: number | undefined;
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracket) {
    name = bracket[1]!;
    if (bracket[2]) port = Number(bracket[2]);
  } else if (!tryParseIP(rest)) {
    const i = rest.lastIndexOf(':');
    if (i >= 0) {
      if (!/^\d+$/.test(rest.slice(i + 1))) bad();
      port = Number(rest.slice(i + 1));
      name = rest.slice(0, i);
    }
  }
  if (!name || (port !== undefined && (port < 1 || port > 65535))) bad();
  if (protocol && port === undefined) bad();
  return { name: canonicalIP(name) ?? name, ...(port !== undefined ? { port } : {}), ...(protocol ? { protocol } : {}) };
}

export interface ExplainVerdict {
  /** The pod (ns/name) or IP the packet is decided for (a Service's backend when via is set). */
  readonly to: string;
  readonly ip: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly decision: Decision;
}

export interface Explanation {
  readonly from: string;
  readonly to: string;
  readonly via?: { readonly service: string; readonly clusterIP?: string; readonly port: number; readonly protocol: Protocol };
  readonly verdicts: readonly ExplainVerdict[];
}

function endpointOf(world: World, name: string, role: string): Endpoint {
  if (tryParseIP(name)) {
    const pod = world.podByIP.get(name);
    return pod ? { pod } : { ip: name };
  }
  const pod = findPod(world, name);
  if (!pod) throw new PodnetError('ANALYZE_NOT_FOUND', `analyze: ${role} "${name}" is neither a pod nor an IP address`);
  return { pod };
}

function backendsOf(objects: ClusterObjects, world: World, svc: Service): PodView[] {
  const ns = svc.metadata?.namespace ?? 'default';
  const name = svc.metadata?.name ?? '';
  const slices = objects.slices.filter((s: EndpointSlice) => s.metadata?.namespace === ns && s.metadata?.labels?.['kubernetes.io/service-name'] === name);
  if (slices.length > 0) {
    const out: PodView[] = [];
    for (const s of slices)
      for (const e of s.endpoints ?? []) {
        const pod = e.targetRef?.kind === 'Pod' ? findPod(world, `${ns}/${e.targetRef.name}`) : e.addresses.map((a) => world.podByIP.get(a)).find(Boolean);
        if (pod && !out.includes(pod)) out.push(pod);
      }
    return out;
  }
  const sel = compileMapSelector(svc.spec?.selector);
  return (world.podsByNamespace.get(ns) ?? []).filter((p) => matches(sel, p.labels));
}

function findService(objects: ClusterObjects, name: string): Service | undefined {
  if (tryParseIP(name)) return objects.services.find((s) => s.spec?.clusterIP === name || (s.spec?.clusterIPs ?? []).includes(name));
  const [ns, n] = name.includes('/') ? name.split('/', 2) : ['default', name];
  return objects.services.find((s) => (s.metadata?.namespace ?? 'default') === ns && s.metadata?.name === n);
}

/** Ports to decide when none is given: the destination pod's declared ports. */
function podPorts(pod: PodView | undefined, protocol: Protocol | undefined): { port: number; protocol: Protocol }[] {
  return (pod?.ports ?? []).filter((p) => !protocol || p.protocol === protocol).map((p) => ({ port: p.port, protocol: p.protocol }));
}

export function explain(objects: ClusterObjects, from: string, to: string | Target, opts: { port?: number; protocol?: Protocol; world?: World } = {}): Explanation {
  const world = opts.world ?? buildWorld({ pods: objects.pods, namespaces: objects.namespaces, policies: objects.policies });
  const target = typeof to === 'string' ? parseTarget(to) : to;
  const port = opts.port ?? target.port;
  const protocol = opts.protocol ?? target.protocol;
  const src = endpointOf(world, from, 'source');
  const srcName = 'pod' in src ? src.pod.key : src.ip;

  const isPodOrIP = tryParseIP(target.name) ? !findService(objects, target.name) : !!findPod(world, target.name);
  if (isPodOrIP) {
    const dst = endpointOf(world, target.name, 'destination');
    const ports = port !== undefined ? [{ port, protocol: protocol ?? 'TCP' }] : podPorts('pod' in dst ? dst.pod : undefined, protocol);
    if (ports.length === 0) throw new PodnetError('ANALYZE_NO_PORT', `analyze: "${target.name}" declares no ports: give one with --port`);
    return {
      from: srcName,
      to: target.name,
      verdicts: ports.map((p) => ({ to: 'pod' in dst ? dst.pod.key : dst.ip, ip: 'pod' in dst ? (dst.pod.ips[0] ?? '') : dst.ip, ...p, decision: decide(world, src, dst, p.protocol, p.port) })),
    };
  }
  const svc = findService(objects, target.name);
  if (!svc) throw new PodnetError('ANALYZE_NOT_FOUND', `analyze: destination "${target.name}" is neither a pod, a Service nor an IP address`);
  const svcPorts = (svc.spec?.ports ?? []).filter((p) => (port === undefined || p.port === port) && (!protocol || (p.protocol ?? 'TCP') === protocol));
  if (svcPorts.length === 0) throw new PodnetError('ANALYZE_NO_PORT', `analyze: Service "${objectName(svc)}" has no port ${port ?? ''}${protocol ? `/${protocol}` : ''}`);
  const sp = svcPorts[0]!;
  const proto = parseProtocol(sp.protocol) ?? 'TCP';
  const verdicts: ExplainVerdict[] = [];
  for (const pod of backendsOf(objects, world, svc)) {
    const tp = sp.targetPort ?? sp.port;
    const resolved = typeof tp === 'number' ? tp : /^\d+$/.test(tp) ? Number(tp) : pod.ports.find((c) => c.name === tp && c.protocol === proto)?.port;
    if (resolved === undefined) continue; // the proxy sends nothing to a backend without that named port
    verdicts.push({ to: pod.key, ip: pod.ips[0] ?? '', port: resolved, protocol: proto, decision: decide(world, src, { pod }, proto, resolved) });
  }
  return {
    from: srcName,
    to: target.name,
    via: { service: objectName(svc), ...(svc.spec?.clusterIP ? { clusterIP: svc.spec.clusterIP } : {}), port: sp.port, protocol: proto },
    verdicts,
  };
}

function objectName(o: { metadata?: { namespace?: string; name?: string } }): string {
  return `${o.metadata?.namespace ?? 'default'}/${o.metadata?.name ?? ''}`;
}

export function formatExplanation(e: Explanation): string {
  const lines: string[] = [];
  let indent = '';
  if (e.via) {
    lines.push(`${e.from} → Service ${e.via.service} (${e.via.clusterIP ?? 'no ClusterIP'}:${e.via.port}/${e.via.protocol})`);
    if (e.verdicts.length === 0) lines.push('  no backend pods: the connection is rejected before any policy applies');
    indent = '  ';
  }
  for (const v of e.verdicts) {
    const head = e.via ? `→ ${v.to} ${v.ip}:${v.port}/${v.protocol}` : `${e.from} → ${v.to} ${v.protocol}/${v.port}`;
    lines.push(`${indent}${head}: ${v.decision.allowed ? 'ALLOWED' : 'DENIED'}`);
    for (const s of [v.decision.egress, v.decision.ingress]) {
      const mark = s.allowed ? '✓' : '✗';
      lines.push(`${indent}  ${mark} ${s.direction.toLowerCase().padEnd(7)} ${s.reason}`);
    }
  }
  return lines.join('\n');
}
