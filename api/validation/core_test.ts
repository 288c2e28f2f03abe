import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines } from './testutil.js';

const cases: { name: string; yaml: string; want: string[] }[] = [
  { name: 'Namespace: valid', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}', want: [] },
  {
    name: 'Namespace: names are DNS-1123 labels',
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team.a}',
    want: ['metadata.name: Invalid value: "team.a": must not contain dots'],
  },
  {
    name: 'Namespace: cluster-scoped objects have no namespace',
    yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a, namespace: b}',
    want: ['metadata.namespace: Forbidden: not allowed on this type'],
  },
  {
    name: 'Node: podCIDRs are CIDRs',
    yaml: 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec: {podCIDRs: [10.244.1.0/33]}',
    want: ['spec.podCIDRs[0]: Invalid value: "10.244.1.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  },
  {
    name: 'Node: at most one podCIDR per family',
    yaml: 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec: {podCIDRs: [10.244.1.0/24, 10.244.2.0/24]}',
    want: ['spec.podCIDRs: Invalid value: []string{"10.244.1.0/24", "10.244.2.0/24"}: may specify no more than one CIDR for each IP family'],
  },
  { name: 'Node: dual-stack podCIDRs are valid', yaml: 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec: {podCIDRs: [10.244.1.0/24, "fd00:10:244:1::/64"]}', want: [] },
  {
    name: 'Secret: keys are config keys, TLS secrets need a cert and key',
    yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: web-tls, namespace: default}\ntype: kubernetes.io/tls\ndata: {"bad key": YQ==}',
    want: [
      `data[bad key]: Invalid value: "bad key": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      'data[tls.crt]: Required value',
      'data[tls.key]: Required value',
    ],
  },
  { name: 'Secret: stringData counts as data', yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: t, namespace: default}\ntype: kubernetes.io/tls\nstringData: {tls.crt: c, tls.key: k}', want: [] },
  {
    name: 'ConfigMap: a key may not be in data and binaryData',
    yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\ndata: {a: x}\nbinaryData: {a: eA==}',
    want: ['data[a]: Invalid value: "a": duplicate of key present in binaryData', 'binaryData[a]: Invalid value: "a": duplicate of key present in data'],
  },
  {
    name: 'Event: involvedObject namespace must match',
    yaml: 'apiVersion: v1\nkind: Event\nmetadata: {name: web.1, namespace: default}\ninvolvedObject: {kind: Pod, name: web, namespace: other}\nreason: Started',
    want: ['involvedObject.namespace: Invalid value: "other": does not match event.namespace'],
  },
  {
    name: 'ServiceAccount: names are subdomains',
    yaml: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: "Robot", namespace: default}',
    want: [
      `metadata.name: Invalid value: "Robot": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  },
  {
    name: 'GatewayClass: controllerName is required',
    yaml: 'apiVersion: gateway.networking.k8s.io/v1\nkind: GatewayClass\nmetadata: {name: podnet}\nspec: {}',
    want: ['spec.controllerName: Required value'],
  },
  {
    name: 'Gateway: class, listeners, ports',
    yaml: 'apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: {name: gw, namespace: default}\nspec: {listeners: [{name: http, port: 0, protocol: HTTP}, {name: http, port: 443}]}',
    want: [
      'spec.gatewayClassName: Required value',
      'spec.listeners[0].port: Invalid value: 0: spec.listeners[0].port in body should be greater than or equal to 1',
      'spec.listeners[1].name: Duplicate value: "http"',
      'spec.listeners[1].protocol: Required value',
    ],
  },
  {
    name: 'HTTPRoute: path match types and backend ports',
    yaml: 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r, namespace: default}\nspec: {parentRefs: [{name: gw}], rules: [{matches: [{path: {type: Glob, value: /x}}], backendRefs: [{name: web}]}]}',
    want: [
      'spec.rules[0].matches[0].path.type: Unsupported value: "Glob": supported values: "Exact", "PathPrefix", "RegularExpression"',
      'spec.rules[0].backendRefs[0].port: Required value: Must have port for Service reference',
    ],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(errorLines(c.yaml), c.want);
  });
}

test('Node update: podCIDRs may be set once', () => {
  const empty = 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec: {}';
  const set = 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec: {podCIDR: 10.244.1.0/24}';
  const moved = 'apiVersion: v1\nkind: Node\nmetadata: {name: node-a}\nspec: {podCIDRs: [10.244.2.0/24]}';
  assert.deepEqual(errorLines(set, empty), []);
  assert.deepEqual(errorLines(moved, set), ['spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid']);
});

test('Secret update: type is immutable and immutable secrets keep their data', () => {
  const old = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\nimmutable: true\ndata: {a: YQ==}';
  const changed = 'apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\ntype: kubernetes.io/basic-auth\nimmutable: true\ndata: {username: YQ==}';
  assert.deepEqual(errorLines(changed, old), [
    'type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    'data: Forbidden: field is immutable when `immutable` is set',
  ]);
});

test('Namespace update: the name is immutable', () => {
  assert.deepEqual(errorLines('apiVersion: v1\nkind: Namespace\nmetadata: {name: b}', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}'), [
    'metadata.name: Invalid value: "b": field is immutable',
  ]);
});

test('ownerReferences name their owner fully and have at most one controller', () => {
  const yaml = `
apiVersion: v1
kind: ConfigMap
metadata:
  name: c
  namespace: default
  ownerReferences:
  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-1, uid: u1, controller: true}
  - {apiVersion: apps/v1, kind: ReplicaSet, name: web-2, uid: u2, controller: true}
  - {apiVersion: "", kind: Deployment, name: web}`;
  assert.deepEqual(errorLines(yaml), [
    'metadata.ownerReferences: Invalid value: []v1.OwnerReference{v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"web-1", UID:"u1"}, v1.OwnerReference{APIVersion:"apps/v1", Kind:"ReplicaSet", Name:"web-2", UID:"u2"}, v1.OwnerReference{APIVersion:"", Kind:"Deployment", Name:"web", UID:""}}: Only one reference can have Controller set to true. Found "true" in references for ReplicaSet/web-1 and ReplicaSet/web-2',
    'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
    'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
  ]);
});

test('fields of the wrong JSON type give an error, never an exception', () => {
  const shapes: unknown[] = ['x', 5, [1], { a: 'b' }, null, true];
  const paths = ['spec', 'metadata', 'spec.ports', 'spec.containers', 'spec.template', 'spec.selector', 'spec.rules', 'endpoints', 'data', 'subsets', 'metadata.labels', 'metadata.ownerReferences'];
  for (const kind of ['Service', 'Pod', 'Deployment', 'Ingress', 'NetworkPolicy', 'EndpointSlice', 'Endpoints', 'Secret', 'Namespace']) {
    for (const path of paths) {
      for (const value of shapes) {
        const obj: Record<string, unknown> = { kind, metadata: { name: 'a', namespace: 'b' } };
        const [head, tail] = path.split('.') as [string, string | undefined];
        if (tail === undefined) obj[head] = value;
        else obj[head] = { ...((obj[head] as object) ?? {}), [tail]: value };
        assert.doesNotThrow(() => errorLines(obj), `${kind} ${path}=${JSON.stringify(value)}`);
        assert.doesNotThrow(() => errorLines(obj, obj), `${kind} ${path}=${JSON.stringify(value)} (update)`);
      }
    }
  }
  const lines = errorLines({ kind: 'Service', metadata: { name: 'a', namespace: 'b' }, spec: { ports: 'x' } });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^: Invalid value: "Service": does not have the shape of a Service: /);
});
