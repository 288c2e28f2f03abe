// Which conntrack entries a sync makes stale. TCP connections to a removed endpoint end on their
// own; UDP "connections" (DNS) would keep going to the dead backend until conntrack times them
// out, and a UDP Service that just got endpoints may still have entries from when it had none.
import type { ProxyPlan } from './types.js';

/** IPs whose UDP conntrack entries should be flushed after moving from `before` to `after`. */
export function staleUdpIPs(before: ProxyPlan | undefined, after: ProxyPlan): string[] {
  if (!before) return [];
  const now = new Map(after.services.filter((v) => v.protocol === 'udp').map((v) => [v.base, v]));
  const out = new Set<string>();
  for (const old of before.services) {
    if (old.protocol !== 'udp') continue;
    const cur = now.get(old.base);
    const live = new Set([...(cur?.clusterEndpoints ?? []), ...(cur?.externalEndpoints ?? [])].map((e) => e.ip));
    for (const e of [...old.clusterEndpoints, ...old.externalEndpoints]) if (!live.has(e.ip)) out.add(e.ip);
  }
  for (const cur of now.values()) {
    const old = before.services.find((v) => v.base === cur.base);
    if ((!old || old.clusterEndpoints.length === 0) && cur.clusterEndpoints.length > 0 && cur.clusterIP) out.add(cur.clusterIP);
  }
  return [...out].sort();
}
