// One Service conformance suite, run against every proxy mode: real namespaces, real
// nftables/iptables, real TCP/UDP servers. Each test states the Services and EndpointSlices it
// needs, syncs, and probes from a client pod or from outside the node.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySource } from '../../client/memory.js';
import { R } from '../../client/source.js';
import { run, rootTestsEnabled } from '../../host/exec.js';
import { realNft } from '../../host/nft.js';
import { startProxy, type Proxy } from '../proxy.js';
import { svc, slice, type EpOpts, type SvcOpts } from '../fixtures.js';
import type { KubeObject } from '../../api/types.js';
import type { ProxyMode } from '../types.js';
import { applyLoadBalancerRoutes, planLoadBalancerRoutes } from '../lbroutes.js';
import { createTopology, openLong, probe, startServer, type Topology } from './topology.js';

const CIP = '10.96.0.10';
const NODE = 'n1';

/** What a mode cannot do, by design (see proxy/README.md). */
const LIMITS: Record<ProxyMode, { sh: boolean; sourceIP: boolean; keepsConnections: boolean; probes: boolean; lc: boolean }> = {
  nftables: { sh: true, sourceIP: true, keepsConnections: true, probes: false, lc: false },
  iptables: { sh: false, sourceIP: true, keepsConnections: true, probes: false, lc: false },
  userspace: { sh: true, sourceIP: false, keepsConnections: false, probes: true, lc: true },
};

const names = (results: string[]) => results.map((r) => r.split(':')[0]!);
const count = (results: string[]) => {
  const m = new Map<string, number>();
  for (const n of names(results)) m.set(n, (m.get(n) ?? 0) + 1);
  return m;
};

export function serviceConformanceSuite(mode: ProxyMode): void {
  describe(`Service conformance (${mode} mode)`, { skip: !rootTestsEnabled() && 'needs root' }, () => {
    let topo: Topology;
    let proxy: Proxy | undefined;
    const source = new MemorySource();
    const stops: (() => Promise<void>)[] = [];
    const limits = LIMITS[mode];

    const start = () =>
      startProxy({
        source,
        node: { name: NODE, netns: topo.nodeNs, ips: [topo.nodeIP] },
        mode,
        clusterCIDR: '10.244.0.0/16',
        podCIDR: '10.244.1.0/24',
        minSyncPeriodMs: 0,
        probeIntervalMs: 60_000,
        healthzPort: 10256,
      });

    /** Replaces every Service and slice with these, then syncs. */
    const state = async (services: { name: string; o?: SvcOpts }[], slices: ReturnType<typeof slice>[]) => {
      for (const s of source.informer(R.services).list()) source.remove(R.services, s.metadata?.namespace, s.metadata!.name!);
      for (const s of source.informer(R.endpointslices).list()) source.remove(R.endpointslices, s.metadata?.namespace, s.metadata!.name!);
      for (const s of services) source.apply(svc(s.name, s.o) as KubeObject);
      for (const s of slices) source.apply(s as unknown as KubeObject);
      await proxy!.syncNow();
    };
    const eps = (which: number[], extra: Partial<EpOpts> = {}) => which.map((i) => ({ ip: topo.pods[i]!.ip, node: NODE, pod: topo.pods[i]!.name, ...extra }));
    const fromClient = (o: Parameters<typeof probe>[1]) => probe(topo.client.ns, o);

    before(async () => {
      topo = await createTopology();
      for (const p of topo.pods) stops.push(await startServer(p, { tcp: [8080, 8081], udp: [5353] }));
      proxy = await start();
    });
    after(async () => {
      await proxy?.stop().catch(() => {});
      for (const s of stops) await s();
      await topo?.destroy();
    });

    test('ClusterIP with 3 endpoints reaches all 3 (random, within binomial bounds over 300 connections)', async () => {
      await state([{ name: 'web' }], [slice('web', eps([0, 1, 2]))]);
      const c = count(await fromClient({ host: CIP, port: 80, n: 300 }));
      // mean 100, sd ≈ 8.2: ±5 sd keeps false failures below one in a million per run.
      for (const p of ['p1', 'p2', 'p3']) {
        const k = c.get(p) ?? 0;
        assert.ok(k >= 59 && k <= 141, `${p} got ${k} of 300: ${JSON.stringify([...c])}`);
      }
    });

    test('rr rotates exactly', async () => {
      await state([{ name: 'web', o: { annotations: { 'podnet.dev/lb-algorithm': 'rr' } } }], [slice('web', eps([0, 1, 2]))]);
      const seq = names(await fromClient({ host: CIP, port: 80, n: 12 }));
      assert.equal(new Set(seq.slice(0, 3)).size, 3, seq.join(','));
      for (let i = 3; i < seq.length; i++) assert.equal(seq[i], seq[i - 3], seq.join(','));
    });

    test('sh sends one client to one endpoint', { skip: !limits.sh && 'iptables has no source hashing' }, async () => {
      await state([{ name: 'web', o: { annotations: { 'podnet.dev/lb-algorithm': 'sh' } } }], [slice('web', eps([0, 1, 2]))]);
      assert.equal(count(await fromClient({ host: CIP, port: 80, n: 20 })).size, 1);
    });

    test('UDP and several ports on one Service', async () => {
      const ports = [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' as const }];
      await state([{ name: 'multi', o: { ports } }], [slice('multi', eps([0]), [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }])]);
      assert.match((await fromClient({ host: CIP, port: 80 }))[0]!, /^p1:8080:/);
      assert.match((await fromClient({ host: CIP, port: 53, proto: 'udp' }))[0]!, /^p1:5353:/);
    });

    test('named targetPorts resolve per pod', async () => {
      const a = slice('named', eps([0]), [{ name: 'web', port: 8080 }], { name: 'named-a' });
      const b = slice('named', eps([1]), [{ name: 'web', port: 8081 }], { name: 'named-b' });
      await state([{ name: 'named', o: { ports: [{ name: 'web', port: 80, targetPort: 'web' }], annotations: { 'podnet.dev/lb-algorithm': 'rr' } } }], [a, b]);
      const got = new Set((await fromClient({ host: CIP, port: 80, n: 4 })).map((r) => r.split(':').slice(0, 2).join(':')));
      assert.deepEqual([...got].sort(), ['p1:8080', 'p2:8081']);
    });

    test('the proxy healthz answers on the node once rules are live', async () => {
      const [r] = await probe(topo.extNs, { host: topo.nodeIP, port: 10256, proto: 'http', path: '/healthz' });
      assert.equal(JSON.parse(r!).status, 200);
    });

    test('NodePort answers on the node IP from outside', async () => {
      await state([{ name: 'np', o: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] } }], [slice('np', eps([0, 1]))]);
      const r = await probe(topo.extNs, { host: topo.nodeIP, port: 30080, n: 4 });
      for (const x of r) assert.match(x, /^p[12]:8080:/);
    });

    test('externalTrafficPolicy Local keeps the client IP; healthCheckNodePort says 200, then 503 and drop without local endpoints', async () => {
      const o: SvcOpts = { type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30081 }], externalTrafficPolicy: 'Local', healthCheckNodePort: 32001 };
      await state([{ name: 'loc', o }], [slice('loc', eps([0]))]);
      const [r] = await probe(topo.extNs, { host: topo.nodeIP, port: 30081 });
      assert.match(r!, /^p1:8080:/);
      if (limits.sourceIP) assert.equal(r!.split(':')[2], topo.extIP);
      const [h] = await probe(topo.extNs, { host: topo.nodeIP, port: 32001, proto: 'http' });
      assert.deepEqual(JSON.parse(h!), { status: 200, body: JSON.stringify({ service: { namespace: 'default', name: 'loc' }, localEndpoints: 1, serviceProxyHealthy: true }) });
      await state([{ name: 'loc', o }], [slice('loc', [{ ip: topo.pods[0]!.ip, node: 'elsewhere' }])]);
      const [h2] = await probe(topo.extNs, { host: topo.nodeIP, port: 32001, proto: 'http' });
      assert.equal(JSON.parse(JSON.parse(h2!).body).localEndpoints, 0);
      assert.equal(JSON.parse(h2!).status, 503);
      assert.deepEqual(await probe(topo.extNs, { host: topo.nodeIP, port: 30081, timeoutMs: 500 }), ['TIMEOUT']);
    });

    test('a LoadBalancer IP routed to the node reaches the Service; loadBalancerSourceRanges drop other sources', async () => {
      const o = (ranges: string[]): SvcOpts => ({ type: 'LoadBalancer', ports: [{ port: 80, nodePort: 30083 }], lbIPs: ['172.18.255.200'], sourceRanges: ranges });
      await state([{ name: 'lb', o: o([`${topo.extIP}/32`]) }], [slice('lb', eps([0]))]);
      // The outside namespace plays the underlay: route the LB IP to the node as the lead would.
      await applyLoadBalancerRoutes(topo.extNs, planLoadBalancerRoutes([svc('lb', o([]))], [], [{ name: NODE, ip: topo.nodeIP }]));
      assert.match((await probe(topo.extNs, { host: '172.18.255.200', port: 80 }))[0]!, /^p1:8080:/);
      await state([{ name: 'lb', o: o(['192.0.2.0/24']) }], [slice('lb', eps([0]))]);
      assert.deepEqual(await probe(topo.extNs, { host: '172.18.255.200', port: 80, timeoutMs: 500 }), ['TIMEOUT']);
      await applyLoadBalancerRoutes(topo.extNs, new Map());
    });

    test('a pod reaching itself through its Service is masqueraded (hairpin)', async () => {
      const ports = [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' as const }];
      await state([{ name: 'self', o: { ports } }], [slice('self', eps([0]), [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }])]);
      // Without masquerade the reply would come from the pod's own address and be dropped.
      assert.deepEqual(await probe(topo.pods[0]!.ns, { host: CIP, port: 80 }), ['p1:8080:10.244.1.1']);
      assert.deepEqual(await probe(topo.pods[0]!.ns, { host: CIP, port: 53, proto: 'udp' }), ['p1:5353:10.244.1.1']);
    });

    test('NodePort with externalTrafficPolicy Cluster hides the client IP, over TCP and UDP', async () => {
      const ports = [{ name: 'http', port: 80, nodePort: 30084 }, { name: 'dns', port: 53, protocol: 'UDP' as const, nodePort: 30085 }];
      await state([{ name: 'cl', o: { type: 'NodePort', ports } }], [slice('cl', eps([0]), [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }])]);
      const [t] = await probe(topo.extNs, { host: topo.nodeIP, port: 30084 });
      assert.match(t!, /^p1:8080:/);
      assert.notEqual(t!.split(':')[2], topo.extIP);
      const [u] = await probe(topo.extNs, { host: topo.nodeIP, port: 30085, proto: 'udp' });
      assert.match(u!, /^p1:5353:/);
      assert.notEqual(u!.split(':')[2], topo.extIP);
    });

    test('a pod reaches a Local NodePort through any node, even without endpoints on it', async () => {
      const o: SvcOpts = { type: 'NodePort', ports: [{ port: 80, nodePort: 30086 }], externalTrafficPolicy: 'Local' };
      await state([{ name: 'lp', o }], [slice('lp', [{ ip: topo.pods[0]!.ip, node: 'elsewhere' }])]);
      assert.match((await fromClient({ host: topo.nodeIP, port: 30086 }))[0]!, /^p1:8080:/);
      assert.deepEqual(await probe(topo.extNs, { host: topo.nodeIP, port: 30086, timeoutMs: 500 }), ['TIMEOUT']);
    });

    test('a Service moves to per-endpoint chains and back when the layout annotation comes and goes', async () => {
      const kube = { annotations: { 'podnet.dev/proxy-layout': 'kube' } };
      const chains = async () => ((await realNft.listTable(topo.nodeNs, 'ip', 'podnet-proxy')) ?? '').match(/chain service-\S+default\/mv\//g) ?? [];
      for (const o of [{}, kube, {}]) {
        await state([{ name: 'mv', o }], [slice('mv', eps([0, 1]))]);
        const got = names(await fromClient({ host: CIP, port: 80, n: 6 }));
        assert.ok(got.every((n) => n === 'p1' || n === 'p2'), got.join(','));
        if (mode === 'nftables') assert.equal((await chains()).length, o === kube ? 1 : 0, `annotation ${JSON.stringify(o)}`);
      }
    });

    test('session affinity keeps a client on one endpoint', async () => {
      await state([{ name: 'aff', o: { affinity: 60 } }], [slice('aff', eps([0, 1, 2]))]);
      assert.equal(count(await fromClient({ host: CIP, port: 80, n: 30 })).size, 1);
    });

    test('an unready endpoint gets no new connections', async () => {
      await state([{ name: 'web' }], [slice('web', [...eps([0, 1]), ...eps([2], { ready: false })])]);
      const c = count(await fromClient({ host: CIP, port: 80, n: 60 }));
      assert.equal(c.get('p3'), undefined);
      assert.equal((c.get('p1') ?? 0) + (c.get('p2') ?? 0), 60);
    });

    test('no endpoints: connection refused at once', async () => {
      await state([{ name: 'empty' }], []);
      assert.deepEqual(await fromClient({ host: CIP, port: 80, timeoutMs: 3000 }), ['ECONNREFUSED']);
    });

    test('a port the ClusterIP does not serve is refused', async () => {
      await state([{ name: 'web' }], [slice('web', eps([0]))]);
      assert.deepEqual(await fromClient({ host: CIP, port: 81, timeoutMs: 3000 }), ['ECONNREFUSED']);
    });

    test('lc avoids the endpoint holding a connection', { skip: !limits.lc && 'least-connection needs userspace mode' }, async () => {
      await state([{ name: 'lc', o: { annotations: { 'podnet.dev/lb-algorithm': 'lc' } } }], [slice('lc', eps([0, 1, 2]))]);
      const held = await openLong(topo.client.ns, CIP, 80);
      try {
        const busy = held.greeting.split(':')[0];
        const c = count(await fromClient({ host: CIP, port: 80, n: 10 }));
        assert.equal(c.get(busy!), undefined, `${busy} holds a connection: ${JSON.stringify([...c])}`);
      } finally {
        await held.close();
      }
    });

    test('endpoints failing active health checks are skipped', { skip: !limits.probes && 'active probes are a userspace-mode feature' }, async () => {
      // p2 has nothing on 9999: its probe fails and it gets no connections.
      const ok = slice('hc', eps([0]), [{ port: 8080 }], { name: 'hc-a' });
      const dead = slice('hc', eps([1]), [{ port: 9999 }], { name: 'hc-b' });
      await state([{ name: 'hc', o: { annotations: { 'podnet.dev/lb-algorithm': 'rr' } } }], [ok, dead]);
      await proxy!.probeNow();
      assert.deepEqual(new Set(await fromClient({ host: CIP, port: 80, n: 10 })).size, 1);
    });

    test('a proxy restart keeps an established connection and yields an identical ruleset', async () => {
      await state([{ name: 'web' }, { name: 'np', o: { clusterIP: '10.96.0.11', type: 'NodePort', ports: [{ port: 80, nodePort: 30082 }] } }], [slice('web', eps([0, 1, 2])), slice('np', eps([1]))]);
      const conn = await openLong(topo.client.ns, CIP, 80);
      try {
        assert.equal(await conn.roundTrip('before'), 'before');
        const listing = () =>
          mode === 'iptables'
            ? run('iptables-nft-save', [], { netns: topo.nodeNs }).then((r) => r.stdout.split('\n').filter((l) => !l.startsWith('#')).join('\n'))
            : realNft.listTable(topo.nodeNs, 'ip', 'podnet-proxy');
        const before = await listing();
        await proxy!.stop({ keepRules: true });
        proxy = undefined;
        proxy = await start();
        assert.equal(await listing(), before);
        if (limits.keepsConnections) assert.equal(await conn.roundTrip('after'), 'after');
        assert.match((await fromClient({ host: CIP, port: 80 }))[0]!, /^p[123]:8080:/);
      } finally {
        await conn.close();
      }
    });
  });
}
