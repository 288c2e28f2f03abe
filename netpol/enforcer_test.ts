// The per-node plan in nft notation, the kernel's acceptance of it, and the daemon's sync loop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject, Pod } from '../api/types.js';
import { MemorySource } from '../client/memory.js';
import { R } from '../client/source.js';
import { rootTestsEnabled } from '../host/exec.js';
import { deleteNetns, ensureNetns } from '../host/netns.js';
import { FakeNft, realNft } from '../host/nft.js';
import { testPrefix } from '../host/testutil.js';
import { fixture, policy } from './conformance/fixture.js';
import { planNodePolicy } from './enforcer.js';
import { startNetpol } from './netpol.js';
import { renderNft } from './render.js';

const { namespaces, pods } = fixture();

function chainOf(script: string, comment: string): string[] {
  const lines = script.split('\n');
  const start = lines.findIndex((l) => l.trim() === `comment "${comment}"`);
  assert.ok(start > 0, `no chain for ${comment}`);
  const end = lines.findIndex((l, i) => i > start && l.trim() === '}');
  return lines.slice(start + 1, end).map((l) => l.trim());
}

describe('planNodePolicy / renderNft', () => {
  it('a pod selected for ingress gets a chain allowing its peers, ending in a counted drop', () => {
    const plan = planNodePolicy({
      node: 'node-1',
      pods,
      namespaces,
      policies: [policy('x', 'web', { podSelector: { matchLabels: { pod: 'a' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ port: 'serve-81-tcp' }, { protocol: 'UDP', port: 80, endPort: 81 }] }] })],
    });
    const script = renderNft(plan);
    const set = plan.sets.find((s) => s.elements.join(',') === '10.244.0.13,10.244.0.14,10.244.0.15')!;
    assert.ok(set);
    const chain = plan.chains[0]!;
    assert.deepEqual(chainOf(script, 'x/a ingress'), [
      `ip saddr @${set.name} meta l4proto tcp th dport 81 return comment "web ingress rule 0"`,
      `ip saddr @${set.name} meta l4proto udp th dport 80-81 return comment "web ingress rule 0"`,
      `counter name ${chain.counter} drop`,
    ]);
    assert.match(script, new RegExp(`map ingress-v4 \\{ type ipv4_addr : verdict; elements = \\{ 10\\.244\\.0\\.10 : jump ${chain.chain} \\}; \\}`));
    assert.match(script, /map egress-v4 \{ type ipv4_addr : verdict; \}/);
  });

  it('an egress named port resolves per destination pod, grouped by the number it names', () => {
    const withPorts = (p: Pod, port: number): Pod => ({ ...p, spec: { ...p.spec!, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: port }] }] } });
    const mixed = pods.map((p) => (p.metadata!.namespace === 'y' ? withPorts(p, p.metadata!.name === 'a' ? 8080 : 80) : p));
    const plan = planNodePolicy({ node: 'node-1', pods: mixed, namespaces, policies: [policy('x', 'out', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] })] });
    const script = renderNft(plan);
    const s80 = plan.sets.find((s) => s.elements.join(',') === '10.244.0.14,10.244.0.15')!;
    const s8080 = plan.sets.find((s) => s.elements.join(',') === '10.244.0.13')!;
    assert.deepEqual(chainOf(script, 'x/a egress').slice(0, 2), [
      `ip daddr @${s80.name} meta l4proto tcp th dport 80 return comment "out egress rule 0"`,
      `ip daddr @${s8080.name} meta l4proto tcp th dport 8080 return comment "out egress rule 0"`,
    ]);
  });

  it('writes chains only for pods of its node, but matches peers on every node', () => {
    const elsewhere = pods.map((p) => (p.metadata!.namespace === 'y' ? { ...p, spec: { ...p.spec!, nodeName: 'node-2' } } : p));
    const plan = planNodePolicy({ node: 'node-2', pods: elsewhere, namespaces, policies: [policy('y', 'from-x', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'x' } } }] }] })] });
    assert.deepEqual(plan.chains.map((c) => c.pod), ['y/a', 'y/b', 'y/c']);
    assert.deepEqual(plan.sets.map((s) => s.elements.join(',')), ['10.244.0.10,10.244.0.11,10.244.0.12']);
    assert.deepEqual(plan.known[4], ['10.244.0.13', '10.244.0.14', '10.244.0.15']);
  });

  it('an ipBlock with except becomes a prefix match minus the holes; log prefix names pod and direction', () => {
    const plan = planNodePolicy({ node: 'node-1', pods, namespaces, logGroup: 3, policies: [policy('x', 'cidr', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.244.0.0/24', '10.9.0.0/16'] } }, { ipBlock: { cidr: 'fd00::/8' } }] }] })] });
    const chain = plan.chains[0]!;
    assert.deepEqual(chainOf(renderNft(plan), 'x/b ingress'), [
      'ip saddr 10.0.0.0/8 ip saddr != { 10.244.0.0/24, 10.9.0.0/16 } return comment "cidr ingress rule 0"',
      'ip6 saddr fd00::/8 return comment "cidr ingress rule 0"',
      `counter name ${chain.counter} log prefix "podnet-drop:x/b:ingress: " group 3 drop`,
    ]);
  });

  it('the rendered ruleset is accepted by the kernel, twice in a row (atomic replace)', { skip: !rootTestsEnabled() && 'needs root' }, async () => {
    const ns = `${testPrefix()}nft`;
    await ensureNetns(ns);
    try {
      const plan = planNodePolicy({
        node: 'node-1',
        pods,
        namespaces,
        podCIDRs: ['10.244.0.0/24', 'fd00:10:244::/64'],
        routeBridged: { bridgeMAC: '02:00:00:00:00:01' },
        logGroup: 1,
        policies: [policy('x', 'all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }, { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ protocol: 'SCTP', port: 80 }, { port: 'serve-80-udp', protocol: 'UDP' }] }], egress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
      });
      const script = renderNft(plan, { counters: new Map([[plan.chains[0]!.counter, { packets: 7, bytes: 420 }]]) });
      await realNft.apply(ns, script);
      await realNft.apply(ns, script);
      const listed = await realNft.listTable(ns, 'inet', 'podnet-netpol');
      assert.match(listed!, new RegExp(`counter ${plan.chains[0]!.counter} \\{\\s+packets 7 bytes 420`));
      assert.ok(await realNft.listTable(ns, 'bridge', 'podnet-netpol'));
    } finally {
      await deleteNetns(ns);
    }
  });
});

describe('startNetpol', () => {
  it('writes the ruleset on start and again after a policy change; stop keeps the rules', async () => {
    const source = new MemorySource();
    for (const o of [...namespaces, ...pods]) source.apply(o as KubeObject);
    const nft = new FakeNft();
    const np = await startNetpol({ source, node: { name: 'node-1', netns: 'pn-unit-node' }, nft, bridgeMode: 'br_netfilter' });
    assert.equal(nft.applied.length, 1);
    assert.doesNotMatch(nft.applied[0]!.script, /chain in-/);
    source.apply(policy('x', 'deny', { podSelector: {}, policyTypes: ['Ingress'] }) as KubeObject);
    source.apply(policy('x', 'deny2', { podSelector: {}, policyTypes: ['Ingress'] }) as KubeObject);
    await np.syncNow();
    const last = nft.applied.at(-1)!.script;
    assert.equal((last.match(/comment "x\/[abc] ingress"/g) ?? []).length, 3);
    assert.equal(np.lastPlan()!.chains.length, 3);
    assert.match(np.metrics(), /podnet_netpol_isolated_pods\{direction="Ingress"\} 3/);
    source.remove(R.networkpolicies, 'x', 'deny');
    source.remove(R.networkpolicies, 'x', 'deny2');
    await np.syncNow();
    assert.equal(np.lastPlan()!.chains.length, 0);
    await np.stop();
    assert.deepEqual(nft.deleted, []);
  });

  it('stop with deleteRules removes both tables', async () => {
    const nft = new FakeNft();
    const np = await startNetpol({ source: new MemorySource(), node: { name: 'n', netns: 'pn-unit-node' }, nft, bridgeMode: 'br_netfilter' });
    await np.stop({ deleteRules: true });
    assert.deepEqual(nft.deleted.map((d) => `${d.family} ${d.table}`), ['inet podnet-netpol', 'bridge podnet-netpol']);
  });
});
