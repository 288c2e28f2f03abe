// startProxy: the per-node service proxy. Reads Services, EndpointSlices (and Pods, for weights)
// through an ObjectSource, waits for the caches, then keeps one table in the node's namespace in
// line with planServiceRules: a full sync at start (removing whatever a previous run left that
// the plan no longer has) and periodically, incremental syncs in between, bursts coalesced by a
// bounded-frequency runner.
import type { EndpointSlice, KubeObject, Pod, Service } from '../api/types.js';
import { PodnetError, errorMessage } from '../api/errors.js';
import { R, type ObjectSource } from '../client/source.js';
import { realNft, type Nft } from '../host/nft.js';
import { nftWithSessions } from '../host/nft_session.js';
import { ANNOTATION_POD_WEIGHT, isAlgorithm } from './algorithm.js';
import { NodeAgent } from './agent.js';
import { applyIptablesPlan, applyNftPlan, cleanupIptables } from './apply.js';
import { staleUdpIPs } from './conntrack_plan.js';
import { flushConntrackForIP } from '../host/conntrack.js';
import { setSysctl } from '../host/netns.js';
import type { IptablesExisting } from './iptables_render.js';
import { ProxyMetrics, triggerTimeOf } from './metrics.js';
import { FAMILY, TABLE } from './names.js';
import { DEFAULT_USERSPACE_PORT_BASE, PlanCache, USERSPACE_PORT_SPAN, planServiceRules } from './plan.js';
import { BoundedFrequencyRunner, realClock, type Clock } from './runner.js';
import type { Algorithm, ProxyMode, ProxyPlan } from './types.js';

export interface StartProxyOptions {
  readonly source: ObjectSource;
  readonly node: { readonly name: string; readonly netns: string; readonly ips: readonly string[]; readonly zone?: string };
  readonly mode: ProxyMode;
  /** Default load-balancing algorithm (Services may override by annotation). */
  readonly scheduler?: string;
  /** Minimum time between syncs (kube-proxy's --min-sync-period); default 1000 ms. */
  readonly minSyncPeriodMs?: number;
  /** Full resync period; default one hour. */
  readonly fullSyncPeriodMs?: number;
  readonly nft?: Nft;
  readonly podCIDR?: string;
  readonly clusterCIDR: string;
  readonly clock?: Clock;
  /** Userspace mode: endpoint probe interval (default 3000 ms). */
  readonly probeIntervalMs?: number;
  /** Serve `/healthz`, `/livez`, `/ready` on this port in the node netns (kube-proxy uses 10256). */
  readonly healthzPort?: number;
  /** nftables layout: `global` (default) or kube-proxy's per-endpoint chains (`kube`); see README. */
  readonly layout?: 'global' | 'kube';
}

export interface Proxy {
  stop(opts?: { keepRules?: boolean }): Promise<void>;
  /** Runs a sync now and resolves when its rules are live. Rejects if it failed. */
  syncNow(): Promise<void>;
  metrics(): string;
  lastPlan(): ProxyPlan;
  /** Userspace mode: one round of endpoint probes now (tests, `podnet` debug). */
  probeNow(): Promise<void>;
}

export async function startProxy(opts: StartProxyOptions): Promise<Proxy> {
  const scheduler: Algorithm = opts.scheduler === undefined ? 'random' : isAlgorithm(opts.scheduler) ? opts.scheduler : bad(opts.scheduler);
  // Our own long-lived nft per node for the frequent small transactions (host/nft_session.ts).
  const ownNft = opts.nft ? undefined : nftWithSessions(realNft);
  const nft = opts.nft ?? ownNft!;
  const clock = opts.clock ?? realClock;
  const netns = opts.node.netns;
  const services = opts.source.informer<Service & KubeObject>(R.services);
  const slices = opts.source.informer<EndpointSlice & KubeObject>(R.endpointslices);
  const pods = opts.source.informer<Pod & KubeObject>(R.pods);
  const metrics = new ProxyMetrics();
  const cache = new PlanCache();
  const pendingTriggers = new Map<string, number>();
  const node = { name: opts.node.name, ips: opts.node.ips, ...(opts.node.zone ? { zone: opts.node.zone } : {}) };
  const config = { clusterCIDR: opts.clusterCIDR, scheduler, mode: opts.mode, ...(opts.podCIDR ? { podCIDR: opts.podCIDR } : {}), ...(opts.layout ? { layout: opts.layout } : {}) };

  let previous: ProxyPlan | undefined;
  let last: ProxyPlan | undefined;
  let iptKnown: IptablesExisting | undefined;
  let lastFull = -Infinity;
  let lastError: unknown;
  let retry: unknown;

  await opts.source.start();

  // Each mode removes the others' rules on start, so switching modes needs no reboot.
  if (opts.mode === 'iptables') await nft.deleteTable(netns, FAMILY, TABLE);
  else await cleanupIptables(netns).catch(() => {});
  // Userspace mode listens on ports of 36000–55999, inside the kernel's ephemeral range: reserve
  // them in the node namespace so no outgoing connection (probes, upstream dials) takes one first.
  // Best effort (a namespace owned by an unprivileged user may refuse): without it a listen can
  // still collide now and then, which the next sync retries.
  if (opts.mode === 'userspace') {
    await setSysctl(netns, 'net.ipv4.ip_local_reserved_ports', `${DEFAULT_USERSPACE_PORT_BASE}-${DEFAULT_USERSPACE_PORT_BASE + USERSPACE_PORT_SPAN - 1}`).catch(() => {});
  }

  // The agent (health-check ports, userspace proxy) runs in the node namespace and starts on the
  // first plan that needs it, after the rules of that plan are live.
  let agent: NodeAgent | undefined;
  const agentFor = async (plan: ProxyPlan): Promise<NodeAgent | undefined> => {
    if (!agent && (plan.config.mode === 'userspace' || plan.healthChecks.length > 0 || opts.healthzPort)) {
      agent = await NodeAgent.start(netns, { PODNET_PROXY_PROBE_MS: String(opts.probeIntervalMs ?? 3000), PODNET_PROXY_HEALTHZ_PORT: String(opts.healthzPort ?? 0) });
    }
    return agent;
  };

  const sync = async (): Promise<void> => {
    const started = process.hrtime.bigint();
    const full = !previous || clock.now() - lastFull >= (opts.fullSyncPeriodMs ?? 3_600_000);
    const pending = [...pendingTriggers];
    const triggers = pending.map(([, t]) => t);
    pendingTriggers.clear();
    const plan = planServiceRules({ services: services.list(), slices: slices.list(), pods: pods.list(), node, config }, cache);
    try {
      if (opts.mode === 'iptables') iptKnown = await applyIptablesPlan(netns, plan, full ? undefined : iptKnown);
      else await applyNftPlan(nft, netns, plan, previous, { full });
    } catch (err) {
      metrics.failures.inc();
      previous = undefined; // the kernel state is unknown: next time, a full sync
      iptKnown = undefined;
      // Keep the oldest trigger per slice, so the retry's latency counts from the first change.
      for (const [k, t] of pending) pendingTriggers.set(k, Math.min(t, pendingTriggers.get(k) ?? t));
      await metrics.refresh();
      throw err;
    }
    const stale = staleUdpIPs(previous ?? last, plan);
    previous = plan;
    last = plan;
    // Best effort: a failed flush only delays the switch until conntrack times the entry out.
    for (const ip of stale) await flushConntrackForIP(netns, ip, { proto: 'udp' }).catch(() => 0);
    if (full) lastFull = clock.now();
    const reply = (await (await agentFor(plan))?.sendPlan(plan)) ?? { errors: [] };
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    metrics.syncDuration.observe({ kind: full ? 'full' : 'partial' }, seconds);
    const now = Date.now();
    for (const t of triggers) metrics.programming.observe(Math.max(0, (now - t) / 1000));
    metrics.lastTimestamp.set(now / 1000);
    metrics.services.set(plan.services.length);
    await metrics.refresh();
    if (reply.errors.length > 0) throw new PodnetError('PROXY_AGENT_FAILED', reply.errors.join('; '));
  };

  const runner = new BoundedFrequencyRunner(
    async () => {
      try {
        await sync();
        lastError = undefined;
      } catch (err) {
        lastError = err;
        // Retry with the min interval as backoff floor; errors never stop the proxy.
        if (retry === undefined) {
          retry = clock.setTimeout(() => {
            retry = undefined;
            runner.request();
          }, Math.max(opts.minSyncPeriodMs ?? 1000, 1000));
        }
      }
    },
    { minIntervalMs: opts.minSyncPeriodMs ?? 1000, maxIntervalMs: opts.fullSyncPeriodMs ?? 3_600_000, clock },
  );

  const unsubscribe = [
    services.onChange(() => runner.request()),
    slices.onChange((c) => {
      const key = `${c.object.metadata?.namespace}/${c.object.metadata?.name}`;
      if (!pendingTriggers.has(key)) pendingTriggers.set(key, triggerTimeOf(c.object.metadata?.annotations, Date.now()));
      runner.request();
    }),
    pods.onChange((c) => {
      const w = (p?: Pod) => p?.metadata?.annotations?.[ANNOTATION_POD_WEIGHT];
      if (w(c.object) !== w(c.old) || (c.type !== 'MODIFIED' && w(c.object) !== undefined)) runner.request();
    }),
  ];

  await runner.runNow();
  if (lastError) {
    runner.stop();
    if (retry !== undefined) clock.clearTimeout(retry);
    for (const u of unsubscribe) u();
    await agent?.stop();
    ownNft?.close();
    throw new PodnetError('PROXY_SYNC_FAILED', `proxy: first sync on node "${opts.node.name}" failed: ${errorMessage(lastError)}`, { cause: lastError });
  }

  return {
    async stop(stopOpts = {}) {
      runner.stop();
      if (retry !== undefined) clock.clearTimeout(retry);
      for (const u of unsubscribe) u();
      await agent?.stop();
      ownNft?.close();
      if (stopOpts.keepRules) return;
      if (opts.mode === 'iptables') await cleanupIptables(netns);
      else await nft.deleteTable(netns, FAMILY, TABLE);
    },
    async syncNow() {
      await runner.runNow();
      if (lastError) throw lastError;
    },
    metrics: () => metrics.current(),
    lastPlan: () => last!,
    async probeNow() {
      await agent?.send({ probe: true });
    },
  };
}

function bad(s: string): never {
  throw new TypeError(`proxy: unknown scheduler "${s}" (want one of random, rr, wrr, sh, dh, lc, wlc)`);
}
