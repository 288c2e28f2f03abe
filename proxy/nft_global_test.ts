import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PlanCache, planServiceRules, type PlanInput } from './plan.js';
import { modelOf, objectsOf, renderNft } from './nft_render.js';
import { isConsumed } from './nft_build.js';
import { traceServicePacket } from './trace.js';
import { svc, slice, type EpOpts } from './fixtures.js';
import { run, runOk, rootTestsEnabled } from '../host/exec.js';
import { realNft } from '../host/nft.js';
import { canonical } from './testing/nft_listing.js';

const node = { name: 'n1', ips: ['172.18.0.2'] };
const plan = (p: Partial<PlanInput>) => planServiceRules({ services: [], slices: [], node, config: { clusterCIDR: '10.244.0.0/16' }, ...p });
const lines = (script: string, re: RegExp) => script.split('\n').filter((l) => re.test(l));
const eps = (...ips: string[]): EpOpts[] => ips.map((ip) => ({ ip, node: ip.startsWith('10.244.1.') ? 'n1' : 'n2' }));
const T = 'ip podnet-proxy';

test('a plain ClusterIP Service is map elements only: a selector chain per protocol and count, one backend per index', () => {
  const p = plan({
    services: [svc('web', { ns: 'shop' }), svc('dns', { clusterIP: '10.96.0.11', ports: [{ name: 'dns', port: 53, protocol: 'UDP' }] })],
    slices: [slice('web', eps('10.244.1.11', '10.244.2.12'), undefined, { ns: 'shop' }), slice('dns', eps('10.244.1.11'), [{ name: 'dns', port: 5353, protocol: 'UDP' }])],
  });
  const script = renderNft(p);
  assert.deepEqual(lines(script, /(service|endpoint|external)-[a-z2-7]{8}-/), [], 'no per-Service chains');
  assert.ok(script.includes(`add element ${T} service-ips { 10.96.0.11 . udp . 53 : goto select-udp-1, 10.96.0.10 . tcp . 80 : goto select-tcp-2 }`), script);
  assert.ok(script.includes(`add element ${T} backends-tcp { 10.96.0.10 . tcp . 80 . 0 : 10.244.1.11 . 8080, 10.96.0.10 . tcp . 80 . 1 : 10.244.2.12 . 8080 }`));
  assert.ok(script.includes(`add element ${T} backends-udp { 10.96.0.11 . udp . 53 . 0 : 10.244.1.11 . 5353 }`));
  assert.ok(script.includes(`add element ${T} hairpin { 10.244.1.11 . 10.244.1.11 }`), 'one pair per endpoint on this node, shared ones once');
  assert.doesNotMatch(script, /10\.244\.2\.12 \. 10\.244\.2\.12/, "another node's pod meets its own node's DNAT");
  assert.deepEqual(lines(script, /^add rule ip podnet-proxy select-tcp-2 /), [
    `add rule ${T} select-tcp-2 ip saddr != 10.244.0.0/16 ip daddr @cluster-ips jump mark-for-masquerade`,
    `add rule ${T} select-tcp-2 meta l4proto tcp dnat ip to ip daddr . meta l4proto . th dport . numgen random mod 2 map @backends-tcp`,
  ]);
  assert.ok(script.includes(`add rule ${T} masquerading ip saddr . ip daddr @hairpin meta mark set meta mark | 0x4000`));
});

test('an endpoint change is element edits only; a new endpoint count adds its selector chain, an unused one goes', () => {
  const services = [svc('a'), svc('b', { clusterIP: '10.96.0.11' })];
  const first = plan({ services, slices: [slice('a', eps('10.244.1.11', '10.244.1.12')), slice('b', eps('10.244.1.13', '10.244.1.14'))] });
  const moved = plan({ services, slices: [slice('a', eps('10.244.1.11', '10.244.1.15')), slice('b', eps('10.244.1.13', '10.244.1.14'))] });
  const inc = renderNft(moved, first);
  assert.deepEqual(inc.trim().split('\n'), [
    `delete element ${T} hairpin { 10.244.1.12 . 10.244.1.12 }`,
    `delete element ${T} backends-tcp { 10.96.0.10 . tcp . 80 . 1 }`,
    `add element ${T} hairpin { 10.244.1.15 . 10.244.1.15 }`,
    `add element ${T} backends-tcp { 10.96.0.10 . tcp . 80 . 1 : 10.244.1.15 . 8080 }`,
  ]);
  const three = plan({ services, slices: [slice('a', eps('10.244.1.11', '10.244.1.12', '10.244.1.15')), slice('b', eps('10.244.1.13', '10.244.1.14'))] });
  const grow = renderNft(three, first);
  assert.deepEqual(lines(grow, /^(add|delete|flush) chain/), [`add chain ${T} select-tcp-3`], 'the one object added; select-tcp-2 is still used by b');
  assert.equal(lines(grow, /^add rule ip podnet-proxy select-tcp-3 /).length, 2);
  assert.match(grow, /add element ip podnet-proxy service-ips \{ 10\.96\.0\.10 \. tcp \. 80 : goto select-tcp-3 \}/);
  const both3 = plan({ services, slices: [slice('a', eps('10.244.1.11', '10.244.1.12', '10.244.1.15')), slice('b', eps('10.244.1.13', '10.244.1.14', '10.244.1.16'))] });
  const shrink = renderNft(both3, three);
  assert.match(shrink, /^delete chain ip podnet-proxy select-tcp-2$/m);
  assert.match(shrink, /^flush chain ip podnet-proxy select-tcp-2$/m);
});

test('with a PlanCache a change is planned and rendered from the changed Service only; an old plan still renders itself', () => {
  const cache = new PlanCache();
  const services = [svc('a'), svc('b', { clusterIP: '10.96.0.11' })];
  const b = slice('b', eps('10.244.1.12'));
  const input = (a: EpOpts[]) => ({ services, slices: [slice('a', a), b], node, config: { clusterCIDR: '10.244.0.0/16' } });
  const first = planServiceRules(input(eps('10.244.1.11')), cache);
  const firstText = renderNft(first);
  const second = planServiceRules(input(eps('10.244.1.13')), cache);
  assert.equal(second.services[1], first.services[1], 'the unchanged Service keeps its view');
  const inc = renderNft(second, first);
  assert.deepEqual(modelOf(second).delta?.changed, ['default/a/tcp/']);
  assert.match(inc, /^add element ip podnet-proxy backends-tcp \{ 10\.96\.0\.10 \. tcp \. 80 \. 0 : 10\.244\.1\.13 \. 8080 \}$/m);
  assert.equal(inc.split('\n').filter(Boolean).length, 4, inc);
  // `first`'s model was taken over; asking for it again rebuilds it from its plan.
  assert.equal(renderNft(first), firstText);
  assert.equal(traceServicePacket(first, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' }).endpoint?.ip, '10.244.1.11');
  assert.equal(traceServicePacket(second, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' }).endpoint?.ip, '10.244.1.13');
  assert.equal(isConsumed(modelOf(second)), false);
});

test('Services needing per-endpoint state keep kube-proxy chains beside the global maps', () => {
  const three = (name: string) => slice(name, eps('10.244.1.11', '10.244.1.12', '10.244.1.13'));
  const p = plan({
    services: [
      svc('rr', { clusterIP: '10.96.0.11', annotations: { 'podnet.dev/lb-algorithm': 'rr' } }),
      svc('aff', { clusterIP: '10.96.0.12', affinity: 60 }),
      svc('fw', { clusterIP: '10.96.0.13', type: 'LoadBalancer', lbIPs: ['172.18.255.200'], sourceRanges: ['192.0.2.0/24'], ports: [{ port: 80, nodePort: 30080 }] }),
      svc('ann', { clusterIP: '10.96.0.14', annotations: { 'podnet.dev/proxy-layout': 'kube' } }),
      svc('plain', { clusterIP: '10.96.0.15' }),
    ],
    slices: ['rr', 'aff', 'fw', 'ann', 'plain'].map(three),
  });
  const script = renderNft(p);
  for (const name of ['rr', 'aff', 'fw', 'ann']) assert.match(script, new RegExp(`^add chain ip podnet-proxy service-\\S+-default/${name}/tcp/$`, 'm'), name);
  assert.doesNotMatch(script, /chain ip podnet-proxy \S+-default\/plain\//);
  assert.match(script, /10\.96\.0\.15 \. tcp \. 80 : goto select-tcp-3/);
  assert.match(script, /10\.96\.0\.14 \. tcp \. 80 : goto service-\S+-default\/ann\/tcp\//);
  const noAddress = planServiceRules({ services: [svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] })], slices: [three('np')], node: { name: 'n1', ips: [] }, config: { clusterCIDR: '10.244.0.0/16' } });
  assert.match(renderNft(noAddress), /service-nodeports \{ tcp \. 30080 : goto external-/, 'a NodePort needs a node address for a global key');
  const kube = planServiceRules({ services: [svc('plain')], slices: [three('plain')], node, config: { clusterCIDR: '10.244.0.0/16', layout: 'kube' } });
  assert.doesNotMatch(renderNft(kube), /backends|select-|hairpin|masq-external|service-ips-internal/, "layout 'kube' is today's ruleset");
});

test('the tracer follows the global layout: candidates from the backends map, masquerade by source and policy', () => {
  const p = plan({
    services: [
      svc('web'),
      svc('np', { clusterIP: '10.96.0.11', type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }),
      svc('loc', { clusterIP: '10.96.0.12', type: 'LoadBalancer', lbIPs: ['172.18.255.200'], externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30081 }] }),
      svc('none', { clusterIP: '10.96.0.13' }),
    ],
    slices: [slice('web', eps('10.244.1.11', '10.244.2.12')), slice('np', eps('10.244.2.12')), slice('loc', eps('10.244.1.11', '10.244.2.12'))],
  });
  const web = traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp' });
  assert.equal(web.verdict, 'dnat');
  assert.deepEqual(web.candidates, ['10.244.1.11:8080', '10.244.2.12:8080']);
  assert.deepEqual(web.endpoint, { ip: '10.244.1.11', port: 8080 });
  assert.equal(web.masquerade, false);
  assert.deepEqual(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 80, proto: 'tcp', pick: 1 }).endpoint, { ip: '10.244.2.12', port: 8080 });
  assert.equal(traceServicePacket(p, { src: '172.18.0.2', dst: '10.96.0.10', port: 80, proto: 'tcp', from: 'node' }).masquerade, true, 'the node itself');
  const self = traceServicePacket(p, { src: '10.244.1.11', dst: '10.96.0.10', port: 80, proto: 'tcp' });
  assert.equal(self.masquerade, true, 'hairpin');
  assert.ok(self.steps.includes('masquerading: ip saddr . ip daddr @hairpin meta mark set meta mark | 0x4000'));
  const np = traceServicePacket(p, { src: '172.18.0.100', dst: '172.18.0.2', port: 30080, proto: 'tcp' });
  assert.deepEqual([np.verdict, np.endpoint?.ip, np.masquerade], ['dnat', '10.244.2.12', true]);
  const outside = traceServicePacket(p, { src: '172.18.0.100', dst: '172.18.255.200', port: 80, proto: 'tcp' });
  assert.deepEqual([outside.candidates, outside.masquerade], [['10.244.1.11:8080'], false], 'Local: this node only, client IP kept');
  const pod = traceServicePacket(p, { src: '10.244.1.20', dst: '172.18.0.2', port: 30081, proto: 'tcp' });
  assert.deepEqual([pod.candidates, pod.masquerade], [['10.244.1.11:8080', '10.244.2.12:8080'], false], 'Local from a pod: every endpoint');
  const fromNode = traceServicePacket(p, { src: '172.18.0.2', dst: '172.18.255.200', port: 80, proto: 'tcp', from: 'node' });
  assert.deepEqual([fromNode.candidates.length, fromNode.masquerade], [2, true]);
  assert.equal(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.13', port: 80, proto: 'tcp' }).verdict, 'reject');
  assert.equal(traceServicePacket(p, { src: '10.244.1.20', dst: '10.96.0.10', port: 81, proto: 'tcp' }).verdict, 'reject');
});

describe('the global layout in a real kernel', { skip: !rootTestsEnabled() && 'needs root' }, () => {
  const ns = `pn-t${randomBytes(3).toString('hex')}-glob`;
  before(() => runOk('ip', ['netns', 'add', ns]));
  after(() => run('ip', ['netns', 'del', ns]));

  test('a periodic full sync over the live table lists like the replacing one, and rules referencing the maps can be added later', async () => {
    const services = [svc('a'), svc('u', { clusterIP: '10.96.0.11', ports: [{ port: 53, protocol: 'UDP' }] }), svc('l', { clusterIP: '10.96.0.12', type: 'NodePort', externalTrafficPolicy: 'Local', ports: [{ port: 80, nodePort: 30080 }] })];
    const first = plan({ services, slices: [slice('a', eps('10.244.1.11')), slice('u', eps('10.244.1.11'), [{ port: 5353, protocol: 'UDP' }]), slice('l', eps('10.244.1.11', '10.244.2.11'))] });
    await realNft.apply(ns, renderNft(first));
    const want = canonical((await realNft.listTable(ns, 'ip', 'podnet-proxy'))!);
    await realNft.apply(ns, renderNft(first, undefined, objectsOf(first)));
    assert.equal(canonical((await realNft.listTable(ns, 'ip', 'podnet-proxy'))!), want);
    // New endpoint counts of both protocols: selector chains added to the live table.
    const next = plan({ services, slices: [slice('a', eps('10.244.1.11', '10.244.1.12', '10.244.1.13')), slice('u', eps('10.244.1.11', '10.244.1.12', '10.244.1.13', '10.244.1.14'), [{ port: 5353, protocol: 'UDP' }]), slice('l', eps('10.244.1.11'))] });
    await realNft.apply(ns, renderNft(next, first));
    const listing = (await realNft.listTable(ns, 'ip', 'podnet-proxy'))!;
    assert.match(listing, /chain select-udp-4 \{[^}]*dnat ip to ip daddr \. meta l4proto \. udp dport \. numgen random mod 4 map @backends-udp/);
    assert.match(listing, /chain select-tcp-3 \{/);
  });
});
