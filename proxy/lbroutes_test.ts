import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { applyLoadBalancerRoutes, lbRouteCommands, planLoadBalancerRoutes } from './lbroutes.js';
import { svc, slice } from './fixtures.js';
import { run, runOk, rootTestsEnabled } from '../host/exec.js';

const nodes = [
  { name: 'n1', ip: '172.18.0.2' },
  { name: 'n2', ip: '172.18.0.3' },
  { name: 'n3', ip: '172.18.0.4' },
];
const lb = (name: string, ip: string, local = false) =>
  svc(name, { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30080 }], lbIPs: [ip], ...(local ? { externalTrafficPolicy: 'Local' as const } : {}) });

test('Cluster LoadBalancer IPs go to every node; Local ones only to nodes with ready endpoints', () => {
  const plan = planLoadBalancerRoutes(
    [lb('a', '172.18.255.200'), lb('b', '172.18.255.201', true), lb('c', '172.18.255.202', true), svc('d')],
    [slice('b', [{ ip: '10.244.3.5', node: 'n3' }, { ip: '10.244.1.5', node: 'n1' }, { ip: '10.244.2.5', node: 'n2', ready: false }])],
    nodes,
  );
  assert.deepEqual([...plan], [
    ['172.18.255.200', ['172.18.0.2', '172.18.0.3', '172.18.0.4']],
    ['172.18.255.201', ['172.18.0.2', '172.18.0.4']],
    ['172.18.255.202', []],
  ]);
  assert.deepEqual(lbRouteCommands(plan, ['172.18.255.202', '172.18.255.250']), [
    ['route', 'replace', '172.18.255.200/32', 'proto', '250', 'nexthop', 'via', '172.18.0.2', 'nexthop', 'via', '172.18.0.3', 'nexthop', 'via', '172.18.0.4'],
    ['route', 'replace', '172.18.255.201/32', 'proto', '250', 'nexthop', 'via', '172.18.0.2', 'nexthop', 'via', '172.18.0.4'],
    ['route', 'del', '172.18.255.202/32', 'proto', '250'],
    ['route', 'del', '172.18.255.250/32', 'proto', '250'],
  ]);
});

describe('LoadBalancer routes in a real namespace', { skip: !rootTestsEnabled() && 'needs root' }, () => {
  const ns = `pn-t${randomBytes(3).toString('hex')}-lbnet`;
  before(async () => {
    await runOk('ip', ['netns', 'add', ns]);
    await runOk('ip', ['link', 'add', 'br0', 'type', 'bridge'], { netns: ns });
    await runOk('ip', ['addr', 'add', '172.18.0.1/16', 'dev', 'br0'], { netns: ns });
    await runOk('ip', ['link', 'set', 'br0', 'up'], { netns: ns });
  });
  after(async () => {
    await run('ip', ['netns', 'del', ns]);
  });

  test('apply installs ECMP routes and removes the ones no longer wanted', async () => {
    await applyLoadBalancerRoutes(ns, planLoadBalancerRoutes([lb('a', '172.18.255.200'), lb('b', '172.18.255.201')], [], nodes.slice(0, 2)));
    const first = await runOk('ip', ['route', 'show', 'proto', '250'], { netns: ns });
    assert.match(first, /172\.18\.255\.200 \n?\s*nexthop via 172\.18\.0\.2 dev br0 weight 1 \n?\s*nexthop via 172\.18\.0\.3 dev br0 weight 1/);
    await applyLoadBalancerRoutes(ns, planLoadBalancerRoutes([lb('a', '172.18.255.200')], [], nodes.slice(0, 1)));
    const second = await runOk('ip', ['route', 'show', 'proto', '250'], { netns: ns });
    assert.equal(second.trim(), '172.18.255.200 via 172.18.0.2 dev br0');
  });
});
