// The LoadBalancer controller (podnet is its own cloud, like MetalLB): Services of type
// LoadBalancer with no loadBalancerClass or podnet's get an address from the pools in
// status.loadBalancer.ingress (ipMode VIP). Allocations are derived from the Services' own
// status, so a restart knows what is taken; one worker, so two Services never race for one IP.
import { tryParseIP } from '../../api/ip.js';
import type { Service } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R } from '../../client/source.js';
import type { ControllerContext, K } from '../context.js';
import { newQueue, type Controller } from '../runner.js';
import { firstFree, inPools, parsePools } from './pool.js';

export const NAME = 'loadbalancer';
export const REQUEST_ANNOTATIONS = ['metallb.universe.tf/loadBalancerIPs', 'metallb.io/loadBalancerIPs', 'podnet.dev/loadBalancerIPs'];

function requestedIPs(svc: Service): string[] {
  for (const a of REQUEST_ANNOTATIONS) {
    const v = svc.metadata?.annotations?.[a];
    if (v) return v.split(',').map((x) => x.trim()).filter(Boolean);
  }
  return svc.spec?.loadBalancerIP ? [svc.spec.loadBalancerIP] : [];
}

const ingressIPs = (svc: Service) => (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ip).filter((ip): ip is string => !!ip);

export function loadBalancerController(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const services = ctx.source.informer<K<Service>>(R.services);
  const pools = parsePools(ctx.config.lbPools);
  const ours = (s: Service) => s.spec?.type === 'LoadBalancer' && !s.metadata?.deletionTimestamp && (!s.spec.loadBalancerClass || s.spec.loadBalancerClass === ctx.config.lbClass);
  // Written but not yet seen in the cache: key → IPs.
  const assumed = new Map<string, string[]>();
  const pendingAll = () => {
    for (const s of services.list()) if (ours(s) && ingressIPs(s).length === 0) queue.add(objectKey(s));
  };
  services.onChange((c) => {
    const key = objectKey(c.object);
    const a = assumed.get(key);
    if (a && (c.type === 'DELETED' || ingressIPs(c.object).join() === a.join())) assumed.delete(key);
    queue.add(key);
    // An address may have been freed.
    if (c.type === 'DELETED' || (c.old && ours(c.old) && !ours(c.object))) pendingAll();
  });

  const held = (except: string) => {
    const used = new Map<string, string>();
    for (const s of services.list()) {
      const k = objectKey(s);
      if (k === except || !ours(s)) continue;
      for (const ip of ingressIPs(s)) if (inPools(pools, ip)) used.set(ip, k);
    }
    for (const [k, ips] of assumed) if (k !== except) for (const ip of ips) used.set(ip, k);
    return used;
  };

  const setStatus = async (svc: Service, ips: string[]) => {
    // null, not [], so the merge patch removes the field (kubectl then shows <pending>).
    const loadBalancer = { ingress: ips.length ? ips.map((ip) => ({ ip, ipMode: 'VIP' })) : null };
    await ctx.client.patch(R.services, svc.metadata!.namespace, svc.metadata!.name!, { status: { loadBalancer } }, 'merge', { subresource: 'status' });
    ctx.metrics.writes.inc({ controller: NAME, verb: 'status' });
    assumed.set(objectKey(svc), ips);
  };

  const reconcile = async (key: string) => {
    const { namespace, name } = splitKey(key);
    const svc = services.get(namespace, name);
    if (!svc) {
      assumed.delete(key);
      return;
    }
    const current = ingressIPs(svc);
    if (!ours(svc)) {
      // Released on type or class change: clear only what podnet gave out.
      if (current.some((ip) => inPools(pools, ip)) && !(svc.spec?.type === 'LoadBalancer' && svc.spec.loadBalancerClass)) {
        await setStatus(svc, current.filter((ip) => !inPools(pools, ip)));
        assumed.delete(key);
        pendingAll();
      }
      return;
    }
    const used = held(key);
    const requested = requestedIPs(svc);
    let want: string[] = [];
    if (requested.length) {
      for (const ip of requested) {
        const why = !tryParseIP(ip) ? 'is not an IP address' : !inPools(pools, ip) ? 'is not in any address pool' : used.has(ip) ? `is already in use by "${used.get(ip)}"` : undefined;
        if (why) {
          ctx.record(svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${key}": requested IP "${ip}" ${why}`);
          return;
        }
      }
      want = requested;
    } else {
      const keep = current.filter((ip) => inPools(pools, ip) && !used.has(ip));
      if (keep.length) want = keep;
      else {
        const families = (svc.spec?.ipFamilies?.length ? svc.spec.ipFamilies : ['IPv4']).map((f) => (f === 'IPv6' ? 6 : 4) as 4 | 6);
        for (const fam of families) {
          const ip = firstFree(pools, new Set(used.keys()), fam);
          if (ip) want.push(ip);
        }
        if (want.length === 0) {
          ctx.record(svc, 'Warning', 'AllocationFailed', `Failed to allocate IP for "${key}": no available IPs`);
          return;
        }
      }
    }
    const modes = (svc.status?.loadBalancer?.ingress ?? []).map((i) => i.ipMode);
    if (want.join() === current.join() && modes.every((m) => m === 'VIP')) return;
    await setStatus(svc, want);
    ctx.record(svc, 'Normal', 'IPAllocated', `Assigned IP ${JSON.stringify(want)}`);
  };

  return { name: NAME, queue, workers: 1, reconcile, resync: () => services.list().forEach((s) => queue.add(objectKey(s))) };
}
