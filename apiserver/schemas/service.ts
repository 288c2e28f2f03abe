// core/v1 Service and the load-balancer status types it shares with Ingress.
import { bool, int, intOrString, kind, list, PKG, ref, str, strList, strMap, type } from './dsl.js';

const C = PKG.core;

kind(`${C}.Service`, { group: '', version: 'v1', kind: 'Service' }, 'A named abstraction of a set of pods (or an external name): a stable virtual IP and ports that the proxy on every node load-balances to the ready endpoints, and a DNS name.', {
  spec: ref(`${C}.ServiceSpec`, 'The behaviour of the Service: its selector, ports, type and traffic policies.'),
  status: ref(`${C}.ServiceStatus`, 'The most recently observed state, such as the load balancer addresses. Written by the system.'),
});

type(`${C}.ServiceSpec`, 'What a Service exposes and how traffic to it is routed.', {
  allocateLoadBalancerNodePorts: bool('For type LoadBalancer: whether node ports are allocated (default true). Load balancers that deliver straight to pods can turn it off.'),
  clusterIP: str(
    'The virtual IP, allocated at random from the service range unless given. "None" makes a headless Service (DNS returns the pod IPs, no proxying). Cannot be changed except to or from ExternalName. Empty for ExternalName.',
  ),
  clusterIPs: strList('The virtual IPs, one per IP family; the first equals clusterIP. This cluster is single-stack IPv4, so there is at most one.', { listType: 'atomic' }),
  externalIPs: strList('Extra addresses, owned outside the cluster, on which every node accepts traffic for this Service\'s ports.', { listType: 'atomic' }),
  externalName: str('For type ExternalName: the DNS name a lookup of the Service returns as a CNAME. No proxying is set up.'),
  externalTrafficPolicy: str(
    'How traffic arriving from outside (NodePort, LoadBalancer, external IPs) is spread. Cluster (default) may forward to pods on other nodes and masquerades the client address; Local only uses endpoints on the receiving node and keeps the client address.',
    { enum: ['Cluster', 'Local'] },
  ),
  healthCheckNodePort: int('For type LoadBalancer with externalTrafficPolicy Local: the node port answering HTTP health checks (200 where the node has local endpoints, 503 where not). Allocated unless given.'),
  internalTrafficPolicy: str('How traffic from inside the cluster to the cluster IP is spread: Cluster (default) uses every endpoint; Local only those on the client\'s node, and drops when there are none.', {
    enum: ['Cluster', 'Local'],
  }),
  ipFamilies: strList('The IP families of the cluster IPs, in order. Only IPv4 is configured on this cluster.', { listType: 'atomic' }),
  ipFamilyPolicy: str('SingleStack (default), PreferDualStack or RequireDualStack. This cluster is single-stack, so RequireDualStack is refused.', {
    enum: ['PreferDualStack', 'RequireDualStack', 'SingleStack'],
  }),
  loadBalancerClass: str('Which load-balancer implementation handles this Service; unset means the default one. Cannot be changed once set.'),
  loadBalancerIP: str('Deprecated: a requested load balancer address.'),
  loadBalancerSourceRanges: strList('For type LoadBalancer: the client CIDRs allowed to reach the load balancer address; other sources are dropped.', { listType: 'atomic' }),
  ports: list(`${C}.ServicePort`, 'The ports the Service exposes. Names must be unique and are required when there is more than one port.', {
    listType: 'map',
    mapKeys: ['port', 'protocol'],
  }),
  publishNotReadyAddresses: bool('Publish endpoints of pods that are not ready too (DNS and EndpointSlices mark them ready). Used by headless Services for peer discovery.'),
  selector: strMap('Pods whose labels match are the endpoints. Without a selector, endpoints are managed by hand (EndpointSlices you write). Ignored for ExternalName.'),
  sessionAffinity: str('ClientIP sends every connection from one client address to the same endpoint until the affinity times out; None (default) picks per connection.', {
    enum: ['ClientIP', 'None'],
  }),
  sessionAffinityConfig: ref(`${C}.SessionAffinityConfig`, 'Settings of session affinity.'),
  trafficDistribution: str('A preference for how traffic is spread among endpoints: PreferClose favours endpoints in the client\'s zone (via EndpointSlice hints).'),
  type: str(
    'How the Service is exposed. ClusterIP (default): a virtual IP inside the cluster. NodePort: also a port on every node. LoadBalancer: also an external address. ExternalName: a DNS alias, no proxying.',
    { enum: ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'] },
  ),
});

type(
  `${C}.ServicePort`,
  'One port a Service exposes.',
  {
    appProtocol: str('The application protocol, a hint for implementations (for example http, h2c, kubernetes.io/ws).'),
    name: str('A DNS label naming the port; required and unique when the Service has several ports. Becomes the EndpointSlice port name and the SRV record _name._proto.'),
    nodePort: int('For NodePort and LoadBalancer: the port on every node, allocated from the node-port range (30000-32767) unless given.'),
    port: int('The port the Service listens on.'),
    protocol: str('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'], default: 'TCP' }),
    targetPort: intOrString(
      'The port on the pods: a number, or the name of a container port, which may be a different number in each pod. Defaults to port. Ignored when clusterIP is None.',
    ),
  },
  { required: ['port'] },
);

type(`${C}.SessionAffinityConfig`, 'Settings of session affinity.', {
  clientIP: ref(`${C}.ClientIPConfig`, 'Settings of ClientIP affinity.'),
});

type(`${C}.ClientIPConfig`, 'Settings of ClientIP session affinity.', {
  timeoutSeconds: int('How long a client stays bound to its endpoint after its last connection, 1 to 86400 seconds (default 10800, three hours).'),
});

type(`${C}.ServiceStatus`, 'The observed state of a Service.', {
  conditions: list(`${PKG.meta}.Condition`, 'The current conditions of the Service.', { listType: 'map', mapKeys: ['type'] }),
  loadBalancer: ref(`${C}.LoadBalancerStatus`, 'The load balancer addresses, if any.'),
});

type(`${C}.LoadBalancerStatus`, 'The addresses of a load balancer.', {
  ingress: list(`${C}.LoadBalancerIngress`, 'The addresses traffic for the load balancer is sent to.', { listType: 'atomic' }),
});

type(`${C}.LoadBalancerIngress`, 'One address of a load balancer.', {
  hostname: str('A DNS name, for load balancers known by name.'),
  ip: str('An IP address.'),
  ipMode: str('VIP: the address is also programmed on the nodes, so traffic to it is proxied there. Proxy: the load balancer forwards to the nodes itself.', { enum: ['Proxy', 'VIP'] }),
  ports: list(`${C}.PortStatus`, 'The state of each port of the load balancer.', { listType: 'atomic' }),
});

type(
  `${C}.PortStatus`,
  'The state of one port of a load balancer.',
  {
    error: str('Why the port is not working, as a CamelCase reason; empty when it works.'),
    port: int('The port number.'),
    protocol: str('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
  },
  { required: ['port', 'protocol'] },
);
