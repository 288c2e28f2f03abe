// Building the cluster network for `podnet up --nodes N --backend bridge|host-gw|vxlan`: the
// underlay namespace with its bridge, one namespace per node wired to it, cross-node routing for
// the backend, the fake internet, and each node's CNI configuration. Idempotent: a second call
// adopts what exists. teardownCluster removes all of it.
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { ensureNetns, setSysctl, listNetns, deleteNetns, netnsPids } from '../host/netns.js';
import { ensureBridge, ensureVeth, setMaster, ensureAddr, ensureRoute, ensureVxlan, ensureFdb, ensureNeigh, ensureMultipathRoute } from '../host/link.js';
import { realNft, type Nft } from '../host/nft.js';
import { podnetConfList, referenceConfList } from '../cni/conflist.js';
import { ensureInternet, stopInternet, type InternetInfo } from './internet.js';
import { INTERNET } from './internet_zone.js';
import { planCluster, egressRules, netnsPrefix, UNDERLAY_BRIDGE, NODE_UPLINK, VXLAN_DEVICE, VXLAN_VNI, VXLAN_PORT, type ClusterNetworkSpec, type ClusterPlan, type NodePlan } from './topology_plan.js';

export type { ClusterNetworkSpec, Backend } from './topology_plan.js';
export type { InternetInfo } from './internet.js';

export interface NodeNetwork {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
  readonly podCIDR: string;
  readonly cniConfDir: string;
  readonly bridge: 'cni0';
  /** IPAM allocations of the node's pods. */
  readonly ipamDir: string;
  /** Where the CNI runtime caches ADD results. */
  readonly cniCacheDir: string;
  /** The node's resolv.conf (points at the fake internet's DNS server): dnsPolicy Default uses it. */
  readonly resolvConf: string;
  /** MTU of pod interfaces (1450 with vxlan). */
  readonly mtu: number;
}

export interface ClusterNetwork {
  readonly underlayNetns: string;
  /** 172.18.0.1 by default: where the apiserver relay listens for pods. */
  readonly underlayGateway: string;
  readonly nodes: NodeNetwork[];
  readonly internet: InternetInfo;
}

export function nodeDir(stateDir: string, node: string): string {
  return join(stateDir, 'nodes', node);
}

function nodeNetwork(stateDir: string, n: NodePlan): NodeNetwork {
  const dir = nodeDir(stateDir, n.name);
  return {
    name: n.name,
    netns: n.netns,
    ip: n.ip,
    podCIDR: n.podCIDR,
    cniConfDir: join(dir, 'cni', 'net.d'),
    bridge: 'cni0',
    ipamDir: join(dir, 'cni', 'ipam'),
    cniCacheDir: join(dir, 'cni', 'cache'),
    resolvConf: join(dir, 'resolv.conf'),
    mtu: n.mtu,
  };
}

async function writeAtomic(path: string, text: string): Promise<void> {
  await fs.writeFile(`${path}.tmp`, text);
  await fs.rename(`${path}.tmp`, path);
}

async function ensureNode(plan: ClusterPlan, n: NodePlan, net: NodeNetwork, spec: ClusterNetworkSpec, nft: Nft): Promise<void> {
  await ensureNetns(n.netns);
  await setSysctl(n.netns, 'net.ipv4.ip_forward', '1');
  // Replies to VXLAN/onlink routes arrive on other interfaces than the route back would use.
  await setSysctl(n.netns, 'net.ipv4.conf.all.rp_filter', '0');
  await setSysctl(n.netns, 'net.ipv4.conf.default.rp_filter', '0');
  // Bridged pod-to-pod frames on cni0 must pass the node's nftables hooks, or a reply from a
  // same-node Service backend skips conntrack's un-DNAT (kube-proxy relies on br_netfilter).
  await setSysctl(n.netns, 'net.bridge.bridge-nf-call-iptables', '1');
  await ensureVeth(n.underlayVeth, plan.underlayNetns, NODE_UPLINK, n.netns);
  await setMaster(plan.underlayNetns, n.underlayVeth, UNDERLAY_BRIDGE);
  await ensureAddr(n.netns, NODE_UPLINK, `${n.ip}/${n.prefix}`);
  await ensureRoute(n.netns, 'default', { via: plan.underlayGateway });
  await ensureBridge(n.netns, 'cni0', { mtu: n.mtu, addr: `${n.gatewayIP}/${n.podCIDR.split('/')[1]}` });
  if (n.vxlan) {
    await ensureVxlan(n.netns, VXLAN_DEVICE, { vni: VXLAN_VNI, local: n.ip, dev: NODE_UPLINK, port: VXLAN_PORT, mac: n.vxlan.mac, mtu: n.mtu });
    await ensureAddr(n.netns, VXLAN_DEVICE, `${n.vxlan.overlayIP}/32`);
    for (const p of n.vxlan.peers) {
      await ensureNeigh(n.netns, VXLAN_DEVICE, p.overlayIP, p.mac);
      await ensureFdb(n.netns, VXLAN_DEVICE, p.mac, p.underlayIP);
    }
  }
  for (const r of n.routes) await ensureRoute(n.netns, r.dst, { via: r.via, dev: r.dev, onlink: r.onlink });
  await nft.apply(n.netns, egressRules(n.podCIDR));
  await fs.mkdir(net.cniConfDir, { recursive: true });
  await fs.mkdir(net.ipamDir, { recursive: true });
  const conf = (spec.cni ?? 'podnet') === 'podnet' ? podnetConfList({ podCIDR: n.podCIDR, dataDir: net.ipamDir, mtu: n.mtu }) : referenceConfList({ podCIDR: n.podCIDR, dataDir: net.ipamDir, mtu: n.mtu });
  await writeAtomic(join(net.cniConfDir, '10-podnet.conflist'), JSON.stringify(conf, null, 2) + '\n');
  const resolv = `nameserver ${INTERNET.dnsIP}\n`;
  await writeAtomic(net.resolvConf, resolv);
  // `ip netns exec <node>` bind-mounts this over /etc/resolv.conf for hostNetwork processes.
  await fs.mkdir(join('/etc/netns', n.netns), { recursive: true });
  await writeAtomic(join('/etc/netns', n.netns, 'resolv.conf'), resolv);
}

export async function ensureClusterNetwork(spec: ClusterNetworkSpec, opts: { nft?: Nft } = {}): Promise<ClusterNetwork> {
  const plan = planCluster(spec);
  const nft = opts.nft ?? realNft;
  await ensureNetns(plan.underlayNetns);
  await setSysctl(plan.underlayNetns, 'net.ipv4.ip_forward', '1');
  await ensureBridge(plan.underlayNetns, UNDERLAY_BRIDGE, { addr: `${plan.underlayGateway}/${plan.underlayPrefix}` });
  const internet = await ensureInternet(plan, spec.stateDir);
  const nodes = plan.nodes.map((n) => nodeNetwork(spec.stateDir, n));
  await Promise.all(plan.nodes.map((n, i) => ensureNode(plan, n, nodes[i]!, spec, nft)));
  for (const r of plan.underlayRoutes) await ensureRoute(plan.underlayNetns, r.dst, { via: r.via });
  for (const r of plan.loadBalancerRoutes) await ensureMultipathRoute(plan.underlayNetns, r.dst, r.vias);
  await fs.mkdir(join(spec.stateDir, 'network'), { recursive: true });
  await writeAtomic(join(spec.stateDir, 'network', 'cluster.json'), JSON.stringify({ spec, nodes }, null, 2) + '\n');
  return { underlayNetns: plan.underlayNetns, underlayGateway: plan.underlayGateway, nodes, internet };
}

/**
 * Namespaces of this cluster: `pn-<cluster>-*`, minus those of another cluster whose name extends
 * this one (cluster "a" must not take "a-b"'s `pn-a-b-net`, `pn-a-b-node1` …).
 */
export async function clusterNetns(cluster: string): Promise<string[]> {
  const prefix = netnsPrefix(cluster);
  const all = await listNetns('pn-');
  const otherPrefixes = all.filter((n) => n.startsWith(prefix) && n.endsWith('-net') && n !== `${prefix}net`).map((n) => n.slice(0, -'net'.length));
  return all.filter((n) => n.startsWith(prefix) && !otherPrefixes.some((p) => n.startsWith(p)));
}

/** Removes every namespace (with the processes inside), link and file the cluster's network made. */
export async function teardownCluster(cluster: string, stateDir: string): Promise<void> {
  await stopInternet(stateDir);
  const errors: string[] = [];
  for (const ns of await clusterNetns(cluster)) {
    try {
      // Everything running inside is the cluster's (pods, relays, servers): stop it by pid so
      // nothing keeps the namespace's sockets alive.
      for (const pid of await netnsPids(ns)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      await deleteNetns(ns);
      await fs.rm(join('/etc/netns', ns), { recursive: true, force: true });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  await fs.rm(join(stateDir, 'network'), { recursive: true, force: true });
  const nodesDir = join(stateDir, 'nodes');
  for (const node of await fs.readdir(nodesDir).catch(() => [] as string[])) {
    await fs.rm(join(nodesDir, node, 'cni'), { recursive: true, force: true });
    await fs.rm(join(nodesDir, node, 'resolv.conf'), { force: true });
    await fs.rmdir(join(nodesDir, node)).catch(() => undefined);
  }
  await fs.rmdir(nodesDir).catch(() => undefined);
  if (errors.length) throw new Error(`topology: teardown of cluster "${cluster}" was incomplete: ${errors.join('; ')}`);
}
