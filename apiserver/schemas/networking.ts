// networking.k8s.io/v1: Ingress, IngressClass and NetworkPolicy (plus core/v1 TypedLocalObjectReference,
// which only Ingress backends use).
import { int, intOrString, kind, list, PKG, ref, str, strList, type } from './dsl.js';

const N = PKG.networking;
const C = PKG.core;
const M = PKG.meta;
const GROUP = 'networking.k8s.io';

// ---- Ingress ----

kind(`${N}.Ingress`, { group: GROUP, version: 'v1', kind: 'Ingress' }, 'HTTP(S) routing from outside the cluster to Services: host and path rules, TLS termination and a default backend, carried out by the ingress controller its class names.', {
  spec: ref(`${N}.IngressSpec`, 'The routing wanted: class, rules, TLS and default backend.'),
  status: ref(`${N}.IngressStatus`, 'The addresses the ingress controller serves this Ingress on. Written by the controller.'),
});

type(`${N}.IngressSpec`, 'What an Ingress routes and how.', {
  defaultBackend: ref(
    `${N}.IngressBackend`,
    'Where requests go that no rule matches. Required when there are no rules; when unset, unmatched requests are handled as the controller sees fit (typically a 404).',
  ),
  ingressClassName: str(
    'The IngressClass whose controller should serve this Ingress. When unset, the class annotated as the cluster default (ingressclass.kubernetes.io/is-default-class) applies, if there is one. Replaces the deprecated kubernetes.io/ingress.class annotation.',
  ),
  rules: list(`${N}.IngressRule`, 'Host and path rules, tried against each request. A request no rule matches goes to the default backend.', { listType: 'atomic' }),
  tls: list(
    `${N}.IngressTLS`,
    'TLS termination on port 443: which certificate Secret serves which hosts. Several entries share the port and are told apart by the SNI host name.',
    { listType: 'atomic' },
  ),
});

type(`${N}.IngressTLS`, 'One certificate of an Ingress and the hosts it covers.', {
  hosts: strList('Host names this certificate is presented for; they must match names in the certificate. Defaults to the wildcard host of the controller when empty.', { listType: 'atomic' }),
  secretName: str(
    'A kubernetes.io/tls Secret in the Ingress namespace holding the certificate and key. May be left out for controllers that route by SNI alone; if the SNI name and the Host header differ, SNI picks the certificate and Host picks the rule.',
  ),
});

type(
  `${N}.IngressRule`,
  'Routing for one host (or for every host, when host is empty): the request is first matched on host, then on path.',
  {
    host: str(
      'A DNS name (no IP, no port) the Host header must equal. A leading "*." label matches exactly one extra label ("*.foo.com" matches "bar.foo.com", not "foo.com" nor "a.bar.foo.com"). Empty matches every host.',
    ),
    http: ref(`${N}.HTTPIngressRuleValue`, 'The HTTP paths of this host and their backends.'),
  },
);

type(
  `${N}.HTTPIngressRuleValue`,
  'The path rules of one host: each maps a URL path (the part before "?" or "#") to a backend.',
  {
    paths: list(`${N}.HTTPIngressPath`, 'The path rules. When several match, Exact beats Prefix and the longest Prefix wins.', { listType: 'atomic' }),
  },
  { required: ['paths'] },
);

type(
  `${N}.HTTPIngressPath`,
  'One path and the backend requests matching it are forwarded to.',
  {
    backend: ref(`${N}.IngressBackend`, 'Where matching requests are sent.'),
    path: str('The path to match; must start with "/" and is required for the Exact and Prefix types.'),
    pathType: str(
      'How path is compared. Exact: the whole URL path, case-sensitively. Prefix: whole "/"-separated elements, so "/foo" matches "/foo" and "/foo/bar" but not "/foobar" (a trailing "/" is ignored). ImplementationSpecific: up to the IngressClass. Required.',
      { enum: ['Exact', 'ImplementationSpecific', 'Prefix'] },
    ),
  },
  { required: ['pathType', 'backend'] },
);

type(`${N}.IngressBackend`, 'A destination of Ingress traffic: a Service port, or some other resource. Exactly one of the two is set.', {
  resource: ref(`${C}.TypedLocalObjectReference`, 'Another kind of object in the Ingress namespace that the controller knows how to serve (for example a storage bucket). Cannot be combined with service.'),
  service: ref(`${N}.IngressServiceBackend`, 'A Service in the Ingress namespace and one of its ports. Cannot be combined with resource.'),
});

type(
  `${N}.IngressServiceBackend`,
  'A Service used as an Ingress backend.',
  {
    name: str('The Service name; it must be in the same namespace as the Ingress.'),
    port: ref(`${N}.ServiceBackendPort`, 'The Service port, by name or by number.'),
  },
  { required: ['name'] },
);

type(`${N}.ServiceBackendPort`, 'A port of a Service, given by exactly one of name and number.', {
  name: str('The name of the Service port. Cannot be combined with number.'),
  number: int('The Service port number (the port, not the targetPort). Cannot be combined with name.'),
});

type(`${N}.IngressStatus`, 'The observed state of an Ingress.', {
  loadBalancer: ref(`${N}.IngressLoadBalancerStatus`, 'The addresses the controller accepts traffic for this Ingress on.'),
});

type(`${N}.IngressLoadBalancerStatus`, 'The entry points of the load balancer serving an Ingress.', {
  ingress: list(`${N}.IngressLoadBalancerIngress`, 'The addresses of the entry points.', { listType: 'atomic' }),
});

type(`${N}.IngressLoadBalancerIngress`, 'One entry point of an Ingress load balancer.', {
  hostname: str('A DNS name, for entry points known by name.'),
  ip: str('An IP address, for entry points known by address.'),
  ports: list(`${N}.IngressPortStatus`, 'The state of each port of this entry point.', { listType: 'atomic' }),
});

type(
  `${N}.IngressPortStatus`,
  'The state of one port of an Ingress entry point.',
  {
    error: str('Why the port is not working, as a CamelCase reason (or foo.example.com/CamelCase for provider-specific ones); empty when it works.'),
    port: int('The port number.'),
    protocol: str('TCP, UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
  },
  { required: ['port', 'protocol'] },
);

type(
  `${C}.TypedLocalObjectReference`,
  'Points to an object of any kind in the same namespace as the referrer.',
  {
    apiGroup: str('The API group of the object; leave it empty for a kind of the core group, and set it for any other group.'),
    kind: str('The kind of the object.'),
    name: str('The name of the object.'),
  },
  { required: ['kind', 'name'] },
);

// ---- IngressClass ----

kind(
  `${N}.IngressClass`,
  { group: GROUP, version: 'v1', kind: 'IngressClass' },
  'A kind of Ingress and the controller that implements it; Ingresses choose one by spec.ingressClassName. The one annotated ingressclass.kubernetes.io/is-default-class: "true" serves Ingresses that name none. Cluster-scoped.',
  {
    spec: ref(`${N}.IngressClassSpec`, 'The controller and its optional parameters.'),
  },
);

type(`${N}.IngressClassSpec`, 'Which controller serves an IngressClass, with what configuration.', {
  controller: str(
    'The controller that serves Ingresses of this class, as a domain-prefixed path of at most 250 characters (for example "example.com/ingress-controller"). One controller may serve several classes. Cannot be changed.',
  ),
  parameters: ref(`${N}.IngressClassParametersReference`, 'An object holding extra configuration for the controller, if it needs any.'),
});

type(
  `${N}.IngressClassParametersReference`,
  'Points to the object configuring an IngressClass, cluster-scoped or in a namespace.',
  {
    apiGroup: str('The API group of the object. Empty means the core group; other groups must be given.'),
    kind: str('The kind of the object.'),
    name: str('The name of the object.'),
    namespace: str('The namespace of the object: required when scope is Namespace, and must be empty when scope is Cluster.'),
    scope: str('Whether the object is cluster-scoped ("Cluster", the default) or lives in a namespace ("Namespace").'),
  },
  { required: ['kind', 'name'] },
);

// ---- NetworkPolicy ----

kind(
  `${N}.NetworkPolicy`,
  { group: GROUP, version: 'v1', kind: 'NetworkPolicy' },
  'Restricts the traffic to and from the pods it selects. A pod that no policy selects for a direction accepts everything in that direction; once any policy selects it, only what some selecting policy allows gets through, the allowed sets of all those policies being added together.',
  {
    spec: ref(`${N}.NetworkPolicySpec`, 'Which pods the policy applies to, and what traffic it allows them.'),
  },
);

type(`${N}.NetworkPolicySpec`, 'The pods a NetworkPolicy isolates and the traffic it lets through.', {
  egress: list(
    `${N}.NetworkPolicyEgressRule`,
    'Rules for outgoing traffic, used when policyTypes includes Egress: a connection is allowed if it matches at least one rule of any policy selecting the pod for Egress. An empty or missing list then allows nothing out (the pods are merely isolated for egress), whereas a single empty rule ({}) allows everything.',
    { listType: 'atomic' },
  ),
  ingress: list(
    `${N}.NetworkPolicyIngressRule`,
    'Rules for incoming traffic, used when policyTypes includes Ingress: a connection is allowed if it matches at least one rule of any policy selecting the pod for Ingress (traffic from the pod\'s own node is always allowed). An empty or missing list then allows nothing in (the pods are merely isolated for ingress), whereas a single empty rule ({}) allows everything.',
    { listType: 'atomic' },
  ),
  podSelector: ref(
    `${M}.LabelSelector`,
    'The pods in this namespace the policy applies to. An empty selector ({}), which is also the default, selects every pod in the namespace.',
  ),
  policyTypes: list(
    { type: 'string', enum: ['Egress', 'Ingress'] },
    'The directions the policy isolates: Ingress, Egress or both. When unset, Ingress always applies and Egress applies only if the egress list has rules, so a deny-all-egress policy (no egress rules) must list Egress explicitly.',
    { listType: 'atomic' },
  ),
});

type(
  `${N}.NetworkPolicyIngressRule`,
  'Incoming traffic a policy allows to its pods. A connection must match both ports and from.',
  {
    from: list(
      `${N}.NetworkPolicyPeer`,
      'The sources allowed, of which any one may match. An empty or missing list means any source, inside or outside the cluster.',
      { listType: 'atomic' },
    ),
    ports: list(
      `${N}.NetworkPolicyPort`,
      'The destination ports on the selected pods that may be reached, of which any one may match. An empty or missing list means every port.',
      { listType: 'atomic' },
    ),
  },
);

type(
  `${N}.NetworkPolicyEgressRule`,
  'Outgoing traffic a policy allows from its pods. A connection must match both ports and to.',
  {
    ports: list(
      `${N}.NetworkPolicyPort`,
      'The destination ports that may be reached, of which any one may match. An empty or missing list means every port. Remember to allow DNS (port 53, UDP and TCP) when egress is restricted.',
      { listType: 'atomic' },
    ),
    to: list(
      `${N}.NetworkPolicyPeer`,
      'The destinations allowed, of which any one may match. An empty or missing list means any destination, inside or outside the cluster.',
      { listType: 'atomic' },
    ),
  },
);

type(`${N}.NetworkPolicyPort`, 'A destination port (or port range) and protocol.', {
  endPort: int(
    'With a numeric port, makes this entry the inclusive range port..endPort. Must be at least port; not allowed when port is unset or a name.',
  ),
  port: intOrString(
    'A port number, or the name of a container port on the destination pods (resolved per pod). When unset, every port of the protocol matches.',
  ),
  protocol: str('The protocol that must match: TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
});

type(
  `${N}.NetworkPolicyPeer`,
  'One set of peers traffic may come from or go to. Set ipBlock alone, or podSelector and/or namespaceSelector; within one peer the two selectors are ANDed.',
  {
    ipBlock: ref(`${N}.IPBlock`, 'A range of IP addresses, usually outside the cluster. Cannot be combined with the selectors.'),
    namespaceSelector: ref(
      `${M}.LabelSelector`,
      'Namespaces, by their labels ({} selects all). Alone, it means every pod in those namespaces; together with podSelector in the same peer, only the pods matching podSelector inside those namespaces.',
    ),
    podSelector: ref(
      `${M}.LabelSelector`,
      'Pods, by their labels ({} selects all). Alone, it means pods in the policy\'s own namespace; together with namespaceSelector in the same peer, pods matching both (to OR them, write two peers instead).',
    ),
  },
);

type(
  `${N}.IPBlock`,
  'A CIDR range of peer addresses, with holes cut out of it. Pod addresses are better matched with selectors, as they change and may be rewritten by NAT.',
  {
    cidr: str('The range, such as "10.0.0.0/8" or "2001:db8::/64".'),
    except: strList('Sub-ranges of cidr that do not match; each must lie inside cidr.', { listType: 'atomic' }),
  },
  { required: ['cidr'] },
);
