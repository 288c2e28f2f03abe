// gateway.networking.k8s.io/v1 (standard channel): GatewayClass, Gateway and HTTPRoute. The fields follow
// the upstream CRDs; experimental-channel fields are left out.
import { bool, int, kind, list, PKG, ref, str, strList, strMap, type } from './dsl.js';

const G = PKG.gateway;
const M = PKG.meta;
const GROUP = 'gateway.networking.k8s.io';

const PORT = 'A port number, 1 to 65535.';

// ---- GatewayClass ----

kind(
  `${G}.GatewayClass`,
  { group: GROUP, version: 'v1', kind: 'GatewayClass' },
  'A kind of Gateway offered by one controller, like a StorageClass for traffic: Gateways name it in spec.gatewayClassName. Cluster-scoped; changes to it need not reach Gateways that already exist.',
  {
    spec: ref(`${G}.GatewayClassSpec`, 'The controller behind the class and its configuration.'),
    status: ref(`${G}.GatewayClassStatus`, 'Whether the controller has accepted the class. Written by the controller.'),
  },
  { required: ['spec'] },
);

type(
  `${G}.GatewayClassSpec`,
  'Which controller implements a GatewayClass, with what parameters.',
  {
    controllerName: str(
      'The controller that manages Gateways of this class, as a domain-prefixed path such as "example.net/gateway-controller". Required; cannot be changed.',
    ),
    description: str('Free text describing the class, at most 64 characters.'),
    parametersRef: ref(
      `${G}.ParametersReference`,
      'An object (a ConfigMap or a custom resource, cluster-scoped or namespaced) holding controller-specific configuration. If it is missing or invalid, the class is not Accepted (reason InvalidParameters).',
    ),
  },
  { required: ['controllerName'] },
);

type(
  `${G}.ParametersReference`,
  'Points to a configuration object anywhere in the cluster.',
  {
    group: str('The API group of the object; empty for the core group.'),
    kind: str('The kind of the object, such as ConfigMap.'),
    name: str('The name of the object.'),
    namespace: str('The namespace of the object: set it for namespaced kinds, leave it empty for cluster-scoped ones.'),
  },
  { required: ['group', 'kind', 'name'] },
);

type(`${G}.GatewayClassStatus`, 'The observed state of a GatewayClass.', {
  conditions: list(
    `${M}.Condition`,
    'The state of the class as the controller sees it, chiefly Accepted. Starts as Accepted=Unknown with reason Pending until the controller picks the class up. At most 8.',
    { listType: 'map', mapKeys: ['type'] },
  ),
  supportedFeatures: list(`${G}.SupportedFeature`, 'The conformance features the implementation supports for this class, sorted by name. At most 64.', {
    listType: 'map',
    mapKeys: ['name'],
  }),
});

type(`${G}.SupportedFeature`, 'One feature an implementation claims.', { name: str('The feature name, as used by the conformance tests (for example HTTPRouteQueryParamMatching).') }, { required: ['name'] });

// ---- Gateway ----

kind(
  `${G}.Gateway`,
  { group: GROUP, version: 'v1', kind: 'Gateway' },
  'An instance of traffic-handling infrastructure (a load balancer or proxy) of some GatewayClass: addresses plus listeners, to which Routes attach.',
  {
    spec: ref(`${G}.GatewaySpec`, 'The class, listeners and addresses wanted.'),
    status: ref(`${G}.GatewayStatus`, 'The addresses assigned and the state of the Gateway and each listener. Written by the controller.'),
  },
  { required: ['spec'] },
);

type(
  `${G}.GatewaySpec`,
  'The desired state of a Gateway. Some invalid combinations are only reported in status, not refused.',
  {
    addresses: list(
      `${G}.GatewaySpecAddress`,
      'Addresses requested for the Gateway, at most 16. When empty the implementation picks some; every listener is served on every address assigned.',
      { listType: 'atomic' },
    ),
    gatewayClassName: str('The name of the GatewayClass this Gateway belongs to, which decides the controller serving it. Required.'),
    infrastructure: ref(`${G}.GatewayInfrastructure`, 'Labels, annotations and parameters for the resources the implementation creates for this Gateway.'),
    listeners: list(
      `${G}.Listener`,
      'Where the Gateway accepts connections: 1 to 64 listeners with unique names. Each must be distinct from the others by port, protocol and (for HTTP, HTTPS and TLS) hostname; listeners that conflict are not accepted.',
      { listType: 'map', mapKeys: ['name'] },
    ),
  },
  { required: ['gatewayClassName', 'listeners'] },
);

type(
  `${G}.Listener`,
  'One logical endpoint of a Gateway: a port, a protocol and optionally a hostname, with the Routes allowed to attach.',
  {
    allowedRoutes: ref(
      `${G}.AllowedRoutes`,
      'Which Routes may attach, by kind and namespace. Defaults to Routes in the Gateway\'s own namespace of the kinds the protocol supports.',
    ),
    hostname: str(
      'The host name requests must carry (SNI for TLS, Host header for HTTP, both for HTTPS). A leading "*." matches any non-empty prefix of labels. Unset matches every host; not allowed for TCP and UDP.',
    ),
    name: str('The listener name, unique within the Gateway; Routes can target it with sectionName.'),
    port: int(`The port to listen on. ${PORT} Several listeners may share one if they are distinct.`),
    protocol: str(
      'The protocol expected: HTTP, HTTPS, TLS, TCP or UDP, or a domain-prefixed implementation-specific one. Core names are case-insensitive.',
    ),
    tls: ref(
      `${G}.ListenerTLSConfig`,
      'TLS settings: required for HTTPS and TLS, not allowed for HTTP, TCP and UDP. The certificate is chosen by the listener hostname.',
    ),
  },
  { required: ['name', 'port', 'protocol'] },
);

type(`${G}.ListenerTLSConfig`, 'How a listener handles TLS.', {
  certificateRefs: list(
    `${G}.SecretObjectReference`,
    'The certificates and keys to serve, usually one kubernetes.io/tls Secret. Needed for Terminate mode, ignored for Passthrough. Another namespace needs a ReferenceGrant there.',
    { listType: 'atomic' },
  ),
  mode: str(
    'Terminate (default): the Gateway ends TLS and sees the plain traffic. Passthrough: the TLS stream is forwarded untouched, routed by SNI only (TLSRoute).',
    { enum: ['Terminate', 'Passthrough'], default: 'Terminate' },
  ),
  options: strMap('Implementation-specific TLS settings, such as a minimum version or cipher suites; keys of other implementations use a domain prefix. At most 16.'),
});

type(
  `${G}.SecretObjectReference`,
  'Points to an object holding secret material, a Secret unless said otherwise.',
  {
    group: str('The API group of the object; empty (the default) for the core group.', { default: '' }),
    kind: str('The kind of the object. Defaults to Secret.', { default: 'Secret' }),
    name: str('The name of the object.'),
    namespace: str('The namespace of the object; defaults to that of the referrer. Another namespace needs a ReferenceGrant there.'),
  },
  { required: ['name'] },
);

type(`${G}.AllowedRoutes`, 'Which Routes may attach to a listener.', {
  kinds: list(
    `${G}.RouteGroupKind`,
    'The Route kinds allowed, which must suit the listener protocol. When empty, the kinds are derived from the protocol (HTTPRoute for HTTP and HTTPS). At most 8.',
    { listType: 'atomic' },
  ),
  namespaces: ref(`${G}.RouteNamespaces`, 'The namespaces Routes may come from. Defaults to the Gateway\'s own namespace (from: Same).'),
});

type(`${G}.RouteNamespaces`, 'The namespaces Routes may attach to a listener from.', {
  from: str('Same (default): only the Gateway\'s namespace. All: every namespace. Selector: namespaces matching selector.', {
    enum: ['All', 'Selector', 'Same'],
    default: 'Same',
  }),
  selector: ref(`${M}.LabelSelector`, 'The namespaces allowed, by label, when from is Selector; ignored otherwise.'),
});

type(
  `${G}.RouteGroupKind`,
  'A kind of Route.',
  {
    group: str('The API group of the Route kind. Defaults to gateway.networking.k8s.io.', { default: GROUP }),
    kind: str('The Route kind, such as HTTPRoute.'),
  },
  { required: ['kind'] },
);

type(`${G}.GatewaySpecAddress`, 'An address requested for a Gateway.', {
  type: str('How value is written: IPAddress (default), Hostname, or a domain-prefixed implementation-specific type.', { default: 'IPAddress' }),
  value: str('The address, such as 192.0.2.10. When empty, the implementation assigns one of the requested type if it can.'),
});

type(`${G}.GatewayInfrastructure`, 'Settings for the resources an implementation creates for a Gateway.', {
  annotations: strMap('Annotations to put on the created resources. At most 16.'),
  labels: strMap('Labels to put on the created resources. At most 8.'),
  parametersRef: ref(
    `${G}.LocalParametersReference`,
    'An object in the Gateway\'s namespace with implementation-specific configuration for this Gateway; how it combines with the class parameters is up to the implementation.',
  ),
});

type(
  `${G}.LocalParametersReference`,
  'Points to a configuration object in the referrer\'s namespace.',
  {
    group: str('The API group of the object; empty for the core group.'),
    kind: str('The kind of the object.'),
    name: str('The name of the object.'),
  },
  { required: ['group', 'kind', 'name'] },
);

type(`${G}.GatewayStatus`, 'The observed state of a Gateway.', {
  addresses: list(`${G}.GatewayStatusAddress`, 'The addresses the Gateway is reachable on, requested or assigned. At most 16.', { listType: 'atomic' }),
  conditions: list(
    `${M}.Condition`,
    'The state of the Gateway: Accepted (the configuration is valid) and Programmed (the data plane is set up). Both start as Unknown with reason Pending. At most 8.',
    { listType: 'map', mapKeys: ['type'] },
  ),
  listeners: list(`${G}.ListenerStatus`, 'The state of each listener, by name. At most 64.', { listType: 'map', mapKeys: ['name'] }),
});

type(
  `${G}.GatewayStatusAddress`,
  'An address a Gateway is reachable on.',
  {
    type: str('How value is written: IPAddress (default), Hostname, or a domain-prefixed implementation-specific type.', { default: 'IPAddress' }),
    value: str('The address.'),
  },
  { required: ['value'] },
);

type(
  `${G}.ListenerStatus`,
  'The observed state of one listener.',
  {
    attachedRoutes: int('How many Routes with an Accepted condition are attached to this listener, whatever the listener\'s own state.'),
    conditions: list(
      `${M}.Condition`,
      'The state of the listener, such as Accepted, Programmed, ResolvedRefs and Conflicted. At most 8.',
      { listType: 'map', mapKeys: ['type'] },
    ),
    name: str('The name of the listener this entry describes.'),
    supportedKinds: list(`${G}.RouteGroupKind`, 'The Route kinds the implementation supports on this listener; kinds asked for but unsupported are left out. At most 8.', {
      listType: 'atomic',
    }),
  },
  { required: ['name', 'attachedRoutes', 'conditions'] },
);

// ---- HTTPRoute ----

kind(
  `${G}.HTTPRoute`,
  { group: GROUP, version: 'v1', kind: 'HTTPRoute' },
  'Routes HTTP requests arriving at the Gateways (or Services) it attaches to: matches them by host, path, headers, query and method, optionally transforms them with filters, and forwards them to weighted backends.',
  {
    spec: ref(`${G}.HTTPRouteSpec`, 'The parents, hostnames and rules of the route.'),
    status: ref(`${G}.HTTPRouteStatus`, 'The state of the route at each parent. Written by the controllers of the parents.'),
  },
  { required: ['spec'] },
);

type(`${G}.HTTPRouteSpec`, 'The desired routing of an HTTPRoute.', {
  hostnames: strList(
    'Host names matched against the Host header (port ignored); a leading "*." matches any non-empty prefix of labels. When a listener also has a hostname, only the overlap counts, and a route with no overlap is not accepted. Empty means every host the listener takes. At most 16.',
    { listType: 'atomic' },
  ),
  parentRefs: list(
    `${G}.ParentReference`,
    'The Gateways (or listeners of them, or Services for a mesh) the route attaches to; each parent must also allow the attachment. At most 32, and distinct.',
    { listType: 'atomic' },
  ),
  rules: list(
    `${G}.HTTPRouteRule`,
    'The routing rules, 1 to 16. Defaults to one rule matching every path ("/" as a prefix) with no backends.',
    { listType: 'atomic' },
  ),
});

type(
  `${G}.ParentReference`,
  'Points to a parent a route attaches to: a Gateway by default, or a section of one.',
  {
    group: str('The API group of the parent. Defaults to gateway.networking.k8s.io; set it to "" for a Service.', { default: GROUP }),
    kind: str('The kind of the parent. Defaults to Gateway; Service is used by meshes.', { default: 'Gateway' }),
    name: str('The name of the parent.'),
    namespace: str('The namespace of the parent; defaults to the route\'s. A Gateway elsewhere must allow routes from this namespace.'),
    port: int(`Attach only to the listeners on this port. ${PORT} When sectionName is set too, both must match.`),
    sectionName: str('Attach only to this part of the parent: a listener name for a Gateway, a port name for a Service. Empty means the whole parent.'),
  },
  { required: ['name'] },
);

type(`${G}.HTTPRouteRule`, 'A rule of an HTTPRoute: which requests (matches), what is done to them (filters) and where they go (backendRefs).', {
  backendRefs: list(
    `${G}.HTTPBackendRef`,
    'The backends matching requests are spread over, by weight. Requests that would go to an invalid backend get a 500 (a Service without ready endpoints may give a 503 instead). At most 16.',
    { listType: 'atomic' },
  ),
  filters: list(
    `${G}.HTTPRouteFilter`,
    'Processing applied to matching requests, in order where possible. RequestRedirect and URLRewrite cannot be combined, and most types may appear only once. At most 16.',
    { listType: 'atomic' },
  ),
  matches: list(
    `${G}.HTTPRouteMatch`,
    'Conditions a request must meet, any one of which selects this rule. Defaults to a prefix match on "/" (every request). Across routes, Exact paths win over prefixes, longer prefixes over shorter, then method, header count and query count decide. At most 64.',
    { listType: 'atomic' },
  ),
  name: str('A name for the rule, unique within the route, which policies and status can refer to.'),
  retry: ref(`${G}.HTTPRouteRetry`, 'When and how often to retry a request to a backend.'),
  timeouts: ref(`${G}.HTTPRouteTimeouts`, 'Time limits for requests matching this rule.'),
});

type(
  `${G}.HTTPRouteMatch`,
  'A request predicate; all the conditions given must hold.',
  {
    headers: list(`${G}.HTTPHeaderMatch`, 'Header conditions, all of which must hold. At most 16, with distinct names.', { listType: 'map', mapKeys: ['name'] }),
    method: str('The HTTP method the request must use.', { enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'] }),
    path: ref(`${G}.HTTPPathMatch`, 'The path condition. Defaults to a prefix match on "/".'),
    queryParams: list(`${G}.HTTPQueryParamMatch`, 'Query parameter conditions, all of which must hold. At most 16, with distinct names.', {
      listType: 'map',
      mapKeys: ['name'],
    }),
  },
);

type(`${G}.HTTPPathMatch`, 'A condition on the request path.', {
  type: str(
    'Exact: the path equals value (case-sensitive). PathPrefix (default): value is a prefix of whole "/"-separated elements, so "/abc" matches "/abc/def" but not "/abcd". RegularExpression: implementation-specific syntax.',
    { enum: ['Exact', 'PathPrefix', 'RegularExpression'], default: 'PathPrefix' },
  ),
  value: str('The path to compare with; must start with "/" for Exact and PathPrefix. Defaults to "/". At most 1024 characters.', { default: '/' }),
});

type(
  `${G}.HTTPHeaderMatch`,
  'A condition on a request header.',
  {
    name: str('The header name, compared case-insensitively. If several entries name the same header, only the first counts.'),
    type: str('Exact (default): the value must be equal. RegularExpression: implementation-specific syntax.', {
      enum: ['Exact', 'RegularExpression'],
      default: 'Exact',
    }),
    value: str('The value to compare with, 1 to 4096 characters.'),
  },
  { required: ['name', 'value'] },
);

type(
  `${G}.HTTPQueryParamMatch`,
  'A condition on a query parameter.',
  {
    name: str('The parameter name, compared exactly. If several entries name the same parameter, only the first counts.'),
    type: str('Exact (default): the value must be equal. RegularExpression: implementation-specific syntax.', {
      enum: ['Exact', 'RegularExpression'],
      default: 'Exact',
    }),
    value: str('The value to compare with, 1 to 1024 characters.'),
  },
  { required: ['name', 'value'] },
);

type(
  `${G}.HTTPRouteFilter`,
  'One processing step for a request or its response. type chooses the step, and exactly the matching configuration field is set.',
  {
    cors: ref(`${G}.HTTPCORSFilter`, 'For type CORS: the cross-origin policy to answer with.'),
    extensionRef: ref(`${G}.LocalObjectReference`, 'For type ExtensionRef: an implementation-specific filter object in the route\'s namespace.'),
    requestHeaderModifier: ref(`${G}.HTTPHeaderFilter`, 'For type RequestHeaderModifier: the request header changes.'),
    requestMirror: ref(`${G}.HTTPRequestMirrorFilter`, 'For type RequestMirror: where copies of requests are sent (their responses are dropped).'),
    requestRedirect: ref(`${G}.HTTPRequestRedirectFilter`, 'For type RequestRedirect: the redirect answered instead of forwarding. Not allowed in a rule with backendRefs.'),
    responseHeaderModifier: ref(`${G}.HTTPHeaderFilter`, 'For type ResponseHeaderModifier: the response header changes.'),
    type: str(
      'The kind of step. RequestHeaderModifier and RequestRedirect are core; ResponseHeaderModifier, RequestMirror, URLRewrite and CORS are extended; ExtensionRef points to an implementation-specific filter.',
      { enum: ['RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'RequestRedirect', 'URLRewrite', 'ExtensionRef', 'CORS'] },
    ),
    urlRewrite: ref(`${G}.HTTPURLRewriteFilter`, 'For type URLRewrite: the host and path changes made before forwarding.'),
  },
  { required: ['type'] },
);

type(`${G}.HTTPHeaderFilter`, 'Changes to HTTP headers. Each header name may appear in only one action.', {
  add: list(`${G}.HTTPHeader`, 'Headers to append to, keeping any existing values. At most 16.', { listType: 'map', mapKeys: ['name'] }),
  remove: strList('Names of headers to drop (case-insensitive). At most 16.', { listType: 'set' }),
  set: list(`${G}.HTTPHeader`, 'Headers to set, replacing any existing values. At most 16.', { listType: 'map', mapKeys: ['name'] }),
});

type(
  `${G}.HTTPHeader`,
  'A header name and value.',
  {
    name: str('The header name, case-insensitive.'),
    value: str('The header value, 1 to 4096 characters; several values are written comma-separated.'),
  },
  { required: ['name', 'value'] },
);

type(`${G}.HTTPRequestRedirectFilter`, 'Answers with a redirect instead of forwarding. Cannot be combined with URLRewrite.', {
  hostname: str('The host of the Location header. Defaults to the request\'s Host.'),
  path: ref(`${G}.HTTPPathModifier`, 'How the path of the Location header is derived. Defaults to the request path unchanged.'),
  port: int(
    `The port of the Location header. ${PORT} When unset: 80 or 443 if scheme is set, else the listener port. Ports 80 for http and 443 for https are left out of the header.`,
  ),
  scheme: str('The scheme of the Location header. Defaults to the request\'s.', { enum: ['http', 'https'] }),
  statusCode: int('The HTTP status of the redirect. Defaults to 302; 301 and 302 are core, the others extended.', {
    format: 'none',
    default: 302,
    enum: [301, 302, 303, 307, 308],
  }),
});

type(
  `${G}.HTTPPathModifier`,
  'A change to the request path, for redirects and rewrites.',
  {
    replaceFullPath: str('For type ReplaceFullPath: the new path. At most 1024 characters.'),
    replacePrefixMatch: str(
      'For type ReplacePrefixMatch: what replaces the part matched by the rule\'s single PathPrefix match, so "/foo" to "/xyz" turns "/foo/bar" into "/xyz/bar". At most 1024 characters.',
    ),
    type: str('ReplaceFullPath replaces the whole path; ReplacePrefixMatch replaces only the matched prefix.', { enum: ['ReplaceFullPath', 'ReplacePrefixMatch'] }),
  },
  { required: ['type'] },
);

type(`${G}.HTTPURLRewriteFilter`, 'Changes the request before it is forwarded. Cannot be combined with RequestRedirect.', {
  hostname: str('The Host header sent to the backend.'),
  path: ref(`${G}.HTTPPathModifier`, 'How the path sent to the backend is derived.'),
});

type(
  `${G}.HTTPRequestMirrorFilter`,
  'Sends a copy of requests to another backend and ignores its responses.',
  {
    backendRef: ref(`${G}.BackendObjectReference`, 'The backend copies go to; one endpoint of it receives each copy.'),
    fraction: ref(`${G}.Fraction`, 'The share of requests copied, as a fraction. Cannot be combined with percent; with neither, every request is copied.'),
    percent: int('The share of requests copied, 0 to 100 percent. Cannot be combined with fraction; with neither, every request is copied.'),
  },
  { required: ['backendRef'] },
);

type(
  `${G}.Fraction`,
  'A ratio numerator/denominator, at most 1.',
  {
    denominator: int('The denominator, at least 1. Defaults to 100.', { default: 100 }),
    numerator: int('The numerator, at least 0 and at most the denominator.'),
  },
  { required: ['numerator'] },
);

type(`${G}.HTTPCORSFilter`, 'A Cross-Origin Resource Sharing policy: the CORS headers answered to browsers, including on preflight requests.', {
  allowCredentials: bool('Whether browsers may send credentials (cookies, authorization) with cross-origin requests; when true, Access-Control-Allow-Credentials: true is returned.'),
  allowHeaders: strList('Request headers cross-origin requests may use; "*" alone allows any. At most 64.', { listType: 'set' }),
  allowMethods: list(
    { type: 'string', enum: ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '*'] },
    'Methods cross-origin requests may use, besides GET, HEAD and POST which are always allowed; "*" alone allows any. At most 9.',
    { listType: 'set' },
  ),
  allowOrigins: strList(
    'Origins (scheme://host[:port]) whose requests may be shared; "*" in the host matches any labels to its left, and "*" alone allows every origin. At most 64.',
    { listType: 'set' },
  ),
  exposeHeaders: strList('Response headers, beyond the CORS-safelisted ones, that scripts may read; "*" exposes all. At most 64.', { listType: 'set' }),
  maxAge: int('How many seconds browsers may cache a preflight answer. Defaults to 5.', { default: 5 }),
});

type(
  `${G}.LocalObjectReference`,
  'Points to an object in the referrer\'s namespace.',
  {
    group: str('The API group of the object; empty for the core group.'),
    kind: str('The kind of the object.'),
    name: str('The name of the object.'),
  },
  { required: ['kind', 'name'] },
);

type(
  `${G}.BackendObjectReference`,
  'Points to a backend, a Service unless said otherwise.',
  {
    group: str('The API group of the backend; empty (the default) for the core group.', { default: '' }),
    kind: str('The kind of the backend. Defaults to Service; ExternalName Services should not be relied on.', { default: 'Service' }),
    name: str('The name of the backend.'),
    namespace: str('The namespace of the backend; defaults to the route\'s. Another namespace needs a ReferenceGrant there.'),
    port: int(`The port to send to: for a Service, its service port (not the target port), and then required. ${PORT}`),
  },
  { required: ['name'] },
);

type(
  `${G}.HTTPBackendRef`,
  'A backend of a rule and its share of the traffic.',
  {
    filters: list(
      `${G}.HTTPRouteFilter`,
      'Filters applied only to requests sent to this backend. Support is implementation-specific; prefer the rule\'s filters. At most 16.',
      { listType: 'atomic' },
    ),
    group: str('The API group of the backend; empty (the default) for the core group.', { default: '' }),
    kind: str('The kind of the backend. Defaults to Service.', { default: 'Service' }),
    name: str('The name of the backend.'),
    namespace: str('The namespace of the backend; defaults to the route\'s. Another namespace needs a ReferenceGrant there.'),
    port: int(`The port to send to: for a Service, its service port (not the target port), and then required. ${PORT}`),
    weight: int(
      'The share of requests: weight divided by the sum of the rule\'s weights (not a percentage). 0 sends nothing; defaults to 1. At most 1000000.',
      { default: 1 },
    ),
  },
  { required: ['name'] },
);

type(`${G}.HTTPRouteTimeouts`, 'Time limits for a request, as durations such as "10s", "500ms" or "1h30m"; "0s" disables a limit.', {
  backendRequest: str('The limit on one request from the gateway to a backend, until its full response arrives. Must not exceed request. Unset: implementation-specific.'),
  request: str('The limit on the whole request, after which the gateway answers with a timeout error. Unset: implementation-specific.'),
});

type(`${G}.HTTPRouteRetry`, 'When a request to a backend is retried.', {
  attempts: int('How many retries at most, besides the first try; 0 disables retries. Unset: implementation-specific.', { format: 'none' }),
  backoff: str('The base wait between tries, as a duration such as "100ms"; the whole must fit within the request timeout. Unset: implementation-specific.'),
  codes: list({ type: 'integer' }, 'Response statuses (400 to 599) that cause a retry; 500, 502, 503 and 504 are always supported.', { listType: 'set' }),
});

type(
  `${G}.HTTPRouteStatus`,
  'The observed state of an HTTPRoute.',
  {
    parents: list(
      `${G}.RouteParentStatus`,
      'One entry per parent whose controller has seen the route, with the route\'s state there. Empty means attached nowhere. At most 32.',
      { listType: 'atomic' },
    ),
  },
  { required: ['parents'] },
);

type(
  `${G}.RouteParentStatus`,
  'The state of a route at one parent.',
  {
    conditions: list(
      `${M}.Condition`,
      'The state at this parent: Accepted (attached, with at least one rule in use), ResolvedRefs (every reference resolved) and PartiallyInvalid (some rules dropped). 1 to 8.',
      { listType: 'map', mapKeys: ['type'] },
    ),
    controllerName: str('The controller that wrote this entry, as in its GatewayClass controllerName.'),
    parentRef: ref(`${G}.ParentReference`, 'The parentRefs entry of the spec this status is about.'),
  },
  { required: ['parentRef', 'controllerName', 'conditions'] },
);
