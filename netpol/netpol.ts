// The per-node enforcer: watches Pods, Namespaces, NetworkPolicies and its Node, and after every
// change (bursts coalesced) writes the node's whole ruleset in one transaction. Rules stay when it
// stops, so a restart never opens a hole; the first sync after start replaces them atomically.
import { errorMessage } from '../api/errors.js';
import type { KubeObject, Namespace, NetworkPolicy, Node, Pod } from '../api/types.js';
import { R, type ObjectSource } from '../client/source.js';
import { realNft, type Nft } from '../host/nft.js';
import { applyNodePolicy, bridgedRouting, readCounters } from './apply.js';
import { planNodePolicy, type NodePolicyPlan } from './enforcer.js';
import { NetpolMetrics } from './metrics.js';
import * as N from './names.js';

export interface StartNetpolOptions {
  readonly source: ObjectSource;
  readonly node: { readonly name: string; readonly netns: string };
  readonly nft?: Nft;
  /** Log denied packets to this NFLOG group (for the observe component). */
  readonly logGroup?: number;
  /** The pods' bridge in the node namespace. */
  readonly bridge?: string;
  /** 'auto' checks br_netfilter; 'route' always routes bridged frames; 'br_netfilter' never does. */
  readonly bridgeMode?: 'auto' | 'route' | 'br_netfilter';
  readonly onError?: (err: unknown) => void;
}

export interface DropCounter {
  readonly pod: string;
  readonly direction: 'Ingress' | 'Egress' | 'Unknown';
  readonly packets: number;
  readonly bytes: number;
}

export interface Netpol {
  stop(opts?: { deleteRules?: boolean }): Promise<void>;
  /** Plans and writes now (after any sync in progress); throws when the write fails. */
  syncNow(): Promise<void>;
  /** Denied packets per local pod and direction, read from the kernel. */
  counters(): Promise<DropCounter[]>;
  metrics(): string;
  /** The last plan written. */
  lastPlan(): NodePolicyPlan | undefined;
}

const RETRY_MS = 1000;

export async function startNetpol(opts: StartNetpolOptions): Promise<Netpol> {
  const nft = opts.nft ?? realNft;
  const netns = opts.node.netns;
  const pods = opts.source.informer(R.pods);
  const namespaces = opts.source.informer(R.namespaces);
  const policies = opts.source.informer(R.networkpolicies);
  const nodes = opts.source.informer(R.nodes);
  const metrics = new NetpolMetrics();
  await opts.source.start();

  const mode = opts.bridgeMode ?? 'auto';
  const bridge = opts.bridge ?? 'cni0';
  let last: NodePolicyPlan | undefined;
  let routing: { bridgeMAC: string } | undefined | null = null;
  let stopped = false;

  const syncOnce = async () => {
    const end = metrics.syncDuration.startTimer();
    try {
      const node = nodes.get(undefined, opts.node.name) as Node | undefined;
      const podCIDRs = node?.spec?.podCIDRs ?? (node?.spec?.podCIDR ? [node.spec.podCIDR] : []);
      if (routing === null && mode !== 'br_netfilter') {
        // Until the bridge exists there is nothing bridged to route: look again next sync.
        const r = await bridgedRouting(netns, bridge, { force: mode === 'route' });
        if (r) routing = 'inet' in r ? undefined : r;
      }
      const routeBridged = routing ?? undefined;
      const plan = planNodePolicy({
        node: opts.node.name,
        pods: pods.list() as unknown as Pod[],
        namespaces: namespaces.list() as unknown as Namespace[],
        policies: policies.list() as unknown as NetworkPolicy[],
        podCIDRs,
        ...(routeBridged ? { routeBridged } : {}),
        ...(opts.logGroup !== undefined ? { logGroup: opts.logGroup } : {}),
      });
      await applyNodePolicy(nft, netns, plan);
      last = plan;
      metrics.syncs.inc();
      metrics.lastSync.setToCurrentTime();
      metrics.isolated.set({ direction: 'Ingress' }, plan.chains.filter((c) => c.direction === 'Ingress').length);
      metrics.isolated.set({ direction: 'Egress' }, plan.chains.filter((c) => c.direction === 'Egress').length);
      metrics.rules.set(plan.chains.reduce((n, c) => n + c.rules.length, 0));
    } catch (e) {
      metrics.failures.inc();
      throw e;
    } finally {
      end();
      await metrics.refresh();
    }
  };

  // One sync at a time; requests during a sync fold into one more sync after it.
  let running: Promise<void> | undefined;
  let dirty = false;
  let retry: NodeJS.Timeout | undefined;
  const loop = async () => {
    await new Promise((r) => setImmediate(r)); // let a burst of notifications land first
    while (dirty && !stopped) {
      dirty = false;
      try {
        await syncOnce();
      } catch (e) {
        (opts.onError ?? ((err) => process.stderr.write(`netpol: sync on node "${opts.node.name}" failed: ${errorMessage(err)}\n`)))(e);
        retry = setTimeout(request, RETRY_MS);
        retry.unref();
      }
    }
  };
  function request(): void {
    dirty = true;
    if (!running) running = loop().finally(() => (running = undefined));
  }
  const unsubscribe = [pods, namespaces, policies, nodes].map((inf) => inf.onChange((c: { object: KubeObject }) => {
    if (inf === nodes && c.object.metadata?.name !== opts.node.name) return;
    request();
  }));

  const syncNow = async () => {
    while (running) await running;
    dirty = false;
    await syncOnce();
  };
  await syncNow();

  return {
    async stop(o = {}) {
      stopped = true;
      for (const u of unsubscribe) u();
      if (retry) clearTimeout(retry);
      while (running) await running;
      if (o.deleteRules) {
        await nft.deleteTable(netns, N.FAMILY, N.TABLE);
        await nft.deleteTable(netns, N.BRIDGE_FAMILY, N.TABLE);
      }
    },
    syncNow,
    async counters() {
      const values = await readCounters(nft, netns);
      const out: DropCounter[] = [];
      const unknown = values.get(N.UNKNOWN_COUNTER);
      if (unknown) out.push({ pod: '', direction: 'Unknown', ...unknown });
      for (const c of last?.chains ?? []) {
        const v = values.get(c.counter);
        if (v) out.push({ pod: c.pod, direction: c.direction, ...v });
      }
      return out;
    },
    metrics: () => metrics.current(),
    lastPlan: () => last,
  };
}
