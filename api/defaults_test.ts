import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { applyDefaults, defaultPullPolicy, prepareForUpdate } from './defaults.js';
import type { KubeObject } from './types.js';

const y = (text: string) => parse(text) as KubeObject;

function assertDefaults(input: string, expected: string): void {
  assert.deepEqual(applyDefaults(y(input)), y(expected));
}

test('Service defaults: type, affinity, protocol, targetPort, families, internal policy', () => {
  assertDefaults(
    `
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80}, {port: 53, protocol: UDP, targetPort: dns}]`,
    `
kind: Service
metadata: {name: web}
spec:
  type: ClusterIP
  sessionAffinity: None
  selector: {app: web}
  ports: [{port: 80, protocol: TCP, targetPort: 80}, {port: 53, protocol: UDP, targetPort: dns}]
  internalTrafficPolicy: Cluster`,
  );
});

test('Service defaults: ClientIP affinity gets the 3-hour timeout', () => {
  const svc = applyDefaults(y('kind: Service\nspec: {sessionAffinity: ClientIP, ports: [{port: 80}]}'));
  assert.deepEqual((svc.spec as { sessionAffinityConfig: unknown }).sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
});

test('Service defaults: LoadBalancer gets externalTrafficPolicy and allocateLoadBalancerNodePorts', () => {
  const spec = applyDefaults(y('kind: Service\nspec: {type: LoadBalancer, ports: [{port: 443}]}')).spec as Record<string, unknown>;
  assert.equal(spec.externalTrafficPolicy, 'Cluster');
  assert.equal(spec.allocateLoadBalancerNodePorts, true);
  const np = applyDefaults(y('kind: Service\nspec: {type: NodePort, ports: [{port: 443}]}')).spec as Record<string, unknown>;
  assert.equal(np.externalTrafficPolicy, 'Cluster');
  assert.equal(np.allocateLoadBalancerNodePorts, undefined);
  const ext = applyDefaults(y('kind: Service\nspec: {externalIPs: [192.0.2.10], ports: [{port: 80}]}')).spec as Record<string, unknown>;
  assert.equal(ext.externalTrafficPolicy, 'Cluster');
  const plain = applyDefaults(y('kind: Service\nspec: {ports: [{port: 80}]}')).spec as Record<string, unknown>;
  assert.equal(plain.externalTrafficPolicy, undefined);
});

test('Service defaults: ExternalName gets no families or traffic policy', () => {
  assertDefaults(
    'kind: Service\nspec: {type: ExternalName, externalName: db.example.com}',
    'kind: Service\nspec: {type: ExternalName, externalName: db.example.com, sessionAffinity: None}',
  );
});

test('Service defaults: clusterIP fills clusterIPs and picks the family', () => {
  const spec = applyDefaults(y('kind: Service\nspec: {clusterIP: "fd00::a", ports: [{port: 80}]}')).spec as Record<string, unknown>;
  assert.deepEqual(spec.clusterIPs, ['fd00::a']);
  assert.deepEqual(spec.ipFamilies, ['IPv6']);
  const headless = applyDefaults(y('kind: Service\nspec: {clusterIP: None}')).spec as Record<string, unknown>;
  assert.deepEqual(headless.clusterIPs, ['None']);
  // No address, no family yet: the apiserver's allocator picks it from the cluster's range.
  assert.equal(headless.ipFamilies, undefined);
  assert.equal(headless.ipFamilyPolicy, undefined);
});

test('Pod defaults: policies, grace period, scheduler, container fields, probes', () => {
  assertDefaults(
    `
kind: Pod
metadata: {name: p}
spec:
  containers:
  - name: app
    image: nginx:1.25
    ports: [{containerPort: 80}]
    readinessProbe: {httpGet: {port: 80}}`,
    `
kind: Pod
metadata: {name: p}
spec:
  dnsPolicy: ClusterFirst
  restartPolicy: Always
  terminationGracePeriodSeconds: 30
  schedulerName: default-scheduler
  securityContext: {}
  enableServiceLinks: true
  containers:
  - name: app
    image: nginx:1.25
    imagePullPolicy: IfNotPresent
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    resources: {}
    ports: [{containerPort: 80, protocol: TCP}]
    readinessProbe: {httpGet: {port: 80, path: /, scheme: HTTP}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}`,
  );
});

test('Pod defaults: pull policy follows the image tag', () => {
  assert.equal(defaultPullPolicy('nginx'), 'Always');
  assert.equal(defaultPullPolicy('nginx:latest'), 'Always');
  assert.equal(defaultPullPolicy('registry:5000/team/app'), 'Always');
  assert.equal(defaultPullPolicy('registry:5000/team/app:v2'), 'IfNotPresent');
  assert.equal(defaultPullPolicy('nginx@sha256:abcd'), 'IfNotPresent');
});

test('Deployment defaults: replicas, strategy, history, deadline and template', () => {
  const d = applyDefaults(y('kind: Deployment\nspec: {selector: {matchLabels: {a: b}}, template: {spec: {containers: [{name: c, image: i:1}]}}}'));
  const spec = d.spec as Record<string, unknown>;
  assert.equal(spec.replicas, 1);
  assert.deepEqual(spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
  assert.equal(spec.revisionHistoryLimit, 10);
  assert.equal(spec.progressDeadlineSeconds, 600);
  assert.equal((spec.template as { spec: { restartPolicy: string } }).spec.restartPolicy, 'Always');
});

test('Deployment defaults: Recreate gets no rollingUpdate', () => {
  const spec = applyDefaults(y('kind: Deployment\nspec: {strategy: {type: Recreate}}')).spec as Record<string, unknown>;
  assert.deepEqual(spec.strategy, { type: 'Recreate' });
});

test('StatefulSet and DaemonSet defaults', () => {
  const ss = applyDefaults(y('kind: StatefulSet\nspec: {}')).spec as Record<string, unknown>;
  assert.equal(ss.podManagementPolicy, 'OrderedReady');
  assert.deepEqual(ss.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } });
  assert.equal(ss.replicas, 1);
  const ds = applyDefaults(y('kind: DaemonSet\nspec: {}')).spec as Record<string, unknown>;
  assert.deepEqual(ds.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } });
});

test('NetworkPolicy defaults: Ingress always, Egress only with egress rules', () => {
  const a = applyDefaults(y('kind: NetworkPolicy\nspec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}')).spec as Record<string, unknown>;
  assert.deepEqual(a.policyTypes, ['Ingress']);
  assert.deepEqual(a.ingress, [{ ports: [{ port: 80, protocol: 'TCP' }] }]);
  const b = applyDefaults(y('kind: NetworkPolicy\nspec: {podSelector: {}, egress: [{}]}')).spec as Record<string, unknown>;
  assert.deepEqual(b.policyTypes, ['Ingress', 'Egress']);
  const c = applyDefaults(y('kind: NetworkPolicy\nspec: {podSelector: {}, policyTypes: [Egress]}')).spec as Record<string, unknown>;
  assert.deepEqual(c.policyTypes, ['Egress']);
});

test('Namespace defaults: the metadata.name label and phase', () => {
  assertDefaults(
    'kind: Namespace\nmetadata: {name: team-a, labels: {env: dev}}',
    'kind: Namespace\nmetadata: {name: team-a, labels: {env: dev, kubernetes.io/metadata.name: team-a}}\nstatus: {phase: Active}',
  );
});

test('Namespace defaults do not bring back a removed finalizer or change a Terminating phase', () => {
  assertDefaults(
    'kind: Namespace\nmetadata: {name: a}\nspec: {}\nstatus: {phase: Terminating}',
    'kind: Namespace\nmetadata: {name: a, labels: {kubernetes.io/metadata.name: a}}\nspec: {}\nstatus: {phase: Terminating}',
  );
});

test('Secret defaults: Opaque, and stringData is folded into data', () => {
  assertDefaults('kind: Secret\nstringData: {user: admin}\ndata: {user: eA==, pw: cHc=}', 'kind: Secret\ntype: Opaque\ndata: {user: YWRtaW4=, pw: cHc=}');
});

test('EndpointSlice and Endpoints defaults: port protocol TCP', () => {
  assertDefaults('kind: EndpointSlice\nports: [{port: 80}]', 'kind: EndpointSlice\nports: [{port: 80, name: "", protocol: TCP}]');
  assertDefaults('kind: Endpoints\nsubsets: [{ports: [{port: 80}]}]', 'kind: Endpoints\nsubsets: [{ports: [{port: 80, protocol: TCP}]}]');
});

test('Ingress pathType is not defaulted', () => {
  const input = 'kind: Ingress\nspec: {rules: [{http: {paths: [{path: /, backend: {service: {name: a, port: {number: 80}}}}]}}]}';
  assertDefaults(input, input);
});

test('applyDefaults never mutates its input and is idempotent', () => {
  const input = y('kind: Service\nspec: {ports: [{port: 80}]}');
  const before = structuredClone(input);
  const once = applyDefaults(input);
  assert.deepEqual(input, before);
  assert.deepEqual(applyDefaults(once), once);
  assert.notEqual(once, input);
});

test('prepareForUpdate: a type change to ClusterIP drops untouched nodePorts', () => {
  const old = applyDefaults(y('kind: Service\nspec: {type: NodePort, clusterIP: 10.96.0.5, ports: [{port: 80, nodePort: 30080}]}'));
  const next = structuredClone(old) as KubeObject & { spec: { type: string } };
  next.spec.type = 'ClusterIP';
  const prepared = prepareForUpdate(next, old) as unknown as KubeObject & { spec: { ports: { nodePort?: number }[]; externalTrafficPolicy?: string } };
  assert.equal(prepared.spec.ports[0]!.nodePort, undefined);
  assert.equal(prepared.spec.externalTrafficPolicy, undefined);
});

test('prepareForUpdate heals an ExternalName Service stored with its old clusterIP', () => {
  const stale = y('kind: Service\nspec: {type: ExternalName, externalName: db.example.com, clusterIP: 10.96.0.5, clusterIPs: [10.96.0.5]}');
  const prepared = prepareForUpdate(structuredClone(stale), stale) as unknown as { spec: Record<string, unknown> };
  assert.equal(prepared.spec.clusterIP, undefined);
  assert.equal(prepared.spec.clusterIPs, undefined);
});
