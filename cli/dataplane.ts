// The data plane inside the daemon (root only): node namespaces and their network, then per node a
// kubelet, a service proxy and a NetworkPolicy enforcer; the underlay's LoadBalancer routes; the
// apiserver reachable from pods at 172.18.0.1:6443; cluster DNS and the ingress controller as pods;
// LoadBalancer Services published on 127.0.0.1.
import type { ClusterPaths } from './paths.js';
import { podnetBin } from './paths.js';
import type { ClusterConfig, DaemonStatus } from './daemonctl.js';
import type { Progress } from './progress.js';
import type { Stoppable } from './daemon.js';
import type { ControlPlane } from './controlplane.js';
import type { Deployment, Node, Pod } from '../api/types.js';
import { R } from '../client/source.js';
import { isAlreadyExists } from '../client/kube.js';
import { ensureClusterNetwork } from '../kubelet/topology.js';
import { startKubelet } from '../kubelet/kubelet.js';
import { startProxy, type Proxy } from '../proxy/proxy.js';
import { startObserve } from '../observe/observe.js';
import { join } from 'node:path';
import { startNetpol, type Netpol } from '../netpol/index.js';
import { listenInNetnsToUnix } from '../host/relay.js';
import { kubeWriter } from '../kubelet/kubewriter.js';
import { startLoadBalancerRoutes } from './lbroutes.js';
import { startPublisher } from './publish.js';
import { ensureSystemWorkloads, INGRESS_NAMESPACE } from './system.js';

export const CLUSTER_CIDR = '10.244.0.0/16';
export const CLUSTER_DNS = '10.96.0.10';
export const APISERVER_UNDERLAY_IP = '172.18.0.1';

function nodeNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `node-${i + 1}`);
}

function zoneOf(i: number, zones: number): string | undefined {
  return zones > 1 ? `zone-${String.fromCharCode(97 + (i % zones))}` : undefined;
}

/** Registers the Node objects and waits for node IPAM to give each a podCIDR. */
async function registerNodes(cp: ControlPlane, names: string[], zones: number, progress: Progress): Promise<Map<string, string>> {
  const nodes = cp.source.informer(R.nodes);
  for (const [i, name] of names.entries()) {
    const zone = zoneOf(i, zones);
    const node: Node = {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}),
          ...(i === 0 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
        },
      },
    };
    try {
      await cp.client.create(R.nodes, node as Node & { metadata: { name: string } });
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
    }
  }
  progress(`Registered ${names.length} node(s); waiting for their pod CIDRs`);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const cidrs = new Map<string, string>();
    for (const name of names) {
      const cidr = (nodes.get(undefined, name) as Node | undefined)?.spec?.podCIDR;
      if (cidr) cidrs.set(name, cidr);
    }
    if (cidrs.size === names.length) return cidrs;
    if (Date.now() > deadline) throw new Error(`node IPAM gave no podCIDR to ${names.filter((n) => !cidrs.has(n)).join(', ')} within 30 s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDataPlane(
  config: ClusterConfig,
  paths: ClusterPaths,
  progress: Progress,
  stack: Stoppable[],
  cp: ControlPlane,
  setStatus: (s: Partial<DaemonStatus>) => void,
): Promise<Partial<DaemonStatus>> {
  const names = nodeNames(config.nodes);
  const cidrs = await registerNodes(cp, names, config.zones, progress);

  progress(`Building the network: underlay, ${names.length} node namespace(s), ${config.backend} routing, the "internet"`);
  const net = await ensureClusterNetwork({
    cluster: config.name,
    nodes: names.map((name) => ({ name, podCIDR: cidrs.get(name)! })),
    backend: config.backend,
    stateDir: paths.dir,
  });

  // Pods reach the apiserver like in a real cluster: at an address on the node network.
  const apiRelay = await listenInNetnsToUnix(net.underlayNetns, APISERVER_UNDERLAY_IP, 6443, paths.apiSocket);
  stack.push({ name: 'apiserver relay', stop: () => apiRelay.stop() });

  // NetworkPolicy fails closed: an address no enforcer knows yet is dropped. So a pod's containers
  // start only once every node's enforcer has learned its address (the kubelet waits on this hook).
  const netpols: Netpol[] = [];
  const proxies = new Map<string, Proxy>();
  const pods = cp.source.informer(R.pods);
  const podNetworkReady = async (pod: Pod): Promise<void> => {
    const ip = pod.status?.podIP;
    const ns = pod.metadata?.namespace;
    const name = pod.metadata?.name;
    if (!ip || !ns || !name) return;
    await cp.client.patch(R.pods, ns, name, { status: { podIP: ip, podIPs: pod.status?.podIPs ?? [{ ip }] } }, 'merge', { subresource: 'status', fieldManager: 'kubelet' });
    const deadline = Date.now() + 5000;
    while ((pods.get(ns, name) as Pod | undefined)?.status?.podIP !== ip && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await Promise.all(netpols.map((n) => n.syncNow()));
  };

  // Nodes are independent: start their agents side by side.
  await Promise.all(
    net.nodes.map(async (node, i) => {
      const zone = zoneOf(i, config.zones);
      progress(`Starting ${node.name}: kubelet, ${config.proxyMode} proxy, NetworkPolicy enforcer (${node.ip}, pods ${node.podCIDR})`);
      const [kubelet, proxy, netpol] = await Promise.all([
        startKubelet({
          node,
          source: cp.source,
          writer: kubeWriter(cp.client, node.name),
          stateDir: paths.dir,
          clusterDNS: CLUSTER_DNS,
          clusterDomain: 'cluster.local',
          podnetBin: podnetBin(),
          cluster: config.name,
          ...(zone ? { zone } : {}),
          controlPlane: i === 0,
          podNetworkReady,
        }),
        startProxy({
          source: cp.source,
          node: { name: node.name, netns: node.netns, ips: [node.ip], ...(zone ? { zone } : {}) },
          mode: config.proxyMode,
          ...(config.proxyLayout ? { layout: config.proxyLayout } : {}),
          ...(config.scheduler ? { scheduler: config.scheduler } : {}),
          clusterCIDR: CLUSTER_CIDR,
          podCIDR: node.podCIDR,
        }),
        startNetpol({ source: cp.source, node: { name: node.name, netns: node.netns } }),
      ]);
      netpols.push(netpol);
      proxies.set(node.name, proxy);
      cp.router.register(node.name, kubelet.podStreams, () => kubelet.usage());
      cp.metrics.register(`kubelet/${node.name}`, () => kubelet.kubeletMetrics());
      cp.metrics.register(`proxy/${node.name}`, () => proxy.metrics());
      cp.metrics.register(`netpol/${node.name}`, () => netpol.metrics());
      stack.push({ name: `kubelet ${node.name}`, stop: () => kubelet.stop() });
      // Proxy and policy rules stay on stop: established connections survive a daemon restart, and
      // pods selected by a policy stay protected (fail closed) until the next daemon replaces the rules.
      stack.push({ name: `proxy ${node.name}`, stop: () => proxy.stop({ keepRules: true }) });
      stack.push({ name: `netpol ${node.name}`, stop: () => netpol.stop() });
    }),
  );

  const lb = startLoadBalancerRoutes(cp.source, net.underlayNetns, net.nodes);
  stack.push(lb);

  progress('Deploying cluster DNS (kube-system/coredns behind kube-dns 10.96.0.10) and the ingress controller');
  await ensureSystemWorkloads(cp.client, { upstreamDNS: net.internet.dnsIP, inClusterKubeconfig: paths.inClusterKubeconfig, flowSocket: join(paths.dir, 'flows.sock') });

  await waitForSystemWorkloads(cp, progress);

  // Flows from every node's kernel, the L7 sink and the live map, on 127.0.0.1.
  const observeOn = (port: number) =>
    startObserve({
      source: cp.source,
      nodes: net.nodes.map((n) => ({ name: n.name, netns: n.netns })),
      listen: { host: '127.0.0.1', port },
      proxyPlans: () => new Map([...proxies].map(([node, p]) => [node, p.lastPlan()])),
      sinkSocket: join(paths.dir, 'flows.sock'),
    });
  // The map's usual port may belong to another cluster: then any free port (status and `podnet ui` say which).
  const observe = await observeOn(config.uiPort).catch(() => observeOn(0));
  stack.push({ name: 'observe', stop: () => observe.stop() });
  cp.metrics.register('observe', async () => (await fetch(new URL('/metrics', observe.url))).text());

  const publisher = await startPublisher(cp, net.underlayNetns, (published) => setStatus({ published }));
  stack.push(publisher);

  return {
    nodes: net.nodes.map((n) => ({ name: n.name, ip: n.ip, podCIDR: n.podCIDR, netns: n.netns })),
    published: publisher.published(),
    ui: observe.url,
  };
}

/** Waits (bounded) until cluster DNS and the ingress controller have a ready replica, so `up` means usable. */
async function waitForSystemWorkloads(cp: ControlPlane, progress: Progress): Promise<void> {
  const deployments = cp.source.informer(R.deployments);
  const wanted = [
    ['kube-system', 'coredns'],
    [INGRESS_NAMESPACE, 'controller'],
  ] as const;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pending = wanted.filter(([ns, name]) => !((deployments.get(ns, name) as Deployment | undefined)?.status?.readyReplicas ?? 0));
    if (pending.length === 0) return;
    if (Date.now() > deadline) {
      progress(`warning: not ready after 60 s: ${pending.map(([ns, n]) => `${ns}/${n}`).join(', ')} (see kubectl describe)`);
      return;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
