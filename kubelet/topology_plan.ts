// The cluster network as data: namespace names, addresses, links and routes per node, computed
// from the spec without touching the host. `ensureClusterNetwork` writes this plan.
import { parseCIDR, parseIP, nthIP, formatIP, cidrSize, cidrContains, type CIDR } from '../api/ip.js';
import { linkName, macFor } from '../host/link.js';
import { INTERNET } from './internet_zone.js';

export type Backend = 'bridge' | 'host-gw' | 'vxlan';

export interface ClusterNetworkSpec {
  readonly cluster: string;
  readonly nodes: readonly { readonly name: string; readonly podCIDR: string }[];
  readonly backend: Backend;
  /** The nodes' network, default 172.18.0.0/16; its first address is the underlay gateway. */
  readonly underlayCIDR?: string;
  /** Cluster state directory; topology files go under nodes/<node>/ and network/. */
  readonly stateDir: string;
  /**
   * Where LoadBalancer IPs live; the underlay routes them to the nodes (ECMP), like a BGP-speaking
   * load balancer would. Default 172.18.255.192/26 (holds the default pool .200–.250).
   */
  readonly loadBalancerCIDRs?: readonly string[];
  /** Which CNI plugins the nodes' conflists name: podnet-cni (default) or the reference plugins. */
  readonly cni?: 'podnet' | 'reference';
}

export const UNDERLAY_BRIDGE = 'br0';
export const NODE_UPLINK = 'eth0';
export const VXLAN_DEVICE = 'vxlan.1';
export const VXLAN_VNI = 1;
export const VXLAN_PORT = 8472;
/** 1500 minus VXLAN's 50 bytes of outer headers. */
export const VXLAN_MTU = 1450;
export const INTERNET_LINK = 'inet0';

export interface PlannedRoute {
  readonly dst: string;
  readonly via: string;
  readonly dev?: string;
  readonly onlink?: boolean;
}

export interface VxlanPeer {
  readonly mac: string;
  readonly underlayIP: string;
  /** The peer's overlay address (network address of its podCIDR, flannel style). */
  readonly overlayIP: string;
}

export interface NodePlan {
  readonly name: string;
  readonly netns: string;
  readonly ip: string;
  readonly prefix: number;
  readonly podCIDR: string;
  readonly gatewayIP: string;
  /** Host-side veth in the underlay namespace. */
  readonly underlayVeth: string;
  readonly mtu: number;
  readonly routes: readonly PlannedRoute[];
  readonly vxlan?: { readonly mac: string; readonly overlayIP: string; readonly peers: readonly VxlanPeer[] };
}

export interface ClusterPlan {
  readonly cluster: string;
  readonly backend: Backend;
  readonly underlayNetns: string;
  readonly internetNetns: string;
  readonly underlayGateway: string;
  readonly underlayPrefix: number;
  readonly underlayRoutes: readonly PlannedRoute[];
  /** LoadBalancer ranges routed by the underlay over every node (ECMP). */
  readonly loadBalancerRoutes: readonly { readonly dst: string; readonly vias: readonly string[] }[];
  readonly nodes: readonly NodePlan[];
}

export const netnsPrefix = (cluster: string) => `pn-${cluster}-`;
export const underlayNetnsName = (cluster: string) => `${netnsPrefix(cluster)}net`;
export const internetNetnsName = (cluster: string) => `${netnsPrefix(cluster)}inet`;
export const nodeNetnsName = (cluster: string, node: string) => `${netnsPrefix(cluster)}${node}`;

const RESERVED_NODE_NAMES = new Set(['net', 'inet']);

export function planCluster(spec: ClusterNetworkSpec): ClusterPlan {
  if (spec.nodes.length === 0) throw new RangeError('topology: a cluster needs at least one node');
  if (spec.backend === 'bridge' && spec.nodes.length > 1) throw new RangeError(`topology: backend "bridge" works on one node, the spec has ${spec.nodes.length}`);
  const underlay: CIDR = parseCIDR(spec.underlayCIDR ?? '172.18.0.0/16', { strict: true });
  if (BigInt(spec.nodes.length + 2) >= cidrSize(underlay)) throw new RangeError(`topology: underlay "${spec.underlayCIDR}" is too small for ${spec.nodes.length} nodes`);
  const gateway = formatIP(nthIP(underlay, 1));
  const base = spec.nodes.map((n, i) => {
    if (RESERVED_NODE_NAMES.has(n.name) || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(n.name)) throw new RangeError(`topology: invalid node name "${n.name}"`);
    const cidr = parseCIDR(n.podCIDR, { strict: true });
    return {
      name: n.name,
      netns: nodeNetnsName(spec.cluster, n.name),
      ip: formatIP(nthIP(underlay, i + 2)),
      podCIDR: n.podCIDR,
      gatewayIP: formatIP(nthIP(cidr, 1)),
      overlayIP: formatIP(nthIP(cidr, 0)),
      vxlanMac: macFor(`${spec.cluster}/${n.name}/vxlan`),
    };
  });
  if (new Set(base.map((b) => b.name)).size !== base.length) throw new RangeError('topology: node names must be unique');
  const nodes: NodePlan[] = base.map((self) => {
    const others = base.filter((o) => o !== self);
    const routes: PlannedRoute[] = INTERNET.ranges.map((dst) => ({ dst, via: gateway }));
    if (spec.backend === 'host-gw') for (const o of others) routes.push({ dst: o.podCIDR, via: o.ip });
    if (spec.backend === 'vxlan') for (const o of others) routes.push({ dst: o.podCIDR, via: o.overlayIP, dev: VXLAN_DEVICE, onlink: true });
    return {
      name: self.name,
      netns: self.netns,
      ip: self.ip,
      prefix: underlay.prefix,
      podCIDR: self.podCIDR,
      gatewayIP: self.gatewayIP,
      underlayVeth: linkName('pnn', `${spec.cluster}/${self.name}`),
      mtu: spec.backend === 'vxlan' ? VXLAN_MTU : 1500,
      routes,
      vxlan:
        spec.backend === 'vxlan'
          ? { mac: self.vxlanMac, overlayIP: self.overlayIP, peers: others.map((o) => ({ mac: o.vxlanMac, underlayIP: o.ip, overlayIP: o.overlayIP })) }
          : undefined,
    };
  });
  return {
    cluster: spec.cluster,
    backend: spec.backend,
    underlayNetns: underlayNetnsName(spec.cluster),
    internetNetns: internetNetnsName(spec.cluster),
    underlayGateway: gateway,
    underlayPrefix: underlay.prefix,
    // The underlay routes every podCIDR to its node whatever the backend, so that the apiserver
    // relay and LoadBalancer traffic reach pods without NAT.
    underlayRoutes: [
      ...base.map((b) => ({ dst: b.podCIDR, via: b.ip })),
      ...INTERNET.ranges.filter((r) => !r.startsWith('198.51.100.')).map((dst) => ({ dst, via: INTERNET.routerLinkIP })),
    ],
    loadBalancerRoutes: (spec.loadBalancerCIDRs ?? (spec.underlayCIDR ? [] : ['172.18.255.192/26'])).map((dst) => {
      const lb = parseCIDR(dst, { strict: true });
      if (base.some((b) => cidrContains(lb, parseIP(b.ip)))) throw new RangeError(`topology: load balancer range "${dst}" overlaps the node addresses`);
      return { dst, vias: base.map((b) => b.ip) };
    }),
    nodes,
  };
}

/** The node's egress masquerade: pods leaving for the internet ranges get the node's address. */
export function egressRules(podCIDR: string): string {
  return [
    'table ip podnet-egress',
    'delete table ip podnet-egress',
    'table ip podnet-egress {',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    `    ip saddr ${podCIDR} ip daddr { ${INTERNET.ranges.join(', ')} } masquerade`,
    '  }',
    '}',
    '',
  ].join('\n');
}
