import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planCluster, egressRules } from './topology_plan.js';

const nodes = [
  { name: 'node1', podCIDR: '10.244.1.0/24' },
  { name: 'node2', podCIDR: '10.244.2.0/24' },
  { name: 'node3', podCIDR: '10.244.3.0/24' },
];
const routeLines = (rs: readonly { dst: string; via: string; dev?: string; onlink?: boolean }[]) =>
  rs.map((r) => `${r.dst} via ${r.via}${r.dev ? ` dev ${r.dev}` : ''}${r.onlink ? ' onlink' : ''}`);

test('nodes get netns pn-<cluster>-<node> and underlay addresses from .2 on', () => {
  const p = planCluster({ cluster: 'c1', nodes, backend: 'host-gw', stateDir: '/x' });
  assert.equal(p.underlayNetns, 'pn-c1-net');
  assert.equal(p.internetNetns, 'pn-c1-inet');
  assert.equal(p.underlayGateway, '172.18.0.1');
  assert.deepEqual(p.nodes.map((n) => [n.netns, n.ip, n.gatewayIP, n.mtu]), [
    ['pn-c1-node1', '172.18.0.2', '10.244.1.1', 1500],
    ['pn-c1-node2', '172.18.0.3', '10.244.2.1', 1500],
    ['pn-c1-node3', '172.18.0.4', '10.244.3.1', 1500],
  ]);
  assert.ok(p.nodes.every((n) => n.underlayVeth.length <= 15));
});

test('host-gw routes each remote podCIDR via that node, plus the internet via the underlay', () => {
  const p = planCluster({ cluster: 'c1', nodes, backend: 'host-gw', stateDir: '/x' });
  assert.deepEqual(routeLines(p.nodes[0]!.routes), [
    '192.0.2.0/24 via 172.18.0.1',
    '198.51.100.0/24 via 172.18.0.1',
    '203.0.113.0/24 via 172.18.0.1',
    '10.244.2.0/24 via 172.18.0.3',
    '10.244.3.0/24 via 172.18.0.4',
  ]);
  assert.deepEqual(routeLines(p.underlayRoutes), [
    '10.244.1.0/24 via 172.18.0.2',
    '10.244.2.0/24 via 172.18.0.3',
    '10.244.3.0/24 via 172.18.0.4',
    '192.0.2.0/24 via 198.51.100.2',
    '203.0.113.0/24 via 198.51.100.2',
  ]);
});

test('vxlan routes remote podCIDRs over the overlay with FDB/neighbour peers and MTU 1450', () => {
  const p = planCluster({ cluster: 'c1', nodes, backend: 'vxlan', stateDir: '/x' });
  const n2 = p.nodes[1]!;
  assert.equal(n2.mtu, 1450);
  assert.deepEqual(routeLines(n2.routes).slice(3), ['10.244.1.0/24 via 10.244.1.0 dev vxlan.1 onlink', '10.244.3.0/24 via 10.244.3.0 dev vxlan.1 onlink']);
  assert.deepEqual(n2.vxlan?.peers.map((x) => [x.underlayIP, x.overlayIP, x.mac]), [
    ['172.18.0.2', '10.244.1.0', p.nodes[0]!.vxlan!.mac],
    ['172.18.0.4', '10.244.3.0', p.nodes[2]!.vxlan!.mac],
  ]);
});

test('the bridge backend refuses more than one node, and reserved or duplicate node names are refused', () => {
  assert.throws(() => planCluster({ cluster: 'c', nodes, backend: 'bridge', stateDir: '/x' }), /backend "bridge" works on one node/);
  assert.throws(() => planCluster({ cluster: 'c', nodes: [{ name: 'net', podCIDR: '10.244.1.0/24' }], backend: 'bridge', stateDir: '/x' }), /invalid node name "net"/);
  assert.throws(() => planCluster({ cluster: 'c', nodes: [nodes[0]!, nodes[0]!], backend: 'host-gw', stateDir: '/x' }), /unique/);
});

test('egress to the internet ranges is masqueraded for the node\'s pods only', () => {
  assert.equal(
    egressRules('10.244.1.0/24'),
    `table ip podnet-egress
delete table ip podnet-egress
table ip podnet-egress {
  chain postrouting {
    type nat hook postrouting priority srcnat; policy accept;
    ip saddr 10.244.1.0/24 ip daddr { 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 } masquerade
  }
}
`,
  );
});

test('LoadBalancer IPs are routed by the underlay over every node', () => {
  const p = planCluster({ cluster: 'c1', nodes, backend: 'host-gw', stateDir: '/x' });
  assert.deepEqual(p.loadBalancerRoutes, [{ dst: '172.18.255.192/26', vias: ['172.18.0.2', '172.18.0.3', '172.18.0.4'] }]);
  assert.throws(() => planCluster({ cluster: 'c1', nodes, backend: 'host-gw', stateDir: '/x', loadBalancerCIDRs: ['172.18.0.0/24'] }), /overlaps the node addresses/);
});
