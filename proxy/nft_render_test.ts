import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { planServiceRules, type PlanInput } from './plan.js';
import { renderNft } from './nft_render.js';
import { svc, slice } from './fixtures.js';
import { run, rootTestsEnabled } from '../host/exec.js';
import { realNft } from '../host/nft.js';

const node = { name: 'n1', ips: ['172.18.0.2'] };
const plan = (p: Partial<PlanInput>) => planServiceRules({ services: [], slices: [], node, config: { clusterCIDR: '10.244.0.0/16', layout: 'kube' }, ...p });
const lines = (script: string, re: RegExp) => script.split('\n').filter((l) => re.test(l));

test('a ClusterIP Service renders kube-proxy style chains, map elements and a numgen cascade', () => {
  const p = plan({
    services: [svc('web', { ns: 'shop', ports: [{ name: 'http', port: 80 }], annotations: { 'podnet.dev/lb-algorithm': 'rr' } })],
    slices: [slice('web', [{ ip: '10.244.1.11' }, { ip: '10.244.1.12' }], [{ name: 'http', port: 8080 }], { ns: 'shop' })],
  });
  const script = renderNft(p);
  assert.deepEqual(lines(script, /shop\/web/), [
    'add chain ip podnet-proxy service-khn6ecmt-shop/web/tcp/http',
    'add chain ip podnet-proxy endpoint-fayf65xv-shop/web/tcp/http__10.244.1.11/8080',
    'add chain ip podnet-proxy endpoint-uzohukhh-shop/web/tcp/http__10.244.1.12/8080',
    'add element ip podnet-proxy service-ips { 10.96.0.10 . tcp . 80 : goto service-khn6ecmt-shop/web/tcp/http }',
    'add rule ip podnet-proxy service-khn6ecmt-shop/web/tcp/http ip daddr 10.96.0.10 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
    'add rule ip podnet-proxy service-khn6ecmt-shop/web/tcp/http numgen inc mod 2 0 goto endpoint-fayf65xv-shop/web/tcp/http__10.244.1.11/8080',
    'add rule ip podnet-proxy service-khn6ecmt-shop/web/tcp/http goto endpoint-uzohukhh-shop/web/tcp/http__10.244.1.12/8080',
    'add rule ip podnet-proxy endpoint-fayf65xv-shop/web/tcp/http__10.244.1.11/8080 ip saddr 10.244.1.11 jump mark-for-masquerade',
    'add rule ip podnet-proxy endpoint-fayf65xv-shop/web/tcp/http__10.244.1.11/8080 meta l4proto tcp dnat to 10.244.1.11:8080',
    'add rule ip podnet-proxy endpoint-uzohukhh-shop/web/tcp/http__10.244.1.12/8080 ip saddr 10.244.1.12 jump mark-for-masquerade',
    'add rule ip podnet-proxy endpoint-uzohukhh-shop/web/tcp/http__10.244.1.12/8080 meta l4proto tcp dnat to 10.244.1.12:8080',
  ]);
  assert.ok(script.includes('add chain ip podnet-proxy nat-prerouting { type nat hook prerouting priority -100; policy accept; }'));
  assert.ok(script.includes('add chain ip podnet-proxy filter-forward { type filter hook forward priority -110; policy accept; }'));
  assert.ok(script.includes('add element ip podnet-proxy cluster-ips { 10.96.0.10 }'));
  assert.ok(script.startsWith('add table ip podnet-proxy\ndelete table ip podnet-proxy\nadd table ip podnet-proxy\n'), 'replaces the table when the kernel state is unknown');
  assert.ok(!script.includes('flush '));
});

test('each scheduler renders its cascade: numgen random/inc, weighted counters, jhash of source or destination', () => {
  const eps = slice('web', [{ ip: '10.244.1.11' }, { ip: '10.244.1.12' }, { ip: '10.244.1.13' }]);
  const sel = (algo: string, extra: Record<string, string> = {}) =>
    lines(renderNft(plan({ services: [svc('web', { annotations: { 'podnet.dev/lb-algorithm': algo, ...extra } })], slices: [eps] })), /^add rule ip podnet-proxy service-/)
      .slice(1)
      .map((l) => l.replace(/^add rule ip podnet-proxy service-\S+ /, '').replace(/endpoint-\S+__/, ''));
  assert.deepEqual(sel('random'), ['numgen random mod 3 0 goto 10.244.1.11/8080', 'numgen random mod 2 0 goto 10.244.1.12/8080', 'goto 10.244.1.13/8080']);
  assert.deepEqual(sel('rr'), ['numgen inc mod 3 0 goto 10.244.1.11/8080', 'numgen inc mod 2 0 goto 10.244.1.12/8080', 'goto 10.244.1.13/8080']);
  assert.deepEqual(sel('wrr', { 'podnet.dev/lb-weights': '10.244.1.11=3,10.244.1.12=0' }), ['numgen inc mod 4 < 3 goto 10.244.1.11/8080', 'goto 10.244.1.13/8080']);
  assert.match(sel('sh')[0]!, /^jhash ip saddr mod 3 seed 0x[0-9a-f]{8} 0 goto 10\.244\.1\.11\/8080$/);
  assert.match(sel('dh')[1]!, /^jhash ip daddr \. th dport mod 3 seed 0x[0-9a-f]{8} 1 goto 10\.244\.1\.12\/8080$/);
});

test('selection "vmap" renders kube-proxy\'s anonymous numgen verdict maps, weights as index ranges', () => {
  const eps = slice('web', [{ ip: '10.244.1.11' }, { ip: '10.244.1.12' }]);
  const vplan = (ann: Record<string, string>) =>
    planServiceRules({ services: [svc('web', { annotations: ann })], slices: [eps], node, config: { clusterCIDR: '10.244.0.0/16', selection: 'vmap', layout: 'kube' } });
  assert.match(renderNft(vplan({})), /numgen random mod 2 vmap \{ 0 : goto endpoint-\S+, 1 : goto endpoint-\S+ \}/);
  const wrr = renderNft(vplan({ 'podnet.dev/lb-algorithm': 'wrr', 'podnet.dev/lb-weights': '10.244.1.11=3,10.244.1.12=1' }));
  assert.match(wrr, /numgen inc mod 4 vmap \{ 0-2 : goto endpoint-\S+__10\.244\.1\.11\/8080, 3 : goto endpoint-\S+__10\.244\.1\.12\/8080 \}/);
  const sh = renderNft(vplan({ 'podnet.dev/lb-algorithm': 'sh' }));
  assert.match(sh, /jhash ip saddr mod 2 seed 0x[0-9a-f]{8} vmap \{ 0 : goto endpoint-\S+, 1 : goto endpoint-\S+ \}/);
});

test('an unchanged plan renders an empty incremental transaction', () => {
  const input = { services: [svc('web')], slices: [slice('web', [{ ip: '10.244.1.11' }])] };
  assert.equal(renderNft(plan(input), plan(input)), '');
});

test('an endpoint change rewrites only that Service and its endpoint chains', () => {
  const many = Array.from({ length: 50 }, (_, i) => svc(`s${i}`, { clusterIP: `10.96.1.${i}` }));
  const slices = many.map((_, i) => slice(`s${i}`, [{ ip: `10.244.1.${i + 10}` }]));
  const before = plan({ services: many, slices });
  const changed = [...slices];
  changed[7] = slice('s7', [{ ip: '10.244.1.17' }, { ip: '10.244.2.99' }]);
  const script = renderNft(plan({ services: many, slices: changed }), before);
  assert.deepEqual(script.trim().split('\n').map((l) => l.replace(/ \S+__/, ' …__')), [
    'add chain ip podnet-proxy …__10.244.2.99/8080',
    'flush chain ip podnet-proxy service-fkczxrhr-default/s7/tcp/',
    'add rule ip podnet-proxy service-fkczxrhr-default/s7/tcp/ ip daddr 10.96.1.7 tcp dport 80 ip saddr != 10.244.0.0/16 jump mark-for-masquerade',
    'add rule ip podnet-proxy service-fkczxrhr-default/s7/tcp/ numgen random mod 2 0 goto …__10.244.1.17/8080',
    'add rule ip podnet-proxy service-fkczxrhr-default/s7/tcp/ goto …__10.244.2.99/8080',
    'add rule ip podnet-proxy …__10.244.2.99/8080 ip saddr 10.244.2.99 jump mark-for-masquerade',
    'add rule ip podnet-proxy …__10.244.2.99/8080 meta l4proto tcp dnat to 10.244.2.99:8080',
  ]);
});

test('a removed Service loses its map elements and chains; losing all endpoints switches to reject', () => {
  const input = { services: [svc('a', { clusterIP: '10.96.0.20' }), svc('b', { clusterIP: '10.96.0.21' })], slices: [slice('a', [{ ip: '10.244.1.11' }]), slice('b', [{ ip: '10.244.1.12' }])] };
  const before = plan(input);
  const removed = renderNft(plan({ services: [input.services[1]!], slices: [input.slices[1]!, slice('a', [])] }), before);
  assert.deepEqual(lines(removed, /^delete/), [
    'delete element ip podnet-proxy service-ips { 10.96.0.20 . tcp . 80 }',
    'delete element ip podnet-proxy cluster-ips { 10.96.0.20 }',
    'delete chain ip podnet-proxy service-zjdoce4o-default/a/tcp/',
    'delete chain ip podnet-proxy endpoint-7ft5nlt4-default/a/tcp/__10.244.1.11/8080',
  ]);
  const drained = renderNft(plan({ services: input.services, slices: [input.slices[1]!] }), before);
  assert.ok(drained.includes('add element ip podnet-proxy no-endpoint-services { 10.96.0.20 . tcp . 80 : goto reject-chain }'));
  assert.ok(drained.includes('delete element ip podnet-proxy service-ips { 10.96.0.20 . tcp . 80 }'));
});

test('two Services claiming one external IP and port: the first keeps it, the transaction stays valid', () => {
  const a = svc('a', { clusterIP: '10.96.0.20', externalIPs: ['203.0.113.10'] });
  const b = svc('b', { clusterIP: '10.96.0.21', externalIPs: ['203.0.113.10'] });
  const script = renderNft(plan({ services: [a, b], slices: [slice('a', [{ ip: '10.244.1.11' }]), slice('b', [{ ip: '10.244.1.12' }])] }));
  assert.equal(script.match(/203\.0\.113\.10 \. tcp \. 80 :/g)?.length, 1);
  assert.match(script, /203\.0\.113\.10 \. tcp \. 80 : goto external-\S+-default\/a\//);
});

test('a full sync deletes chains and sets the kernel has but the plan does not', () => {
  const script = renderNft(plan({}), undefined, { chains: ['service-old', 'services'], sets: ['affinity-old'], maps: [] });
  assert.ok(script.includes('flush chain ip podnet-proxy service-old\n'));
  assert.ok(script.includes('delete chain ip podnet-proxy service-old\n'));
  assert.ok(script.includes('delete set ip podnet-proxy affinity-old\n'));
  assert.ok(!script.includes('delete chain ip podnet-proxy services\n'));
  assert.ok(script.includes('flush chain ip podnet-proxy services\n'));
  assert.ok(!script.includes('delete table'));
});

describe('the kernel accepts the rendered text', { skip: !rootTestsEnabled() && 'needs root' }, () => {
  const ns = `pn-t${randomBytes(3).toString('hex')}-render`;
  before(async () => {
    const r = await run('ip', ['netns', 'add', ns]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(async () => {
    await run('ip', ['netns', 'del', ns]);
  });

  test('full and incremental transactions apply, and list back with every object', async () => {
    const all = svc('web', {
      type: 'LoadBalancer',
      ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'dns', port: 53, protocol: 'UDP', nodePort: 30053 }],
      lbIPs: ['172.18.255.200'],
      sourceRanges: ['172.18.0.0/16'],
      affinity: 60,
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 32000,
      annotations: { 'podnet.dev/lb-algorithm': 'wrr', 'podnet.dev/lb-weights': '10.244.1.2=3' },
    });
    const eps = slice('web', [{ ip: '10.244.1.2', node: 'n1' }, { ip: '10.244.2.2', node: 'n2' }], [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }]);
    const algos = ['random', 'rr', 'sh', 'dh'].map((a, i) => svc(`s-${a}`, { clusterIP: `10.96.0.${30 + i}`, externalIPs: [`203.0.113.${10 + i}`], annotations: { 'podnet.dev/lb-algorithm': a } }));
    const algoEps = algos.map((s) => slice(s.metadata!.name!, [{ ip: '10.244.1.2' }, { ip: '10.244.1.3' }]));
    const first = plan({ services: [all, ...algos, svc('none', { clusterIP: '10.96.0.40' })], slices: [eps, ...algoEps] });
    await realNft.check(ns, renderNft(first));
    const vmapForm = planServiceRules({ services: [all, ...algos], slices: [eps, ...algoEps], node, config: { clusterCIDR: '10.244.0.0/16', selection: 'vmap', layout: 'kube' } });
    await realNft.check(ns, renderNft(vmapForm));
    await realNft.apply(ns, renderNft(first));
    const second = plan({ services: [all, ...algos.slice(1)], slices: [slice('web', [{ ip: '10.244.1.9', node: 'n1' }], [{ name: 'http', port: 8080 }]), ...algoEps] });
    await realNft.apply(ns, renderNft(second, first));
    const listed = (await realNft.listTable(ns, 'ip', 'podnet-proxy'))!;
    assert.match(listed, /dnat to 10\.244\.1\.9:8080/);
    assert.doesNotMatch(listed, /web\/tcp\/http__10\.244\.1\.2\/8080/);
    assert.doesNotMatch(listed, /s-random/);
    assert.match(listed, /jhash ip daddr \. th dport mod 2 seed 0x[0-9a-f]{8} 0 goto/);
    // A full sync over the incremental result converges to the same table.
    await realNft.apply(ns, renderNft(second, undefined, { chains: [...listed.matchAll(/^\tchain (\S+) \{/gm)].map((m) => m[1]!), sets: [], maps: [] }));
    assert.equal(await realNft.listTable(ns, 'ip', 'podnet-proxy'), listed);
  });
});
