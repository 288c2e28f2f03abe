// discovery.k8s.io/v1 EndpointSlice: the endpoints behind a Service, as the proxy and DNS read them.
import { bool, int, kind, list, PKG, ref, str, strList, strMap, type } from './dsl.js';

const D = PKG.discovery;

kind(
  `${D}.EndpointSlice`,
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice' },
  'A part of the set of network endpoints behind a Service, with their ports and readiness. The EndpointSlice controller writes them for Services with a selector; the full set of a Service is every slice labelled kubernetes.io/service-name=<service> in its namespace.',
  {
    addressType: str(
      'The kind of address all endpoints of this slice carry: IPv4, IPv6 or FQDN (deprecated, with no defined meaning; the proxy ignores such slices). Cannot be changed.',
      { enum: ['FQDN', 'IPv4', 'IPv6'] },
    ),
    endpoints: list(`${D}.Endpoint`, 'The endpoints of this slice, at most 1000, each unique.', { listType: 'atomic' }),
    ports: list(
      `${D}.EndpointPort`,
      'The ports every endpoint of this slice serves, at most 100, with unique names. Slices made for a Service have at least one; an empty list means no port is defined.',
      { listType: 'atomic' },
    ),
  },
  { required: ['addressType', 'endpoints'] },
);

type(
  `${D}.Endpoint`,
  'One backend of a Service, such as a pod.',
  {
    addresses: strList(
      'The addresses of the endpoint, in canonical form for IPv4/IPv6 slices: at least one and at most 100. The controller writes exactly one, and consumers only use the first.',
      { listType: 'set' },
    ),
    conditions: ref(`${D}.EndpointConditions`, 'Whether the endpoint is ready, serving and terminating.'),
    deprecatedTopology: strMap('Topology labels of the v1beta1 API. Ignored when written through v1; use nodeName and zone instead.'),
    hints: ref(`${D}.EndpointHints`, 'Advice to consumers on which clients should use this endpoint, for topology-aware routing.'),
    hostname: str(
      'A DNS label naming this endpoint, for example for the per-pod DNS records of a headless Service. Endpoints sharing a hostname are interchangeable.',
    ),
    nodeName: str('The node the endpoint runs on, which lets consumers tell local endpoints apart.'),
    targetRef: ref(`${PKG.core}.ObjectReference`, 'The object this endpoint stands for, usually a Pod.'),
    zone: str('The zone the endpoint is in.'),
  },
  { required: ['addresses'] },
);

type(`${D}.EndpointConditions`, 'The readiness of an endpoint, as the system managing it sees it.', {
  ready: bool(
    'Whether the endpoint should receive traffic; unset means true. Usually serving and not terminating, but Services with publishNotReadyAddresses mark every endpoint ready.',
  ),
  serving: bool(
    "Whether the endpoint can handle traffic regardless of termination; for pods it follows the Ready condition. Unset means true. Lets proxies fall back to terminating endpoints when none is ready.",
  ),
  terminating: bool('Whether the endpoint is shutting down, for pods when they have a deletion timestamp. Unset means false.'),
});

type(`${D}.EndpointHints`, 'Which clients should consume an endpoint under topology-aware routing.', {
  forNodes: list(`${D}.ForNode`, 'The nodes whose clients should use this endpoint, at most 8.', { listType: 'atomic' }),
  forZones: list(`${D}.ForZone`, 'The zones whose clients should use this endpoint, at most 8.', { listType: 'atomic' }),
});

type(`${D}.ForZone`, 'A zone that should consume an endpoint.', { name: str('The name of the zone.') }, { required: ['name'] });

type(`${D}.ForNode`, 'A node that should consume an endpoint.', { name: str('The name of the node.') }, { required: ['name'] });

type(`${D}.EndpointPort`, 'A port the endpoints of a slice serve.', {
  appProtocol: str(
    'The application protocol, a hint to implementations: an IANA service name (such as http), kubernetes.io/h2c, kubernetes.io/ws or kubernetes.io/wss, or a domain-prefixed custom name.',
  ),
  name: str(
    'The port name, empty or a DNS label, unique within the slice. For a Service\'s slices it is the name of the Service port. Defaults to the empty string.',
  ),
  port: int("The port number on the endpoints; for a Service's slices, the resolved targetPort. May be unset for slices used for other purposes."),
  protocol: str('TCP (default), UDP or SCTP.', { enum: ['SCTP', 'TCP', 'UDP'] }),
});
