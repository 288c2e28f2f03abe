// Writing a plan: one `nft -f` transaction per node, carrying the drop counters over.
import { run } from '../host/exec.js';
import { getLink } from '../host/link.js';
import type { Nft } from '../host/nft.js';
import type { NodePolicyPlan } from './enforcer.js';
import * as N from './names.js';
import { renderNft } from './render.js';

export interface CounterValue {
  readonly packets: number;
  readonly bytes: number;
}

/** The table's named counters, or an empty map when the table does not exist yet. */
export async function readCounters(nft: Nft, netns: string): Promise<Map<string, CounterValue>> {
  const json = (await nft.listTableJson(netns, N.FAMILY, N.TABLE)) as { nftables?: { counter?: { name: string; packets: number; bytes: number } }[] } | undefined;
  const out = new Map<string, CounterValue>();
  for (const item of json?.nftables ?? []) if (item.counter) out.set(item.counter.name, { packets: item.counter.packets, bytes: item.counter.bytes });
  return out;
}

export async function applyNodePolicy(nft: Nft, netns: string, plan: NodePolicyPlan): Promise<string> {
  const script = renderNft(plan, { counters: await readCounters(nft, netns) });
  await nft.apply(netns, script);
  return script;
}

/**
 * Whether bridged frames in `netns` reach the inet hooks (br_netfilter's per-namespace switch).
 * `inet` when they do; `route` with the bridge's MAC when they must be routed (see render.ts);
 * undefined when that cannot be told yet (the bridge does not exist).
 */
export async function bridgedRouting(netns: string, bridge: string, opts: { force?: boolean } = {}): Promise<{ inet: true } | { bridgeMAC: string } | undefined> {
  if (!opts.force) {
    const r = await run('cat', ['/proc/sys/net/bridge/bridge-nf-call-iptables'], { netns });
    if (r.code === 0 && r.stdout.trim() === '1') return { inet: true };
  }
  const link = await getLink(netns, bridge);
  return link?.address ? { bridgeMAC: link.address } : undefined;
}
