// LoadBalancer IPs on the underlay: which nodes should receive each LB IP (all nodes, or with
// externalTrafficPolicy Local only nodes with a ready endpoint of the Service), and the ECMP
// routes in the underlay namespace that send it there. Routes carry protocol 250 so a later
// apply can find and remove the ones it made without touching anyone else's.
import type { EndpointSlice, Service } from '../api/types.js';
import { run, runOk } from '../host/exec.js';
import { tryParseIP } from '../api/ip.js';
import { SERVICE_NAME_LABEL } from './plan.js';

export const LB_ROUTE_PROTO = '250';

export interface LBNode {
  readonly name: string;
  readonly ip: string;
}

/** LB IP → sorted node IPs that should take it (empty: nowhere, the route is removed). */
export type LoadBalancerRoutePlan = ReadonlyMap<string, readonly string[]>;

export function planLoadBalancerRoutes(services: readonly Service[], slices: readonly EndpointSlice[], nodes: readonly LBNode[]): LoadBalancerRoutePlan {
  const out = new Map<string, Set<string>>();
  for (const svc of services) {
    if (svc.spec?.type !== 'LoadBalancer') continue;
    const ns = svc.metadata?.namespace ?? 'default';
    const name = svc.metadata?.name ?? '';
    const ips = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip && tryParseIP(ip)?.family === 4);
    if (ips.length === 0) continue;
    let targets: string[];
    if (svc.spec.externalTrafficPolicy === 'Local') {
      const withEndpoints = new Set<string>();
      for (const s of slices) {
        if ((s.metadata?.namespace ?? 'default') !== ns || s.metadata?.labels?.[SERVICE_NAME_LABEL] !== name) continue;
        for (const ep of s.endpoints ?? []) if ((ep.conditions?.ready ?? true) && ep.nodeName) withEndpoints.add(ep.nodeName);
      }
      targets = nodes.filter((n) => withEndpoints.has(n.name)).map((n) => n.ip);
    } else {
      targets = nodes.map((n) => n.ip);
    }
    for (const ip of ips) {
      const set = out.get(ip) ?? new Set<string>();
      targets.forEach((t) => set.add(t));
      out.set(ip, set);
    }
  }
  return new Map([...out].map(([ip, set]) => [ip, [...set].sort()]));
}

/** The `ip route` argument lists that program a plan (pure; for tests and dry runs). */
export function lbRouteCommands(plan: LoadBalancerRoutePlan, existing: readonly string[]): string[][] {
  const cmds: string[][] = [];
  for (const [ip, via] of plan) {
    if (via.length === 0) continue;
    const hops = via.length === 1 ? ['via', via[0]!] : via.flatMap((v) => ['nexthop', 'via', v]);
    cmds.push(['route', 'replace', `${ip}/32`, 'proto', LB_ROUTE_PROTO, ...hops]);
  }
  for (const dst of existing) {
    const ip = dst.replace(/\/32$/, '');
    if (!(plan.get(ip)?.length)) cmds.push(['route', 'del', `${ip}/32`, 'proto', LB_ROUTE_PROTO]);
  }
  return cmds;
}

/** Programs the plan's routes in the underlay namespace and removes stale ones it made before. */
export async function applyLoadBalancerRoutes(underlayNetns: string, plan: LoadBalancerRoutePlan): Promise<void> {
  const listed = JSON.parse((await runOk('ip', ['-j', 'route', 'show', 'proto', LB_ROUTE_PROTO], { netns: underlayNetns })) || '[]') as { dst: string }[];
  const errors: string[] = [];
  for (const args of lbRouteCommands(plan, listed.map((r) => r.dst))) {
    const r = await run('ip', args, { netns: underlayNetns });
    if (r.code !== 0 && !(args[1] === 'del' && /No such process/.test(r.stderr))) errors.push(`ip ${args.join(' ')}: ${r.stderr.trim()}`);
  }
  if (errors.length > 0) throw new Error(`proxy: cannot program LoadBalancer routes in "${underlayNetns}": ${errors.join('; ')}`);
}
