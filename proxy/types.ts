// The proxy's own small view of Services: one entry per Service port, already resolved against
// EndpointSlices and categorised for this node. Plain JSON data, so it can be sent to the
// userspace proxy process and compared between syncs.

export type Protocol = 'tcp' | 'udp' | 'sctp';
export type Algorithm = 'random' | 'rr' | 'wrr' | 'sh' | 'dh' | 'lc' | 'wlc';
export const ALGORITHMS: readonly Algorithm[] = ['random', 'rr', 'wrr', 'sh', 'dh', 'lc', 'wlc'];
export type ProxyMode = 'nftables' | 'iptables' | 'userspace';

export interface EndpointView {
  readonly ip: string;
  /** Target port resolved from the EndpointSlice (named targetPorts differ per pod). */
  readonly port: number;
  readonly ready: boolean;
  readonly serving: boolean;
  readonly terminating: boolean;
  readonly nodeName?: string;
  readonly zone?: string;
  /** Zones from `hints.forZones`. */
  readonly hintZones?: readonly string[];
  /** Relative weight for wrr/wlc (default 1). */
  readonly weight: number;
  /** Endpoint chain base `ns/svc/proto/port__ip/port`. */
  readonly base: string;
}

export interface ServicePortView {
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  readonly protocol: Protocol;
  /** `ns/svc/proto/portName`, the key of this view. */
  readonly base: string;
  readonly clusterIP?: string;
  readonly port: number;
  readonly nodePort?: number;
  readonly externalIPs: readonly string[];
  readonly loadBalancerIPs: readonly string[];
  readonly loadBalancerSourceRanges: readonly string[];
  readonly externalPolicyLocal: boolean;
  readonly internalPolicyLocal: boolean;
  readonly healthCheckNodePort?: number;
  /** ClientIP session affinity timeout in seconds, when affinity is on. */
  readonly affinitySeconds?: number;
  readonly algorithm: Algorithm;
  /** Every endpoint the slices list for this port, before categorisation. */
  readonly allEndpoints: readonly EndpointView[];
  /** Endpoints for traffic from inside the cluster (ClusterIP). */
  readonly clusterEndpoints: readonly EndpointView[];
  /** Endpoints for traffic from outside (NodePort, LB, externalIPs); only local ones with `Local`. */
  readonly externalEndpoints: readonly EndpointView[];
  /** Ready local endpoints (what the health check reports). */
  readonly localEndpoints: number;
  /** True when the Service has any usable endpoint anywhere (drop vs reject). */
  readonly hasAnyEndpoints: boolean;
  /** Userspace mode: the node-local port the userspace proxy listens on for this Service port. */
  readonly proxyPort?: number;
  /** The Service asks for per-endpoint chains (annotation `podnet.dev/proxy-layout: kube`). */
  readonly kubeLayout?: true;
  /** Things the plan could not honour, e.g. an algorithm the mode lacks. */
  readonly warnings: readonly string[];
}

export interface HealthCheckView {
  readonly namespace: string;
  readonly name: string;
  readonly port: number;
  readonly localEndpoints: number;
}

export interface NodeView {
  readonly name: string;
  readonly ips: readonly string[];
  readonly zone?: string;
}

export interface ProxyConfig {
  readonly clusterCIDR: string;
  readonly podCIDR?: string;
  /** Default algorithm when a Service has no annotation. */
  readonly scheduler?: Algorithm;
  readonly mode?: ProxyMode;
  /** First port of the userspace proxy's listening range. */
  readonly userspacePortBase?: number;
  /**
   * How nftables picks an endpoint: `cascade` (default; one rule per endpoint, as iptables'
   * statistic chain) or `vmap` (kube-proxy's anonymous `numgen … vmap`). See README for why.
   */
  readonly selection?: 'cascade' | 'vmap';
  /**
   * nftables mode: `global` (default) programs plain Service ports (random, no affinity, no
   * source ranges) as elements of a few global maps; `kube` gives every Service port and
   * endpoint its own chains, as kube-proxy does. See README.
   */
  readonly layout?: 'global' | 'kube';
}

export interface ProxyPlan {
  readonly node: NodeView;
  readonly config: Required<Pick<ProxyConfig, 'clusterCIDR' | 'scheduler' | 'mode' | 'selection' | 'layout'>> & { readonly podCIDR?: string };
  /** Sorted by base. */
  readonly services: readonly ServicePortView[];
  readonly healthChecks: readonly HealthCheckView[];
}
