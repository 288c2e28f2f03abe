// Controller configuration with upstream's defaults.
export interface ControllerConfig {
  /** Pod network the node IPAM controller carves node podCIDRs from. */
  clusterCIDR: string;
  nodeCIDRMaskSize: number;
  /** Second family for dual-stack podCIDRs. */
  clusterCIDRv6?: string;
  nodeCIDRMaskSizeV6: number;
  /** Upstream --max-endpoints-per-slice. */
  maxEndpointsPerSlice: number;
  /** Pod changes are collected for this long before a Service's slices are rewritten (upstream --endpoint-updates-batch-period). */
  endpointUpdatesBatchPeriodMs: number;
  /** LoadBalancer address pools, each "first-last" or a CIDR. */
  lbPools: string[];
  /** The loadBalancerClass podnet answers for (Services without a class are podnet's too). */
  lbClass: string;
  /** Parallel reconciles per controller. */
  workers: number;
  /** Which controllers run (all by default). */
  enabled?: readonly ControllerName[];
}

export type ControllerName =
  | 'deployment'
  | 'replicaset'
  | 'statefulset'
  | 'daemonset'
  | 'garbagecollector'
  | 'namespace'
  | 'scheduler'
  | 'nodeipam'
  | 'endpointslice'
  | 'endpoints'
  | 'endpointslicemirroring'
  | 'loadbalancer';

export const DEFAULT_CONFIG: ControllerConfig = {
  clusterCIDR: '10.244.0.0/16',
  nodeCIDRMaskSize: 24,
  nodeCIDRMaskSizeV6: 64,
  maxEndpointsPerSlice: 100,
  endpointUpdatesBatchPeriodMs: 200,
  lbPools: ['172.18.255.200-172.18.255.250'],
  lbClass: 'podnet.dev/lb',
  workers: 4,
};
