// Pod-to-pod latency probes, like Cilium's health probes or Goldpinger: every interval, from the
// pod standing for each node to the pod standing for every node (probeplan.ts), one TCP handshake
// timed inside the source pod. A SYN/ACK or a RST is a round trip; silence until the timeout is a
// NetworkPolicy drop or a broken path. Results feed the metrics and /api/probes (latest per pair).
import { randomInt } from 'node:crypto';
import type { Pod } from '../api/types.js';
import { PodnetError } from '../api/errors.js';
import type { FlowMetrics } from './metrics.js';
import { planProbes, PROBE_PORT_FIRST, PROBE_PORT_LAST, type ProbePair } from './probeplan.js';
import { startProbeHelper, type ProbeHelper } from './probehelper.js';

export const DEFAULT_PROBE_INTERVAL_MS = 10_000;
export const DEFAULT_PROBE_TIMEOUT_MS = 1_000;

export interface ProbeResult {
  readonly srcNode: string;
  readonly dstNode: string;
  /** ns/name of the pods that stood for the nodes. */
  readonly src: string;
  readonly dst: string;
  readonly dstIP: string;
  readonly port: number;
  /** ISO-8601, when the attempt ended. */
  readonly time: string;
  readonly ok: boolean;
  /** connected | refused (both a round trip) | timeout | unreachable | error | helper (could not run in the source pod). */
  readonly outcome: string;
  /** Handshake round trip, for ok results. */
  readonly latencyMs?: number;
  readonly detail?: string;
}

export interface ProberOptions {
  pods(): readonly Pod[];
  readonly nodes: readonly string[];
  /** The network namespace of a pod, by uid. */
  podNetns(uid: string): string;
  readonly intervalMs: number;
  readonly timeoutMs?: number;
  /** Attempts in flight at once (per round, across helpers). */
  readonly concurrency?: number;
  readonly metrics: FlowMetrics;
  /** Starts the helper in a pod's namespace (default: probe_main.ts through `ip netns exec`). */
  readonly startHelper?: (netns: string) => Promise<ProbeHelper>;
}

export interface Prober {
  /** The latest result of every pair probed, in node order. */
  results(): ProbeResult[];
  /** Runs one round now (the loop runs them on its own; tests and benchmarks call this). */
  round(): Promise<ProbeResult[]>;
  stop(): Promise<void>;
}

function reasonOf(outcome: string): string {
  if (outcome === 'timeout') return 'timeout';
  if (/^error:E(HOST|NET)UNREACH$/.test(outcome)) return 'unreachable';
  return 'error';
}

export function startProber(opts: ProberOptions): Prober {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const helpers = new Map<string, Promise<ProbeHelper>>();
  const latest = new Map<string, ProbeResult>();
  // A random start: two probers on one cluster (a test's beside the daemon's) rarely pick one port at once.
  let nextPort = PROBE_PORT_FIRST + randomInt(PROBE_PORT_LAST - PROBE_PORT_FIRST + 1);
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<ProbeResult[]> | undefined;

  const helperFor = (netns: string): Promise<ProbeHelper> => {
    if (stopped) return Promise.reject(new PodnetError('OBSERVE_PROBER_STOPPED', `observe: no probe from netns "${netns}": the prober has stopped`));
    let h = helpers.get(netns);
    if (!h) {
      const started = (opts.startHelper ?? startProbeHelper)(netns);
      // A helper that failed to start or has exited is replaced on the next attempt.
      started.catch(() => helpers.get(netns) === started && helpers.delete(netns));
      helpers.set(netns, started);
      h = started;
    }
    return h.then((x) => {
      if (!x.gone) return x;
      helpers.delete(netns);
      return helperFor(netns);
    });
  };

  const probeOne = async (pair: ProbePair): Promise<ProbeResult> => {
    const sport = nextPort;
    nextPort = nextPort >= PROBE_PORT_LAST ? PROBE_PORT_FIRST : nextPort + 1;
    const base = { srcNode: pair.src.node, dstNode: pair.dst.node, src: `${pair.src.namespace}/${pair.src.pod}`, dst: `${pair.dst.namespace}/${pair.dst.pod}`, dstIP: pair.dst.ip, port: pair.port };
    let r: ProbeResult;
    try {
      const helper = await helperFor(opts.podNetns(pair.src.uid));
      const a = await helper.attempt(pair.dst.ip, pair.port, sport, timeoutMs);
      const ok = a.outcome === 'connected' || a.outcome === 'refused';
      r = ok
        ? { ...base, time: new Date().toISOString(), ok, outcome: a.outcome, latencyMs: a.micros / 1000 }
        : { ...base, time: new Date().toISOString(), ok, outcome: reasonOf(a.outcome), ...(a.outcome.startsWith('error:') ? { detail: a.outcome.slice(6) } : {}) };
    } catch (err) {
      r = { ...base, time: new Date().toISOString(), ok: false, outcome: 'helper', detail: (err as Error).message };
    }
    // Attempts cut short by stop() say nothing about the network.
    if (stopped) return r;
    if (r.ok) opts.metrics.probe(r.srcNode, r.dstNode, r.latencyMs!);
    else opts.metrics.probeFailure(r.srcNode, r.dstNode, r.outcome);
    return r;
  };

  // Rounds never overlap: a round asked for while one runs starts when it ends.
  let queue: Promise<unknown> = Promise.resolve();
  const round = (): Promise<ProbeResult[]> => {
    const r = queue.then(roundNow, roundNow);
    queue = r.catch(() => undefined);
    return r;
  };

  const roundNow = async (): Promise<ProbeResult[]> => {
    const pairs = planProbes(opts.pods(), opts.nodes);
    // Pods that no longer stand for a node lose their helper.
    const sources = new Set(pairs.map((p) => opts.podNetns(p.src.uid)));
    await Promise.all([...helpers].filter(([ns]) => !sources.has(ns)).map(([ns, h]) => {
      helpers.delete(ns);
      return h.then((x) => x.stop(), () => undefined);
    }));
    const results: ProbeResult[] = new Array<ProbeResult>(pairs.length);
    let next = 0;
    const worker = async () => {
      while (next < pairs.length && !stopped) {
        const i = next++;
        results[i] = await probeOne(pairs[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(opts.concurrency ?? 16, pairs.length) }, worker));
    latest.clear();
    for (const r of results) if (r) latest.set(`${r.srcNode}\u0000${r.dstNode}`, r);
    return results.filter(Boolean);
  };

  const loop = () => {
    if (stopped) return;
    const t0 = Date.now();
    running = round();
    void running.catch(() => undefined).finally(() => {
      running = undefined;
      if (stopped) return;
      timer = setTimeout(loop, Math.max(0, opts.intervalMs - (Date.now() - t0)));
      timer.unref();
    });
  };
  loop();

  return {
    results: () => [...latest.values()],
    round,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const hs = [...helpers.values()];
      helpers.clear();
      await Promise.all(hs.map((h) => h.then((x) => x.stop(), () => undefined)));
      await running?.catch(() => undefined);
    },
  };
}
