import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EndpointSlice, Node, Pod, Service } from '../../api/types.js';
import { desiredEndpoints } from './endpoints.js';
import { planSlices } from './plan.js';

const svc = (extra: Partial<Service['spec']> = {}, name = 'web'): Service => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace: 'default', uid: 'svc-uid' },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.20', ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...extra },
});

function pod(i: number, opts: { ready?: boolean; deleting?: boolean; port?: number; node?: string; ips?: string[]; hostname?: string; subdomain?: string } = {}): Pod {
  return {
    metadata: { name: `web-${i}`, namespace: 'default', uid: `uid-${i}`, labels: { app: 'web' }, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    spec: { nodeName: opts.node ?? 'n1', hostname: opts.hostname, subdomain: opts.subdomain, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: opts.port ?? 8080 }] }] },
    status: {
      phase: 'Running',
      podIPs: (opts.ips ?? [`10.244.${Math.floor(i / 250)}.${(i % 250) + 1}`]).map((ip) => ({ ip })),
      conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
    },
  };
}

const nodes = (n: string): Node | undefined => ({ metadata: { name: n, labels: { 'topology.kubernetes.io/zone': n === 'n1' ? 'zone-a' : 'zone-b' } } });

function applyPlan(existing: EndpointSlice[], plan: ReturnType<typeof planSlices>): EndpointSlice[] {
  let n = existing.length;
  const gone = new Set(plan.delete.map((s) => s.metadata?.name));
  const updated = new Map(plan.update.map((s) => [s.metadata?.name, s]));
  return [
    ...existing.filter((s) => !gone.has(s.metadata?.name)).map((s) => updated.get(s.metadata?.name) ?? s),
    ...plan.create.map((s) => ({ ...s, metadata: { ...s.metadata, name: `web-${++n}`, uid: `s${n}` } })),
  ];
}

test('250 ready pods make three slices of at most 100 endpoints, labelled and owned by the Service', () => {
  const s = svc();
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  const plan = planSlices(s, desiredEndpoints({ service: s, pods, nodes }), [], 100);
  assert.deepEqual(plan.create.map((x) => x.endpoints.length), [100, 100, 50]);
  const first = plan.create[0]!;
  assert.equal(first.metadata?.generateName, 'web-');
  assert.equal(first.metadata?.labels?.['kubernetes.io/service-name'], 'web');
  assert.equal(first.metadata?.labels?.['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
  assert.deepEqual(first.metadata?.ownerReferences?.[0], { apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true });
  assert.deepEqual(first.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
  assert.deepEqual(first.endpoints[0], {
    addresses: ['10.244.0.1'],
    conditions: { ready: true, serving: true, terminating: false },
    targetRef: { kind: 'Pod', namespace: 'default', name: 'web-0', uid: 'uid-0' },
    nodeName: 'n1',
    zone: 'zone-a',
  });
});

test('one pod turning unready rewrites only the slice it is in', () => {
  const s = svc();
  const pods = Array.from({ length: 250 }, (_, i) => pod(i));
  let slices = applyPlan([], planSlices(s, desiredEndpoints({ service: s, pods, nodes }), [], 100));
  pods[120] = pod(120, { ready: false });
  const plan = planSlices(s, desiredEndpoints({ service: s, pods, nodes }), slices, 100);
  assert.equal(plan.create.length + plan.delete.length, 0);
  assert.equal(plan.update.length, 1);
  const ep = plan.update[0]!.endpoints.find((e) => e.targetRef?.name === 'web-120')!;
  assert.deepEqual(ep.conditions, { ready: false, serving: false, terminating: false });
  slices = applyPlan(slices, plan);
  assert.deepEqual(planSlices(s, desiredEndpoints({ service: s, pods, nodes }), slices, 100), { create: [], update: [], delete: [] }, 'a second pass changes nothing');
});

test('a terminating pod is ready=false, serving as its readiness, terminating=true', () => {
  const s = svc();
  const [g] = desiredEndpoints({ service: s, pods: [pod(1, { deleting: true })], nodes });
  assert.deepEqual(g!.endpoints[0]!.conditions, { ready: false, serving: true, terminating: true });
});

test('a named targetPort with different numbers on different pods gives different slices', () => {
  const s = svc();
  const plan = planSlices(s, desiredEndpoints({ service: s, pods: [pod(1, { port: 8080 }), pod(2, { port: 9090 })], nodes }), [], 100);
  assert.deepEqual(plan.create.map((x) => x.ports?.[0]?.port).sort(), [8080, 9090]);
});

test('a dual-stack Service gets one slice per address family', () => {
  const s = svc({ ipFamilies: ['IPv4', 'IPv6'] });
  const plan = planSlices(s, desiredEndpoints({ service: s, pods: [pod(1, { ips: ['10.244.0.5', 'fd00::5'] })], nodes }), [], 100);
  assert.deepEqual(plan.create.map((x) => `${x.addressType} ${x.endpoints[0]!.addresses[0]}`), ['IPv4 10.244.0.5', 'IPv6 fd00::5']);
});

test('pods with hostname and subdomain naming a headless Service carry their hostname', () => {
  const s = svc({ clusterIP: 'None' });
  const [g] = desiredEndpoints({ service: s, pods: [pod(0, { hostname: 'web-0', subdomain: 'web' }), pod(1, { hostname: 'x', subdomain: 'other' })], nodes });
  assert.deepEqual(g!.endpoints.map((e) => e.hostname), ['web-0', undefined]);
  assert.equal(planSlices(s, [g!], [], 100).create[0]!.metadata?.labels?.['service.kubernetes.io/headless'], '');
});

test('publishNotReadyAddresses marks not-ready pods ready', () => {
  const s = svc({ publishNotReadyAddresses: true });
  const [g] = desiredEndpoints({ service: s, pods: [pod(1, { ready: false })], nodes });
  assert.equal(g!.endpoints[0]!.conditions?.ready, true);
});

test('PreferClose publishes zone hints when every endpoint has a zone', () => {
  const s = svc({ trafficDistribution: 'PreferClose' } as Partial<Service['spec']>);
  const [g] = desiredEndpoints({ service: s, pods: [pod(1, { node: 'n1' }), pod(2, { node: 'n2' })], nodes });
  assert.deepEqual(g!.endpoints.map((e) => e.hints?.forZones?.[0]?.name), ['zone-a', 'zone-b']);
});

test('a Service with no endpoints keeps one empty placeholder slice', () => {
  const s = svc();
  const plan = planSlices(s, [], [], 100);
  assert.equal(plan.create.length, 1);
  assert.deepEqual(plan.create[0]!.endpoints, []);
  assert.deepEqual(planSlices(s, [], applyPlan([], plan), 100), { create: [], update: [], delete: [] });
});

test('new endpoints fill an existing slice with room before a new slice is created', () => {
  const s = svc();
  const pods = Array.from({ length: 150 }, (_, i) => pod(i));
  const slices = applyPlan([], planSlices(s, desiredEndpoints({ service: s, pods, nodes }), [], 100));
  pods.push(pod(150));
  const plan = planSlices(s, desiredEndpoints({ service: s, pods, nodes }), slices, 100);
  assert.equal(plan.create.length, 0);
  assert.deepEqual(plan.update.map((x) => x.endpoints.length), [51]);
});

test('the placeholder slice is reused when the first endpoints arrive (one update, no create/delete)', () => {
  const s = svc();
  const placeholder = applyPlan([], planSlices(s, [], [], 100));
  const plan = planSlices(s, desiredEndpoints({ service: s, pods: [pod(1)], nodes }), placeholder, 100);
  assert.equal(plan.create.length + plan.delete.length, 0);
  assert.equal(plan.update.length, 1);
  assert.deepEqual(plan.update[0]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
});
