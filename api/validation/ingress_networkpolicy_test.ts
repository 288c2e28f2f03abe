import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines } from './testutil.js';

const ing = (spec: string) => `
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
${spec}`;

const rule = (host: string, path: string) =>
  `  rules: [{host: "${host}", http: {paths: [${path}]}}]`;
const backend = 'backend: {service: {name: web, port: {number: 80}}}';

const netpol = (spec: string) => `
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny, namespace: default}
spec:
  podSelector: {}
${spec}`;

const cases: { name: string; yaml: string; want: string[] }[] = [
  { name: 'Ingress: a prefix rule to a service port is valid', yaml: ing(rule('www.example.com', `{path: /api, pathType: Prefix, ${backend}}`)), want: [] },
  { name: 'Ingress: a wildcard host is valid', yaml: ing(rule('*.example.com', `{path: /, pathType: Exact, ${backend}}`)), want: [] },
  {
    name: 'Ingress: pathType is required',
    yaml: ing(rule('a.example.com', `{path: /, ${backend}}`)),
    want: ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified'],
  },
  {
    name: 'Ingress: pathType values',
    yaml: ing(rule('a.example.com', `{path: /, pathType: Regex, ${backend}}`)),
    want: ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
  },
  {
    name: 'Ingress: Exact and Prefix paths are absolute and clean',
    yaml: ing(rule('a.example.com', `{path: api, pathType: Prefix, ${backend}}, {path: "/a//b/..", pathType: Exact, ${backend}}`)),
    want: [
      'spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path',
      `spec.rules[0].http.paths[1].path: Invalid value: "/a//b/..": must not contain '//'`,
      `spec.rules[0].http.paths[1].path: Invalid value: "/a//b/..": cannot end with '/..'`,
    ],
  },
  {
    name: 'Ingress: the host may not be an IP',
    yaml: ing(rule('10.0.0.1', `{path: /, pathType: Prefix, ${backend}}`)),
    want: ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
  },
  {
    name: 'Ingress: a wildcard only as the first label',
    yaml: ing(rule('foo.*.example.com', `{path: /, pathType: Prefix, ${backend}}`)),
    want: [
      `spec.rules[0].host: Invalid value: "foo.*.example.com": a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  },
  {
    name: 'Ingress: service port number xor name',
    yaml: ing(rule('a.example.com', '{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80, name: http}}}}, {path: /b, pathType: Prefix, backend: {service: {name: web}}}')),
    want: [
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both port name & port number',
      'spec.rules[0].http.paths[1].backend: Required value: port name or number is required',
    ],
  },
  {
    name: 'Ingress: service xor resource backend',
    yaml: ing(rule('a.example.com', '{path: /, pathType: Prefix, backend: {resource: {kind: Bucket, name: b}, service: {name: web, port: {number: 80}}}}, {path: /b, pathType: Prefix, backend: {}}')),
    want: [
      'spec.rules[0].http.paths[0].backend: Invalid value: "": cannot set both resource and service backends',
      'spec.rules[0].http.paths[1].backend: Invalid value: "": resource or service backend is required',
    ],
  },
  {
    name: 'Ingress: rules or a default backend',
    yaml: ing('  ingressClassName: podnet'),
    want: ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified'],
  },
  {
    name: 'Ingress: tls hosts are DNS names',
    yaml: ing(`  defaultBackend: {service: {name: web, port: {number: 80}}}\n  tls: [{hosts: ["Bad Host"], secretName: web-tls}]`),
    want: [
      `spec.tls[0].hosts[0]: Invalid value: "Bad Host": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  },
  {
    name: 'IngressClass: controller is required',
    yaml: 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: podnet}\nspec: {}',
    want: ['spec.controller: Required value'],
  },
  {
    name: 'IngressClass: controller is a domain-prefixed path',
    yaml: 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: podnet}\nspec: {controller: podnet}',
    want: ['spec.controller: Invalid value: "podnet": must be a domain-prefixed path (such as "acme.io/foo")'],
  },
  { name: 'IngressClass: valid', yaml: 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: podnet}\nspec: {controller: podnet.dev/ingress}', want: [] },
  { name: 'NetworkPolicy: default deny is valid', yaml: netpol('  policyTypes: [Ingress, Egress]'), want: [] },
  {
    name: 'NetworkPolicy: ports, endPort and protocols',
    yaml: netpol('  ingress: [{ports: [{port: 8080, endPort: 80}, {port: http, endPort: 90}, {endPort: 100}, {port: 0, protocol: ICMP}]}]'),
    want: [
      'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
      'spec.ingress[0].ports[1].endPort: Invalid value: 90: may not be specified when `port` is non-numeric',
      'spec.ingress[0].ports[2].endPort: Invalid value: 100: may not be specified when `port` is not specified',
      'spec.ingress[0].ports[3].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
      'spec.ingress[0].ports[3].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
  },
  {
    name: 'NetworkPolicy: ipBlock cidr and except',
    yaml: netpol('  egress: [{to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.1.0.0/16, 192.168.0.0/16, 10.0.0.0/8, 10.0.0.0/40]}}, {ipBlock: {cidr: "10.0.0.0"}}]}]'),
    want: [
      'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
      'spec.egress[0].to[0].ipBlock.except[2]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`',
      'spec.egress[0].to[0].ipBlock.except[3]: Invalid value: "10.0.0.0/40": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
      'spec.egress[0].to[1].ipBlock.cidr: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'NetworkPolicy: peers are non-empty and ipBlock stands alone',
    yaml: netpol('  ingress: [{from: [{}, {ipBlock: {cidr: 10.0.0.0/8}, podSelector: {}}]}]'),
    want: ['spec.ingress[0].from[0]: Required value: must specify a peer', 'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer'],
  },
  {
    name: 'NetworkPolicy: policyTypes values',
    yaml: netpol('  policyTypes: [Ingress, Outbound]'),
    want: ['spec.policyTypes[1]: Unsupported value: "Outbound": supported values: "Ingress", "Egress"'],
  },
  {
    name: 'NetworkPolicy: podSelector is validated',
    yaml: 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: default}\nspec: {podSelector: {matchExpressions: [{key: "-app", operator: Exists}]}}',
    want: [
      `spec.podSelector.matchExpressions[0].key: Invalid value: "-app": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(errorLines(c.yaml), c.want);
  });
}

test('IngressClass update: the controller is immutable', () => {
  const old = 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: podnet}\nspec: {controller: podnet.dev/ingress}';
  const changed = 'apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: podnet}\nspec: {controller: example.com/other}';
  assert.deepEqual(errorLines(changed, old), ['spec.controller: Invalid value: "example.com/other": field is immutable']);
});
