import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planServiceRules, PlanCache, type PlanInput } from './plan.js';
import { svc, slice } from './fixtures.js';
import { traceServicePacket } from './trace.js';
import type { ProxyConfig } from './types.js';
import type { Pod } from '../api/types.js';

const node = { name: 'n1', ips: ['172.18.0.2'], zone: 'a' };
const config: ProxyConfig = { clusterCIDR: '10.244.0.0/16' };
const plan = (p: Partial<PlanInput>) => planServiceRules({ services: [], slices: [], node, config, ...p });
const three = slice('web', [
  { ip: '10.244.1.11', node: 'n1' },
  { ip: '10.244.1.12', node: 'n1' },
  { ip: '10.244.2.13', node: 'n2' },
]);

test('ClusterIP traffic is DNATed to one of the ready endpoints', () => {
  const p = plan({ services: [svc('web')], slices: [three] });
  const t = traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' });
  assert.equal(t.verdict, 'dnat');
  assert.equal(t.candidates.length, 3);
  assert.deepEqual(t.endpoint, { ip: '10.244.1.11', port: 8080 });
  assert.equal(t.masquerade, false);
  const last = traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp', pick: 2 });
  assert.deepEqual(last.endpoint, { ip: '10.244.2.13', port: 8080 });
});

test('ClusterIP traffic to a service with no endpoints is rejected', () => {
  const p = plan({ services: [svc('web')] });
  assert.equal(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' }).verdict, 'reject');
  assert.equal(traceServicePacket(p, { src: '172.18.0.2', dst: '10.96.0.10', port: 80, proto: 'tcp', from: 'node' }).verdict, 'reject');
});

test('traffic to a ClusterIP on a port it does not serve is rejected, from pods and from the node', () => {
  const p = plan({ services: [svc('web')], slices: [three] });
  assert.equal(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 81, proto: 'tcp' }).verdict, 'reject');
  assert.equal(traceServicePacket(p, { src: '172.18.0.2', dst: '10.96.0.10', port: 81, proto: 'tcp', from: 'node' }).verdict, 'reject');
  assert.equal(traceServicePacket(p, { src: '172.18.0.2', dst: '10.96.0.10', port: 80, proto: 'tcp', from: 'node' }).verdict, 'dnat');
});

test('a pod reaching itself through its Service is masqueraded (hairpin)', () => {
  const p = plan({ services: [svc('web')], slices: [three] });
  const t = traceServicePacket(p, { src: '10.244.1.11', dst: '10.96.0.10', port: 80, proto: 'tcp' });
  assert.deepEqual(t.endpoint, { ip: '10.244.1.11', port: 8080 });
  assert.equal(t.masquerade, true);
});

test('traffic from outside the cluster CIDR to a ClusterIP is masqueraded', () => {
  const p = plan({ services: [svc('web')], slices: [three] });
  assert.equal(traceServicePacket(p, { src: '172.18.0.50', dst: '10.96.0.10', port: 80, proto: 'tcp' }).masquerade, true);
});

test('NodePort works on node addresses with Cluster policy (masqueraded), not on 127.0.0.1', () => {
  const p = plan({ services: [svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })], slices: [three] });
  const t = traceServicePacket(p, { src: '172.18.0.50', dst: '172.18.0.2', port: 30080, proto: 'tcp', pick: 2 });
  assert.equal(t.verdict, 'dnat');
  assert.equal(t.masquerade, true);
  assert.deepEqual(t.endpoint, { ip: '10.244.2.13', port: 8080 });
  const lo = traceServicePacket(p, { src: '127.0.0.1', dst: '127.0.0.1', port: 30080, proto: 'tcp', from: 'node' });
  assert.equal(lo.verdict, 'accept');
  assert.equal(lo.endpoint, undefined);
});

test('externalTrafficPolicy Local keeps the source, uses only local endpoints, drops without one', () => {
  const local = svc('web', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }], externalTrafficPolicy: 'Local', healthCheckNodePort: 32000, lbIPs: ['172.18.255.200'] });
  const p = plan({ services: [local], slices: [three] });
  const t = traceServicePacket(p, { src: '172.18.0.50', dst: '172.18.255.200', port: 80, proto: 'tcp', pick: 5 });
  assert.equal(t.verdict, 'dnat');
  assert.equal(t.masquerade, false);
  assert.deepEqual(t.candidates.length, 2);
  assert.deepEqual(p.healthChecks, [{ namespace: 'default', name: 'web', port: 32000, localEndpoints: 2 }]);
  const other = planServiceRules({ services: [local], slices: [three], node: { name: 'n3', ips: ['172.18.0.4'] }, config });
  assert.equal(traceServicePacket(other, { src: '172.18.0.50', dst: '172.18.0.4', port: 30080, proto: 'tcp' }).verdict, 'drop');
  assert.deepEqual(other.healthChecks, [{ namespace: 'default', name: 'web', port: 32000, localEndpoints: 0 }]);
  // Pods may still use the Service through a node without local endpoints.
  assert.equal(traceServicePacket(other, { src: '10.244.3.5', dst: '172.18.0.4', port: 30080, proto: 'tcp' }).verdict, 'dnat');
});

test('a NodePort with no endpoints at all is rejected', () => {
  const p = plan({ services: [svc('web', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })] });
  assert.equal(traceServicePacket(p, { src: '172.18.0.50', dst: '172.18.0.2', port: 30080, proto: 'tcp' }).verdict, 'reject');
});

test('headless and ExternalName Services get no rules', () => {
  const p = plan({ services: [svc('h', { clusterIP: 'None' }), svc('x', { type: 'ExternalName', clusterIP: '' })], slices: [slice('h', [{ ip: '10.244.1.11' }])] });
  assert.equal(p.services.length, 0);
});

test('named targetPorts resolve per endpoint from each slice', () => {
  const s = svc('web', { ports: [{ name: 'http', port: 80, targetPort: 'http' }] });
  const a = slice('web', [{ ip: '10.244.1.11' }], [{ name: 'http', port: 8080 }], { name: 'a' });
  const b = slice('web', [{ ip: '10.244.1.12' }], [{ name: 'http', port: 9090 }], { name: 'b' });
  const p = plan({ services: [s], slices: [a, b] });
  assert.deepEqual(p.services[0]!.clusterEndpoints.map((e) => `${e.ip}:${e.port}`), ['10.244.1.11:8080', '10.244.1.12:9090']);
});

test('serving terminating endpoints are used only when no endpoint is ready', () => {
  const mixed = slice('web', [{ ip: '10.244.1.11', ready: false, serving: true, terminating: true }, { ip: '10.244.1.12' }]);
  assert.deepEqual(plan({ services: [svc('web')], slices: [mixed] }).services[0]!.clusterEndpoints.map((e) => e.ip), ['10.244.1.12']);
  const allTerm = slice('web', [{ ip: '10.244.1.11', ready: false, serving: true, terminating: true }, { ip: '10.244.1.13', ready: false, serving: false, terminating: true }]);
  assert.deepEqual(plan({ services: [svc('web')], slices: [allTerm] }).services[0]!.clusterEndpoints.map((e) => e.ip), ['10.244.1.11']);
});

test('an unready endpoint gets no traffic', () => {
  const s = slice('web', [{ ip: '10.244.1.11', ready: false }, { ip: '10.244.1.12' }]);
  const t = traceServicePacket(plan({ services: [svc('web')], slices: [s] }), { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' });
  assert.deepEqual(t.endpoint, { ip: '10.244.1.12', port: 8080 });
});

test('zone hints narrow cluster traffic to endpoints hinted for the node zone', () => {
  const s = slice('web', [{ ip: '10.244.1.11', hints: ['a'] }, { ip: '10.244.2.12', hints: ['b'] }]);
  assert.deepEqual(plan({ services: [svc('web')], slices: [s] }).services[0]!.clusterEndpoints.map((e) => e.ip), ['10.244.1.11']);
  const close = slice('web', [{ ip: '10.244.1.11', zone: 'a' }, { ip: '10.244.2.12', zone: 'b' }]);
  assert.deepEqual(plan({ services: [svc('web', { trafficDistribution: 'PreferClose' })], slices: [close] }).services[0]!.clusterEndpoints.map((e) => e.ip), ['10.244.1.11']);
  assert.equal(plan({ services: [svc('web')], slices: [close] }).services[0]!.clusterEndpoints.length, 2);
});

test('internalTrafficPolicy Local uses only local endpoints and drops without one', () => {
  const p = plan({ services: [svc('web', { internalTrafficPolicy: 'Local' })], slices: [three] });
  assert.deepEqual(p.services[0]!.clusterEndpoints.map((e) => e.ip), ['10.244.1.11', '10.244.1.12']);
  const remote = slice('web', [{ ip: '10.244.2.13', node: 'n2' }]);
  const q = plan({ services: [svc('web', { internalTrafficPolicy: 'Local' })], slices: [remote] });
  assert.equal(traceServicePacket(q, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' }).verdict, 'drop');
});

test('loadBalancerSourceRanges drop other sources', () => {
  const p = plan({ services: [svc('web', { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }], lbIPs: ['172.18.255.200'], sourceRanges: ['192.0.2.0/24'] })], slices: [three] });
  assert.equal(traceServicePacket(p, { src: '198.51.100.7', dst: '172.18.255.200', port: 80, proto: 'tcp' }).verdict, 'drop');
  assert.equal(traceServicePacket(p, { src: '192.0.2.7', dst: '172.18.255.200', port: 80, proto: 'tcp' }).verdict, 'dnat');
});

test('externalIPs are served like the ClusterIP', () => {
  const p = plan({ services: [svc('web', { externalIPs: ['203.0.113.10'] })], slices: [three] });
  const t = traceServicePacket(p, { src: '203.0.113.99', dst: '203.0.113.10', port: 80, proto: 'tcp' });
  assert.equal(t.verdict, 'dnat');
  assert.equal(t.masquerade, true);
});

test('the tracer follows vmap selection too', () => {
  const p = planServiceRules({ services: [svc('web')], slices: [three], node, config: { ...config, selection: 'vmap' } });
  const t = traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp', pick: 1 });
  assert.equal(t.candidates.length, 3);
  assert.deepEqual(t.endpoint, { ip: '10.244.1.12', port: 8080 });
});

test('session affinity sends a known client to its endpoint', () => {
  const p = plan({ services: [svc('web', { affinity: 30 })], slices: [three] });
  const first = traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp', pick: 1 });
  const chain = first.candidates[1]!;
  const again = traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp', pick: 0, affinity: [chain] });
  assert.deepEqual(again.endpoint, first.endpoint);
});

test('UDP and several ports on one Service each get their own rules', () => {
  const s = svc('dns', { ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'dns-tcp', port: 53, protocol: 'TCP' }] });
  const sl = slice('dns', [{ ip: '10.244.1.11' }], [{ name: 'dns', port: 5353, protocol: 'UDP' }, { name: 'dns-tcp', port: 5354 }]);
  const p = plan({ services: [s], slices: [sl] });
  assert.deepEqual(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 53, proto: 'udp' }).endpoint, { ip: '10.244.1.11', port: 5353 });
  assert.deepEqual(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 53, proto: 'tcp' }).endpoint, { ip: '10.244.1.11', port: 5354 });
});

test('weights come from the Service annotation, then the pod annotation', () => {
  const s = svc('web', { annotations: { 'podnet.dev/lb-algorithm': 'wrr', 'podnet.dev/lb-weights': '10.244.1.11=3' } });
  const sl = slice('web', [{ ip: '10.244.1.11', pod: 'a' }, { ip: '10.244.1.12', pod: 'b' }]);
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'b', namespace: 'default', annotations: { 'podnet.dev/lb-weight': '2' } } };
  const p = plan({ services: [s], slices: [sl], pods: [pod] });
  assert.deepEqual(p.services[0]!.clusterEndpoints.map((e) => e.weight), [3, 2]);
  assert.equal(p.services[0]!.algorithm, 'wrr');
});

test('an algorithm the mode cannot do falls back to random with a warning', () => {
  const s = svc('web', { annotations: { 'podnet.dev/lb-algorithm': 'lc' } });
  const p = plan({ services: [s], slices: [three] });
  assert.equal(p.services[0]!.algorithm, 'random');
  assert.match(p.services[0]!.warnings[0]!, /userspace/);
  const u = planServiceRules({ services: [s], slices: [three], node, config: { ...config, mode: 'userspace' } });
  assert.equal(u.services[0]!.algorithm, 'lc');
  assert.ok(u.services[0]!.proxyPort! >= 36000);
});

test('the plan cache reuses views of unchanged Services', () => {
  const cache = new PlanCache();
  const a = svc('a', { clusterIP: '10.96.0.20' });
  const b = svc('b', { clusterIP: '10.96.0.21' });
  const first = planServiceRules({ services: [a, b], slices: [slice('a', [{ ip: '10.244.1.11' }])], node, config }, cache);
  const second = planServiceRules({ services: [a, svc('b', { clusterIP: '10.96.0.21' })], slices: [slice('a', [{ ip: '10.244.1.11' }])], node, config }, cache);
  assert.notEqual(first.services[0], second.services[0], 'a new slice object re-plans a');
  const third = planServiceRules({ services: [a, b], slices: [], node, config }, cache);
  const fourth = planServiceRules({ services: [a, b], slices: [], node, config }, cache);
  assert.equal(third.services[0], fourth.services[0]);
});

test('a PlanCache plans like planning from scratch over random changes (new objects, removals, several slices, weights)', () => {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const cache = new PlanCache();
  const make = (i: number, v: number) => {
    const type = (['ClusterIP', 'NodePort', 'LoadBalancer'] as const)[v % 3]!;
    return svc(`s${i}`, {
      clusterIP: `10.96.1.${i}`,
      type,
      ports: [{ name: 'http', port: 80, ...(type !== 'ClusterIP' ? { nodePort: 30000 + i } : {}) }],
      ...(type === 'LoadBalancer' ? { externalTrafficPolicy: 'Local' as const, healthCheckNodePort: 32000 + i, lbIPs: [`172.18.255.${i}`] } : {}),
    });
  };
  const sl = (i: number, part: string, v: number) =>
    slice(`s${i}`, [{ ip: `10.244.${1 + (v % 2)}.${i}`, node: v % 2 ? 'n1' : 'n2', pod: `p${i}` }], [{ name: 'http', port: 8080 + (v % 3) }], { name: `s${i}-${part}` });
  let services = Array.from({ length: 12 }, (_, i) => make(i, 0));
  let slices = services.flatMap((_, i) => [sl(i, 'a', 0), ...(i % 4 === 0 ? [sl(i, 'b', 1)] : [])]);
  let pods: Pod[] = [];
  for (let step = 0; step < 200; step++) {
    const r = rnd();
    const i = Math.floor(rnd() * 12);
    if (r < 0.4) slices = slices.map((s) => (s.metadata!.name === `s${i}-a` ? sl(i, 'a', step) : s));
    else if (r < 0.55) services = services.map((s) => (s.metadata!.name === `s${i}` ? make(i, step) : s));
    else if (r < 0.65) services = services.filter((s) => s.metadata!.name !== `s${i}`);
    else if (r < 0.75 && !services.some((s) => s.metadata!.name === `s${i}`)) services = [...services, make(i, step)];
    else if (r < 0.85) slices = slices.filter((s) => s.metadata!.name !== `s${i}-b`);
    else if (r < 0.9) slices = [...slices.filter((s) => s.metadata!.name !== `s${i}-b`), sl(i, 'b', step)];
    else pods = rnd() < 0.5 ? [] : [{ metadata: { name: `p${i}`, namespace: 'default', annotations: { 'podnet.dev/lb-weight': '3' } } } as Pod];
    const input = { services, slices, pods, node, config };
    const cached = planServiceRules(input, cache);
    const fresh = planServiceRules(input);
    assert.deepEqual(cached.services, fresh.services, `step ${step}`);
    assert.deepEqual(cached.healthChecks, fresh.healthChecks, `step ${step}`);
  }
});
