import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySource } from '../client/memory.js';
import { R } from '../client/source.js';
import { FakeNft } from '../host/nft.js';
import type { KubeObject } from '../api/types.js';
import { startProxy } from './proxy.js';
import { svc, slice } from './fixtures.js';
import { FakeClock } from './runner.js';

const k = (o: unknown) => o as KubeObject;

test('startProxy syncs fully at start, incrementally after a change, and reports kube-proxy metrics', async () => {
  const source = new MemorySource();
  source.apply(k(svc('a', { clusterIP: '10.96.0.20' })));
  source.apply(k(svc('b', { clusterIP: '10.96.0.21' })));
  source.apply(k(slice('a', [{ ip: '10.244.1.11' }])));
  const nft = new FakeNft();
  const clock = new FakeClock();
  const proxy = await startProxy({ source, node: { name: 'n1', netns: 'pn-tfake-node', ips: ['172.18.0.2'] }, mode: 'nftables', clusterCIDR: '10.244.0.0/16', nft, clock, minSyncPeriodMs: 1000, layout: 'kube' });
  try {
    assert.equal(nft.applied.length, 1);
    assert.match(nft.applied[0]!.script, /^add table ip podnet-proxy$/m);
    assert.equal(nft.applied[0]!.netns, 'pn-tfake-node');
    const when = new Date(Date.now() - 2000).toISOString();
    source.apply(k(slice('b', [{ ip: '10.244.1.12' }], undefined, { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': when } })));
    source.apply(k(slice('b', [{ ip: '10.244.1.13' }], undefined, { annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': when } })));
    await new Promise((r) => setImmediate(r));
    assert.equal(nft.applied.length, 1, 'held back by the min sync period');
    clock.advance(1000);
    await proxy.syncNow();
    assert.equal(nft.applied.length, 2, 'the burst became one sync');
    const inc = nft.applied[1]!.script;
    assert.doesNotMatch(inc, /add table|default\/a\//);
    assert.match(inc, /dnat to 10\.244\.1\.13:8080/);
    assert.doesNotMatch(inc, /10\.244\.1\.12/);
    assert.equal(proxy.lastPlan().services.length, 2);
    const m = proxy.metrics();
    assert.match(m, /kubeproxy_sync_proxy_rules_duration_seconds_count\{kind="full"\} 1/);
    assert.match(m, /kubeproxy_sync_proxy_rules_duration_seconds_count\{kind="partial"\} 2/);
    assert.match(m, /kubeproxy_network_programming_duration_seconds_count 1/);
    assert.match(m, /kubeproxy_sync_proxy_rules_nftables_sync_failures_total 0/);
    assert.match(m, /kubeproxy_sync_proxy_rules_last_timestamp_seconds \d/);
    // The trigger time was 2 s ago: the observation lands above the 1 s bucket.
    assert.match(m, /kubeproxy_network_programming_duration_seconds_bucket\{le="1"\} 0/);
    source.remove(R.services, 'default', 'a');
    await proxy.syncNow();
    assert.match(nft.applied[2]!.script, /^delete chain ip podnet-proxy service-\S+-default\/a\/tcp\/$/m);
  } finally {
    await proxy.stop();
  }
  assert.deepEqual(nft.deleted, [{ netns: 'pn-tfake-node', family: 'ip', table: 'podnet-proxy' }]);
});

test('a failed transaction is counted and the next sync is a full one', async () => {
  const source = new MemorySource();
  source.apply(k(svc('a', { clusterIP: '10.96.0.20' })));
  const nft = new FakeNft();
  let fail = false;
  const flaky = Object.assign(Object.create(nft) as FakeNft, {
    async apply(netns: string, script: string) {
      if (fail) throw new Error('nft: boom');
      return nft.apply(netns, script);
    },
  });
  const proxy = await startProxy({ source, node: { name: 'n1', netns: 'pn-tfake-node', ips: ['172.18.0.2'] }, mode: 'nftables', clusterCIDR: '10.244.0.0/16', nft: flaky, clock: new FakeClock(), minSyncPeriodMs: 0 });
  try {
    fail = true;
    source.apply(k(slice('a', [{ ip: '10.244.1.11' }])));
    await assert.rejects(proxy.syncNow(), /boom/);
    // One failure from the change notification, one from syncNow.
    assert.match(proxy.metrics(), /kubeproxy_sync_proxy_rules_nftables_sync_failures_total 2/);
    fail = false;
    await proxy.syncNow();
    assert.match(nft.applied.at(-1)!.script, /^add table ip podnet-proxy$/m);
  } finally {
    await proxy.stop();
  }
});

test('an unknown scheduler is refused with the value quoted', async () => {
  await assert.rejects(
    startProxy({ source: new MemorySource(), node: { name: 'n1', netns: 'x', ips: [] }, mode: 'nftables', clusterCIDR: '10.244.0.0/16', nft: new FakeNft(), scheduler: 'fastest' }),
    /unknown scheduler "fastest"/,
  );
});
