// startObserve: flows from every node's kernel (conntrack + nftables traces), the L7 sink, the map's
// topology from the object source, all served on 127.0.0.1. The port opens only after the source has
// synced, so the first topology answer is complete.
import type { AddressInfo } from 'node:net';
import type { EndpointSlice, Ingress, KubeObject, Namespace, NetworkPolicy, Node, Pod, Service } from '../api/types.js';
import { R, type ObjectSource } from '../client/source.js';
import { buildAddressIndex, type AddressIndex } from './enrich.js';
import { startNodeCapture, type NodeCapture } from './capture.js';
import { flowFromConntrack, flowFromTrace } from './flows.js';
import { ConnectTimer } from './connecttime.js';
import type { ConntrackRecord } from './conntrack.js';
import { FlowHub } from './hub.js';
import { buildTopology, type Topology } from './topology.js';
import { createObserveServer } from './server.js';
import { flowFromL7, listenUnixSink } from './sink.js';
import { explainPair, policyMatrix } from './matrix.js';
import { parseProtocol } from '../netpol/model.js';
import { formatIP, nthIP, tryParseCIDR } from '../api/ip.js';
import type { Flow, FlowFilter } from './types.js';
import { traceConnection } from './trace.js';
import type { ProxyPlan } from '../proxy/types.js';
import { clusterFromNodeNetns, podNetnsName } from '../kubelet/names.js';
import { isProbePort } from './probeplan.js';
import { DEFAULT_PROBE_INTERVAL_MS, startProber, type Prober } from './prober.js';

export interface ObserveOptions {
  readonly source: ObjectSource;
  readonly nodes: readonly { name: string; netns: string }[];
  readonly listen: { readonly host: '127.0.0.1'; readonly port: number };
  readonly proxyPlans?: () => Map<string, unknown>;
  /** Also accept L7 NDJSON on this unix socket. */
  readonly sinkSocket?: string;
  /** false: no kernel capture (tests and analysis against a manifest). Default true when nodes are given. */
  readonly capture?: boolean;
  /** false: conntrack events only, no nftables traces (no refused/dropped flows; cheaper under connection storms). */
  readonly traces?: boolean;
  /** false: no Service handshake times (one conntrack reader fewer per node, one event fewer per TCP connection). */
  readonly connectTimes?: boolean;
  readonly ringCapacity?: number;
  /** Called with capture errors (a follower exiting); default: stderr. */
  readonly onError?: (message: string) => void;
  /**
   * Pod-to-pod latency probes between every pair of nodes (prober.ts), this often; 0 disables.
   * Default 10 s. They run when nodes are given (real node namespaces named pn-<cluster>-<node>), even without capture.
   */
  readonly probeIntervalMs?: number;
  /** A probe without a handshake after this long fails as `timeout`. Default 1 s. */
  readonly probeTimeoutMs?: number;
  /** Answers /api/trace and the map's trace view (`observe/trace.ts` wires this). */
  readonly trace?: (from: string, to: string) => Promise<unknown>;
}

export interface Observe {
  readonly url: string;
  stop(): Promise<void>;
  flows(filter?: FlowFilter): Flow[];
  /** Adds a flow as if a node had seen it (tests, and components without a kernel view). */
  inject(flow: Flow): void;
  readonly hub: FlowHub;
  /** The latency prober, when probes run. */
  readonly prober?: Prober;
}

/** The cluster name behind the node namespaces, when they follow podnet's naming (else no probes). */
function clusterOf(nodes: ObserveOptions['nodes']): string | undefined {
  try {
    return nodes[0] ? clusterFromNodeNetns(nodes[0].netns, nodes[0].name) : undefined;
  } catch {
    return undefined;
  }
}

export async function startObserve(opts: ObserveOptions): Promise<Observe> {
  const src = opts.source;
  const inf = {
    nodes: src.informer<Node & KubeObject>(R.nodes),
    namespaces: src.informer<Namespace & KubeObject>(R.namespaces),
    pods: src.informer<Pod & KubeObject>(R.pods),
    services: src.informer<Service & KubeObject>(R.services),
    slices: src.informer<EndpointSlice & KubeObject>(R.endpointslices),
    ingresses: src.informer<Ingress & KubeObject>(R.ingresses),
    policies: src.informer<NetworkPolicy & KubeObject>(R.networkpolicies),
  };
  await src.start();
  const hub = new FlowHub(opts.ringCapacity);
  const onError = opts.onError ?? ((m: string) => process.stderr.write(`${m}\n`));

  // Indexes are rebuilt lazily: a change marks them stale; the next lookup rebuilds.
  let index: AddressIndex | undefined;
  let topo: Topology | undefined;
  const listeners = new Set<() => void>();
  const stale = () => {
    index = undefined;
    topo = undefined;
    for (const l of listeners) l();
  };
  const offs = Object.values(inf).map((i) => i.onChange(stale));
  // A node's addresses: its InternalIP and its bridge gateway (the podCIDR's first address, the
  // source of kubelet probes), so that flows say "node:node-1" instead of a bare IP.
  const nodeIPs = () => {
    const m: [string, string][] = [];
    for (const n of inf.nodes.list()) {
      const name = n.metadata?.name ?? '';
      const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      if (ip) m.push([ip, name]);
      const cidr = n.spec?.podCIDR ? tryParseCIDR(n.spec.podCIDR) : undefined;
      if (cidr) m.push([formatIP(nthIP(cidr, 1)), name]);
    }
    return m;
  };
  const getIndex = () => (index ??= buildAddressIndex(inf.pods.list(), inf.services.list(), nodeIPs()));
  const getTopology = () =>
    (topo ??= buildTopology({
      nodes: inf.nodes.list(), namespaces: inf.namespaces.list(), pods: inf.pods.list(), services: inf.services.list(),
      slices: inf.slices.list(), ingresses: inf.ingresses.list(), policies: inf.policies.list(),
    }));
  const policyInput = () => ({ pods: inf.pods.list(), namespaces: inf.namespaces.list(), policies: inf.policies.list() });

  /** Cross-node connections are seen twice; metrics count the sighting on the source's node. */
  const countedOn = (f: Flow) => {
    const home = getIndex().nodeOfPod(f.src.ip);
    return home === undefined || home === f.node;
  };
  const add = (f: Flow) => hub.add(f, countedOn(f));

  /** Counted once, on the client's node (it sees the SYN leave and the SYN/ACK come back). */
  const serviceHandshake = (node: string, rec: ConntrackRecord, us: number) => {
    const idx = getIndex();
    const svc = idx.service(rec.orig.dst, rec.orig.dport, 'TCP');
    const home = idx.nodeOfPod(rec.orig.src);
    if (svc && (home === undefined || home === node)) hub.metrics.serviceConnect(svc.namespace, svc.name, us / 1000);
  };

  const captures: NodeCapture[] = [];
  const stopAll = async () => {
    await Promise.all(captures.map((c) => c.stop().catch((e: Error) => onError(e.message))));
  };
  if (opts.capture !== false) {
    try {
      for (const node of opts.nodes) {
        const started = new Map<string, number>();
        const handshakes = new ConnectTimer();
        captures.push(
          await startNodeCapture(node.netns, {
            conntrack(rec) {
              if (rec.id && rec.type === 'NEW') {
                // Bounded: connections whose DESTROY we missed must not grow this forever.
                if (started.size > 65_536) started.clear();
                started.set(rec.id, rec.timeMs);
              }
              // Latency probes use reserved source ports; they are not the cluster's traffic.
              if (isProbePort(rec.orig.sport) && rec.proto === 'tcp') return;
              const us = handshakes.push(rec);
              if (us !== undefined) serviceHandshake(node.name, rec, us);
              const t0 = rec.id ? started.get(rec.id) : undefined;
              if (rec.type === 'DESTROY' && rec.id) started.delete(rec.id);
              const f = flowFromConntrack(node.name, rec, getIndex(), t0);
              if (f) add(f);
            },
            trace(rec) {
              if (isProbePort(rec.packet.sport)) return;
              const f = flowFromTrace(node.name, rec, getIndex(), Date.now());
              if (f) add(f);
            },
            error: onError,
          }, { traces: opts.traces !== false, connectTimes: opts.connectTimes !== false }),
        );
      }
    } catch (err) {
      await stopAll();
      throw err;
    }
  }

  const probeEvery = opts.probeIntervalMs ?? DEFAULT_PROBE_INTERVAL_MS;
  const cluster = clusterOf(opts.nodes);
  const prober = probeEvery > 0 && cluster !== undefined ? startProber({
    pods: () => inf.pods.list(),
    nodes: opts.nodes.map((n) => n.name),
    podNetns: (uid) => podNetnsName(cluster, uid),
    intervalMs: probeEvery,
    ...(opts.probeTimeoutMs !== undefined ? { timeoutMs: opts.probeTimeoutMs } : {}),
    metrics: hub.metrics,
  }) : undefined;
  const stopProbes = async () => prober?.stop();

  const ingestL7 = (line: string) => add(flowFromL7(line, getIndex()));
  const server = createObserveServer({
    hub,
    topology: getTopology,
    onTopologyChange(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    ingestL7,
    probes: () => ({ intervalMs: prober ? probeEvery : 0, results: prober?.results() ?? [] }),
    matrix: (port, protocol, namespace) => policyMatrix(policyInput(), port, parseProtocol(protocol) ?? 'TCP', namespace),
    explain: (from, to, port, protocol) => explainPair(policyInput(), from, to, port, parseProtocol(protocol) ?? 'TCP'),
    trace: opts.trace ?? ((from, to) => traceConnection({
      objects: () => ({
        pods: inf.pods.list(), services: inf.services.list(), slices: inf.slices.list(), nodes: inf.nodes.list(),
        namespaces: inf.namespaces.list(), policies: inf.policies.list(),
      }),
      plan: (node) => opts.proxyPlans?.().get(node) as ProxyPlan | undefined,
      // The kernel half runs only where observe captures (root, real node namespaces).
      nodes: opts.capture === false ? [] : opts.nodes,
    }, from, to)),
  });
  const sink = opts.sinkSocket ? await listenUnixSink(opts.sinkSocket, (l) => {
    try {
      ingestL7(l);
    } catch (err) {
      onError((err as Error).message);
    }
  }) : undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.listen.port, opts.listen.host, () => resolve());
    });
  } catch (err) {
    await stopAll();
    await stopProbes();
    await sink?.close();
    throw err;
  }
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    hub,
    flows: (filter = {}) => hub.flows(filter),
    inject: add,
    ...(prober ? { prober } : {}),
    async stop() {
      await stopProbes();
      for (const off of offs) off();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await sink?.close();
      await stopAll();
    },
  };
}
