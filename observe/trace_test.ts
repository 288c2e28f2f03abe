// The prediction half of `podnet trace` (no root): DNS from Services, endpoints, route and policy,
// and the comparison flagging a kernel that did something else.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { EndpointSlice, Namespace, NetworkPolicy, Node, Pod, Service } from '../api/types.js';
import { predictConnection, type TraceObjects } from './predict.js';
import { compareTrace } from './trace.js';
import { parseTarget, resolveServiceName } from './resolve.js';
import { sampleObjects } from './testdata.js';
import type { KernelTrace } from './kerneltrace.js';

function objs(): TraceObjects {
  const all = sampleObjects();
  const of = <T>(kind: string) => all.filter((o) => o.kind === kind) as unknown as T[];
  const pods = of<Pod>('Pod').map((p) => ({ ...p, metadata: { ...p.metadata, uid: `uid-${p.metadata?.name}` } }));
  return { pods, services: of<Service>('Service'), slices: of<EndpointSlice>('EndpointSlice'), nodes: of<Node>('Node'), namespaces: of<Namespace>('Namespace'), policies: of<NetworkPolicy>('NetworkPolicy') };
}

test('targets parse as NAME|IP[:PORT[/PROTO]] and bad ones are refused with the value quoted', () => {
  assert.deepEqual(parseTarget('web.shop:80/udp'), { host: 'web.shop', port: 80, protocol: 'udp' });
  assert.deepEqual(parseTarget('10.96.0.20'), { host: '10.96.0.20', protocol: 'tcp' });
  assert.throws(() => parseTarget('web:99999'), /port "99999" is out of range/);
  assert.throws(() => parseTarget('10.0.0.300'), /"10.0.0.300" is not a valid IP address/);
});

test('a short Service name resolves through the pod namespace search path', () => {
  const o = objs();
  assert.deepEqual(resolveServiceName('web', 'shop', o.services, o.slices)?.records, ['web.shop.svc.cluster.local. 5 IN A 10.96.0.20']);
  assert.equal(resolveServiceName('web', 'default', o.services, o.slices), undefined);
  assert.equal(resolveServiceName('web.shop.svc.cluster.local.', 'default', o.services, o.slices)?.ips[0], '10.96.0.20');
});

test('an allowed connection through a ClusterIP is predicted forwarded to one of its endpoints across nodes', () => {
  const p = predictConnection(objs(), 'default/client', parseTarget('web.shop'), { follow: '10.244.2.3' });
  assert.equal(p.verdict, 'forwarded');
  assert.deepEqual(p.service?.candidates.map((c) => c.ip), ['10.244.2.3', '10.244.1.4']);
  assert.equal(p.endpoint?.pod, 'shop/web-1');
  assert.equal(p.route, 'node-1 → node-2 via 172.18.0.3');
  assert.equal(p.ingress?.allowed, true);
});

test('a pod the policy does not allow is predicted dropped at ingress; no endpoints is predicted rejected', () => {
  const d = predictConnection(objs(), 'shop/web-2', parseTarget('10.244.2.3:8080'));
  assert.equal(d.verdict, 'dropped');
  assert.match(d.reason, /^NetworkPolicy ingress: /);
  const r = predictConnection(objs(), 'default/client', parseTarget('empty.shop'));
  assert.equal(r.verdict, 'rejected');
  assert.equal(predictConnection(objs(), 'default/client', parseTarget('nothing.here')).verdict, 'unresolved');
});

test('a kernel that chose an endpoint outside the plan and dropped at ingress is flagged hop by hop', () => {
  const p = predictConnection(objs(), 'default/client', parseTarget('web.shop'), { follow: '10.244.2.3' });
  const k: KernelTrace = {
    sent: 'timeout', sport: 40000,
    nodes: [
      { node: 'node-1', packets: [{ saddr: '10.244.1.2', daddr: '10.244.9.9', oif: 'eth0', table: 'podnet-proxy', chain: 'filter-forward' }], steps: [{ family: 'ip', table: 'podnet-proxy', chain: 'endpoint-x', kind: 'rule', text: 'meta l4proto tcp dnat to 10.244.9.9:8080', verdict: 'accept' }] },
      { node: 'node-2', packets: [], steps: [{ family: 'inet', table: 'podnet-netpol', chain: 'in-0123', kind: 'rule', text: 'counter name "drop-in-0123" drop', verdict: 'drop' }] },
    ],
  };
  const { hops, match } = compareTrace(p, k);
  assert.equal(match, false);
  const byStep = new Map(hops.map((h) => [h.step, h]));
  assert.equal(byStep.get('service')?.differs, true);
  assert.equal(byStep.get('ingress policy')?.kernel, 'dropped in in-0123');
  assert.equal(byStep.get('ingress policy')?.differs, true);
  assert.equal(byStep.get('result')?.kernel, 'dropped (timeout)');
  assert.equal(byStep.get('route')?.differs, false);
});
