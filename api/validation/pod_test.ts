import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines } from './testutil.js';

const pod = (spec: string, name = 'web-0') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
${spec}`;

const ok = '  containers: [{name: app, image: nginx}]';

const cases: { name: string; yaml: string; want: string[] }[] = [
  { name: 'one container with an image is valid', yaml: pod(ok), want: [] },
  { name: 'containers are required', yaml: pod('  restartPolicy: Always'), want: ['spec.containers: Required value'] },
  {
    name: 'container names are DNS-1123 labels and unique',
    yaml: pod('  containers: [{name: App, image: a}, {name: side, image: b}, {name: side, image: c}]'),
    want: [
      `spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
      'spec.containers[2].name: Duplicate value: "side"',
    ],
  },
  { name: 'image is required', yaml: pod('  containers: [{name: app}]'), want: ['spec.containers[0].image: Required value'] },
  {
    name: 'containerPort range, hostPort range and protocol',
    yaml: pod('  containers: [{name: app, image: a, ports: [{containerPort: 70000, hostPort: -1, protocol: ICMP}]}]'),
    want: [
      'spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].hostPort: Invalid value: -1: must be between 1 and 65535, inclusive',
      'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
    ],
  },
  {
    name: 'containerPort is required and port names are unique',
    yaml: pod('  containers: [{name: app, image: a, ports: [{name: http, containerPort: 80}, {name: http}]}]'),
    want: ['spec.containers[0].ports[1].name: Duplicate value: "http"', 'spec.containers[0].ports[1].containerPort: Required value'],
  },
  {
    name: 'two containers may not claim the same hostPort',
    yaml: pod('  containers: [{name: a, image: a, ports: [{containerPort: 80, hostPort: 8080}]}, {name: b, image: b, ports: [{containerPort: 81, hostPort: 8080}]}]'),
    want: ['spec.containers[1].ports[0].hostPort: Duplicate value: "TCP//8080"'],
  },
  {
    name: 'hostNetwork pods must use hostPort = containerPort',
    yaml: pod('  hostNetwork: true\n  containers: [{name: a, image: a, ports: [{containerPort: 80, hostPort: 8080}]}]'),
    want: ['spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when `hostNetwork` is true'],
  },
  {
    name: 'restartPolicy and dnsPolicy values',
    yaml: pod(`${ok}\n  restartPolicy: Sometimes\n  dnsPolicy: Google`),
    want: [
      'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"',
      'spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"',
    ],
  },
  {
    name: 'dnsPolicy None needs nameservers',
    yaml: pod(`${ok}\n  dnsPolicy: None\n  dnsConfig: {searches: [svc.cluster.local]}`),
    want: ['spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None'],
  },
  {
    name: 'dnsConfig: at most 3 valid nameservers, valid searches, named options',
    yaml: pod(`${ok}\n  dnsConfig: {nameservers: [1.1.1.1, 8.8.8.8, 9.9.9.9, "10.0.0.256"], searches: ["ns.svc.cluster.local.", "Bad_Domain"], options: [{value: "2"}]}`),
    want: [
      'spec.dnsConfig.nameservers: Invalid value: []string{"1.1.1.1", "8.8.8.8", "9.9.9.9", "10.0.0.256"}: must not have more than 3 nameservers',
      'spec.dnsConfig.nameservers[3]: Invalid value: "10.0.0.256": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      `spec.dnsConfig.searches[1]: Invalid value: "Bad_Domain": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
      'spec.dnsConfig.options[0]: Required value: must not be empty',
    ],
  },
  {
    name: 'more than 32 search domains',
    yaml: pod(`${ok}\n  dnsConfig: {searches: [${Array.from({ length: 33 }, (_, i) => `d${i}.example`).join(', ')}]}`),
    want: [
      `spec.dnsConfig.searches: Invalid value: []string{${Array.from({ length: 33 }, (_, i) => `"d${i}.example"`).join(', ')}}: must not have more than 32 search paths`,
    ],
  },
  {
    name: 'a probe needs exactly one handler',
    yaml: pod('  containers: [{name: a, image: a, readinessProbe: {periodSeconds: 5}, livenessProbe: {httpGet: {port: 80}, tcpSocket: {port: 80}}}]'),
    want: [
      'spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type',
      'spec.containers[0].readinessProbe: Required value: must specify a handler type',
    ],
  },
  {
    name: 'probe ports, scheme and thresholds',
    yaml: pod('  containers: [{name: a, image: a, livenessProbe: {httpGet: {port: 0, scheme: FTP}, periodSeconds: -1, successThreshold: 2}}]'),
    want: [
      'spec.containers[0].livenessProbe.httpGet.port: Invalid value: 0: must be between 1 and 65535, inclusive',
      'spec.containers[0].livenessProbe.httpGet.scheme: Unsupported value: "FTP": supported values: "HTTP", "HTTPS"',
      'spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0',
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ],
  },
  {
    name: 'probe HTTP header names',
    yaml: pod('  containers: [{name: a, image: a, readinessProbe: {httpGet: {port: 80, httpHeaders: [{name: "X Bad", value: v}]}}}]'),
    want: [
      `spec.containers[0].readinessProbe.httpGet.httpHeaders: Invalid value: "X Bad": a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')`,
    ],
  },
  {
    name: 'imagePullPolicy values',
    yaml: pod('  containers: [{name: a, image: a, imagePullPolicy: Sometimes}]'),
    want: ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"'],
  },
  {
    name: 'metadata: namespace, labels and annotation keys',
    yaml: `
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {"a/b/c": x}, annotations: {"/x": y}}
spec: {containers: [{name: a, image: a}]}`,
    want: [
      'metadata.namespace: Required value',
      `metadata.labels: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
      'metadata.annotations: Invalid value: "/x": prefix part must be non-empty',
    ],
  },
  {
    name: 'a name or generateName is required',
    yaml: 'apiVersion: v1\nkind: Pod\nmetadata: {namespace: default}\nspec: {containers: [{name: a, image: a}]}',
    want: ['metadata.name: Required value: name or generateName is required'],
  },
  {
    name: 'init containers: names unique across all containers, probes only for sidecars',
    yaml: pod('  initContainers: [{name: app, image: busybox, readinessProbe: {exec: {command: [true]}}}, {name: side, image: proxy, restartPolicy: Always, readinessProbe: {exec: {command: [true]}}}]\n  containers: [{name: app, image: nginx}]'),
    want: [
      'spec.initContainers[0].name: Duplicate value: "app"',
      'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ],
  },
  {
    name: 'readiness probes may not set terminationGracePeriodSeconds; regular containers no restartPolicy',
    yaml: pod('  containers: [{name: app, image: nginx, restartPolicy: Always, readinessProbe: {tcpSocket: {port: http}, terminationGracePeriodSeconds: 5}}]'),
    want: [
      'spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 5: must not be set for readinessProbes',
      'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers',
    ],
  },
  { name: 'a generateName alone is fine (the apiserver names it)', yaml: 'apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-, namespace: default}\nspec: {containers: [{name: a, image: a}]}', want: [] },
];

for (const c of cases) {
  test(`Pod: ${c.name}`, () => {
    assert.deepEqual(errorLines(c.yaml), c.want);
  });
}

test('Pod: total annotation size is limited to 256 KiB', () => {
  const big = 'x'.repeat(256 * 1024);
  const obj = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default', annotations: { a: big } }, spec: { containers: [{ name: 'a', image: 'a' }] } };
  assert.deepEqual(errorLines(obj), ['metadata.annotations: Too long: must have at most 262144 bytes']);
});

const bound = pod('  nodeName: node-a\n  containers: [{name: app, image: nginx:1.25}]');

test('Pod update: nodeName may be set once', () => {
  assert.deepEqual(errorLines(bound, pod('  containers: [{name: app, image: nginx:1.25}]')), []);
});

test('Pod update: nodeName is immutable once set', () => {
  const moved = pod('  nodeName: node-b\n  containers: [{name: app, image: nginx:1.25}]');
  assert.deepEqual(errorLines(moved, bound), ['spec.nodeName: Invalid value: "node-b": field is immutable']);
});

test('Pod update: the image may change, ports may not', () => {
  assert.deepEqual(errorLines(pod('  nodeName: node-a\n  containers: [{name: app, image: nginx:1.26}]'), bound), []);
  const withPort = pod('  nodeName: node-a\n  containers: [{name: app, image: nginx:1.25, ports: [{containerPort: 80}]}]');
  assert.deepEqual(errorLines(withPort, bound), [
    'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  ]);
});

test('Pod update: a status change alone is valid', () => {
  const running = `${bound}\nstatus: {phase: Running, podIP: 10.244.1.5}`;
  assert.deepEqual(errorLines(running, bound), []);
});

test('Pod update: ephemeral containers are added only through their subresource, never changed or removed', () => {
  const debugged = pod('  nodeName: node-a\n  containers: [{name: app, image: nginx:1.25}]\n  ephemeralContainers: [{name: dbg, image: busybox, stdin: true, tty: true, resources: {}}]');
  const sub = { subresource: 'ephemeralcontainers' };
  assert.deepEqual(errorLines(debugged, bound, sub), []);
  assert.equal(errorLines(debugged, bound).length, 1, 'through the pod itself it is a forbidden spec change');
  const changed = pod('  nodeName: node-a\n  containers: [{name: app, image: nginx:1.25}]\n  ephemeralContainers: [{name: dbg, image: alpine, stdin: true, tty: true, resources: {}}]');
  assert.deepEqual(errorLines(changed, debugged, sub), ['spec.ephemeralContainers[0]: Forbidden: existing ephemeral containers "dbg" may not be changed']);
  assert.deepEqual(errorLines(bound, debugged, sub), ['spec.ephemeralContainers: Forbidden: existing ephemeral containers "dbg" may not be removed']);
  const wrong = pod('  nodeName: node-a\n  containers: [{name: app, image: nginx:1.25}]\n  ephemeralContainers: [{name: app, image: busybox, ports: [{containerPort: 80}], readinessProbe: {tcpSocket: {port: 80}}, targetContainerName: nope}]');
  assert.deepEqual(errorLines(wrong, bound, sub), [
    'spec.ephemeralContainers[0].name: Duplicate value: "app"',
    'spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container',
    'spec.ephemeralContainers[0].targetContainerName: Not found: "nope"',
  ]);
});
