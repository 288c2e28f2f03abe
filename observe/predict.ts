// What should happen to one connection from a pod, computed from objects alone: the DNS answer,
// the Service rule and endpoint(s) from the proxy's own plan (walked by the proxy's tracer), the
// route between nodes, and both policy sides from the netpol engine. Pure.
import type { ClusterObjects } from '../analyze/objects.js';
import type { Node, Pod, Service } from '../api/types.js';
import { cidrContains, tryParseCIDR, tryParseIP } from '../api/ip.js';
import { traceServicePacket } from '../proxy/trace.js';
import type { ProxyPlan } from '../proxy/types.js';
import { buildWorld, findPod } from '../netpol/world.js';
import { decide, type SideDecision } from '../netpol/engine.js';
import { resolveServiceName, type NameAnswer, type TraceTarget } from './resolve.js';

/** What a prediction reads: the analyzer's view of a cluster (pods, Services, slices, nodes, namespaces, policies). */
export type TraceObjects = ClusterObjects;

export interface PredictedEndpoint {
  readonly ip: string;
  readonly port: number;
  readonly pod?: string;
  readonly node?: string;
}

export interface Prediction {
  readonly from: { readonly pod: string; readonly ip: string; readonly node: string; readonly uid: string };
  readonly target: TraceTarget;
  readonly dns?: NameAnswer;
  /** The address the pod dials. */
  readonly dstIP: string;
  readonly port: number;
  readonly service?: { readonly namespace: string; readonly name: string; readonly verdict: string; readonly steps: readonly string[]; readonly candidates: readonly PredictedEndpoint[] };
  /** The endpoint followed for route and policy (the kernel's choice when known). */
  readonly endpoint?: PredictedEndpoint;
  readonly route?: string;
  readonly egress?: SideDecision;
  readonly ingress?: SideDecision;
  readonly verdict: 'forwarded' | 'rejected' | 'dropped' | 'unresolved';
  readonly reason: string;
}

export class TraceError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

function podKeyOf(p: Pod): string {
  return `${p.metadata?.namespace ?? 'default'}/${p.metadata?.name ?? ''}`;
}

function podByIP(objs: TraceObjects, ip: string): Pod | undefined {
  return objs.pods.find((p) => !p.spec?.hostNetwork && (p.status?.podIP === ip || p.status?.podIPs?.some((x) => x.ip === ip)) && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
}

function nodeOfIP(objs: TraceObjects, ip: string): Node | undefined {
  const a = tryParseIP(ip);
  if (!a) return undefined;
  return objs.nodes.find((n) => {
    const c = n.spec?.podCIDR ? tryParseCIDR(n.spec.podCIDR) : undefined;
    return c ? cidrContains(c, a) : false;
  });
}

function nodeIP(n: Node | undefined): string | undefined {
  return n?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
}

function toEndpoint(objs: TraceObjects, ip: string, port: number): PredictedEndpoint {
  const p = podByIP(objs, ip);
  const node = p?.spec?.nodeName ?? nodeOfIP(objs, ip)?.metadata?.name;
  return { ip, port, ...(p ? { pod: podKeyOf(p) } : {}), ...(node ? { node } : {}) };
}

/** Every endpoint the plan's selection rule can choose for this packet. */
function serviceCandidates(plan: ProxyPlan, src: string, dst: string, port: number, proto: 'tcp' | 'udp') {
  const first = traceServicePacket(plan, { src, dst, port, proto, from: 'network' });
  const eps: { ip: string; port: number }[] = [];
  const n = Math.max(1, first.candidates.length);
  for (let i = 0; i < n; i++) {
    const r = i === 0 ? first : traceServicePacket(plan, { src, dst, port, proto, from: 'network', pick: i });
    if (r.endpoint && !eps.some((e) => e.ip === r.endpoint!.ip && e.port === r.endpoint!.port)) eps.push(r.endpoint);
  }
  return { first, eps };
}

export function predictConnection(objs: TraceObjects, from: string, target: TraceTarget, opts: { plan?: ProxyPlan; follow?: string } = {}): Prediction {
  const [ns, name] = from.includes('/') ? (from.split('/', 2) as [string, string]) : ['default', from];
  const src = objs.pods.find((p) => p.metadata?.name === name && (p.metadata?.namespace ?? 'default') === ns);
  if (!src) throw new TraceError('TRACE_NO_POD', `trace: no pod "${ns}/${name}"`);
  const srcIP = src.status?.podIP;
  const srcNode = src.spec?.nodeName;
  if (!srcIP || !srcNode) throw new TraceError('TRACE_POD_NOT_RUNNING', `trace: pod "${ns}/${name}" has no IP or node yet`);
  const fromView = { pod: `${ns}/${name}`, ip: srcIP, node: srcNode, uid: src.metadata?.uid ?? '' };

  let dstIP = target.host;
  let dns: NameAnswer | undefined;
  if (!tryParseIP(target.host)) {
    dns = resolveServiceName(target.host, ns, objs.services, objs.slices);
    if (!dns) return { from: fromView, target, dstIP: '', port: target.port ?? 0, verdict: 'unresolved', reason: `"${target.host}" does not resolve (NXDOMAIN) from namespace ${ns}` };
    if (dns.cname) return { from: fromView, target, dns, dstIP: '', port: target.port ?? 0, verdict: 'unresolved', reason: `"${target.host}" is a CNAME to ${dns.cname} outside the cluster` };
    if (!dns.ips.length) return { from: fromView, target, dns, dstIP: '', port: target.port ?? 0, verdict: 'unresolved', reason: `"${dns.fqdn}" has no addresses (headless Service without ready endpoints)` };
    dstIP = dns.ips[0]!;
  }
  const svcObj = objs.services.find((s) => (s.spec?.clusterIPs ?? [s.spec?.clusterIP]).includes(dstIP) || (s.spec?.externalIPs ?? []).includes(dstIP) || (s.status?.loadBalancer?.ingress ?? []).some((i) => i.ip === dstIP));
  const port = target.port ?? svcObj?.spec?.ports?.[0]?.port ?? 80;
  const base = { from: fromView, target, ...(dns ? { dns } : {}), dstIP, port };

  let endpoint: PredictedEndpoint | undefined;
  let service: Prediction['service'];
  if (svcObj) {
    const svcNs = svcObj.metadata?.namespace ?? 'default';
    const svcName = svcObj.metadata?.name ?? '';
    let verdict: string;
    let steps: readonly string[] = [];
    let cands: PredictedEndpoint[];
    if (opts.plan) {
      const { first, eps } = serviceCandidates(opts.plan, srcIP, dstIP, port, target.protocol);
      verdict = first.verdict;
      steps = first.steps;
      cands = eps.map((e) => toEndpoint(objs, e.ip, e.port));
    } else {
      // Without the node's plan: the ready endpoints of the Service's slices for this port.
      const sp = svcObj.spec?.ports?.find((p) => p.port === port);
      cands = [];
      for (const sl of objs.slices) {
        if (sl.metadata?.namespace !== svcNs || sl.metadata?.labels?.['kubernetes.io/service-name'] !== svcName) continue;
        const slPort = sl.ports?.find((p) => (p.name ?? '') === (sp?.name ?? ''))?.port;
        if (!slPort) continue;
        for (const e of sl.endpoints ?? []) if (e.conditions?.ready !== false) for (const a of e.addresses ?? []) cands.push(toEndpoint(objs, a, slPort));
      }
      verdict = cands.length ? 'dnat' : 'reject';
    }
    service = { namespace: svcNs, name: svcName, verdict, steps, candidates: cands };
    if (verdict === 'reject' || verdict === 'drop' || !cands.length) {
      return { ...base, service, verdict: 'rejected', reason: `Service ${svcNs}/${svcName} has no endpoints for port ${port}: the proxy rejects` };
    }
    endpoint = cands.find((c) => c.ip === opts.follow) ?? cands[0]!;
  } else {
    endpoint = toEndpoint(objs, dstIP, port);
  }

  const dstNode = endpoint.node;
  let route: string;
  if (!dstNode) route = 'leaves the pod network (no node owns the address)';
  else if (dstNode === srcNode) route = `same node ${srcNode}: across bridge cni0`;
  else {
    const n = objs.nodes.find((x) => x.metadata?.name === dstNode);
    route = `${srcNode} → ${dstNode}${nodeIP(n) ? ` via ${nodeIP(n)}` : ''}`;
  }

  const world = buildWorld({ pods: objs.pods, namespaces: objs.namespaces, policies: objs.policies });
  const s = findPod(world, fromView.pod);
  const dPod = endpoint.pod ? findPod(world, endpoint.pod) : undefined;
  const protocol = target.protocol === 'udp' ? 'UDP' : 'TCP';
  const d = decide(world, s ? { pod: s } : { ip: srcIP }, dPod ? { pod: dPod } : { ip: endpoint.ip }, protocol, endpoint.port);
  const out = { ...base, ...(service ? { service } : {}), endpoint, route, egress: d.egress, ingress: d.ingress };
  if (!d.allowed) {
    const side = d.egress.allowed ? d.ingress : d.egress;
    return { ...out, verdict: 'dropped', reason: `NetworkPolicy ${side.direction.toLowerCase()}: ${side.reason}` };
  }
  return { ...out, verdict: 'forwarded', reason: `reaches ${endpoint.pod ?? endpoint.ip}:${endpoint.port}` };
}
