// The conformance truth tables against the kernel: a real node namespace with a bridge, nine pod
// namespaces serving TCP/UDP 80 and 81, the enforcer (startNetpol) writing real nftables, and
// every cell probed with a real connection. Static prediction == expected table == measurement.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rootTestsEnabled } from '../host/exec.js';
import { testPrefix } from '../host/testutil.js';
import { setSysctl } from '../host/netns.js';
import { realNft } from '../host/nft.js';
import type { KubeObject } from '../api/types.js';
import { MemorySource } from '../client/memory.js';
import { R } from '../client/source.js';
import { CASES } from './conformance/cases.js';
import { fixture, formatTable, KEYS, parseTable, podIP, type Step } from './conformance/fixture.js';
import { buildLiveTopology, type LiveTopology } from './conformance/live.js';
import { diffCells, predict, stepWorld } from './conformance/static.js';
import { startNetpol, type Netpol } from './netpol.js';
import * as N from './names.js';

const skip = !rootTestsEnabled() && 'needs root (network namespaces, nftables)';
const TIMEOUT_MS = 250;

/** Brings the source to the step's objects: the whole desired state, like an apply of a folder. */
function applyStep(source: MemorySource, step: Step): void {
  const { namespaces, pods } = fixture(step);
  for (const o of [...namespaces, ...pods]) source.apply(o as KubeObject);
  const want = new Set(step.policies.map((p) => p.metadata!.name!));
  for (const p of source.informer(R.networkpolicies).list()) if (!want.has(p.metadata!.name!)) source.remove(R.networkpolicies, p.metadata!.namespace, p.metadata!.name!);
  for (const p of step.policies) source.apply(p as KubeObject);
}

async function measure(topo: LiveTopology, protocol: 'TCP' | 'UDP', port: number): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  await Promise.all(
    KEYS.flatMap((from) =>
      KEYS.map(async (to) => {
        let ok = await topo.probe(from, podIP(to), port, protocol, TIMEOUT_MS);
        // A slow first packet is not a denial: retry a negative once with more time.
        if (!ok) ok = await topo.probe(from, podIP(to), port, protocol, TIMEOUT_MS * 2);
        out.set(`${from}->${to}`, ok);
      }),
    ),
  );
  return out;
}

async function runSuite(topo: LiveTopology, np: Netpol, source: MemorySource, cases = CASES): Promise<string[]> {
  const failures: string[] = [];
  for (const c of cases)
    for (const [s, step] of c.steps.entries()) {
      applyStep(source, step);
      await np.syncNow();
      const world = stepWorld(step);
      // Every table of a step is measured at once: the step's time is one probe timeout, not one per table.
      const live = step.probes.filter((p) => !p.staticOnly && p.protocol !== 'SCTP');
      const measured = await Promise.all(live.map((p) => measure(topo, p.protocol as 'TCP' | 'UDP', p.port)));
      live.forEach((probe, i) => {
        const got = measured[i]!;
        const want = parseTable(probe.expect);
        const predicted = predict(world, probe);
        const diff = diffCells(want, (cell) => got.get(cell)!);
        const sdiff = diffCells(want, (cell) => predicted.get(cell)!.allowed);
        if (diff.length || sdiff.length)
          failures.push(`${c.name} step ${s} ${probe.protocol}/${probe.port}: kernel ${diff.join(', ')} static ${sdiff.join(', ')}\n${formatTable((f, t) => got.get(`${f}->${t}`)!)}`);
      });
    }
  return failures;
}

describe('NetworkPolicy conformance (live: real namespaces and nftables)', { skip }, () => {
  const prefix = testPrefix();
  let topo: LiveTopology;
  let source: MemorySource;
  let np: Netpol | undefined;

  before(async () => {
    const addrs = new Map(KEYS.map((k) => [k, podIP(k)]));
    addrs.set('u/unknown', '10.244.0.99');
    topo = await buildLiveTopology(prefix, addrs, { cidr: '10.244.0.0/24', gateway: '10.244.0.1', ports: [80, 81] });
    source = new MemorySource();
    source.apply({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.0.0/24' } });
    applyStep(source, { policies: [], probes: [] });
  });
  after(async () => {
    await np?.stop({ deleteRules: true });
    await topo?.destroy();
  });

  it('every truth table holds in the kernel (br_netfilter hands bridged frames to the forward hook)', async () => {
    np = await startNetpol({ source, node: { name: 'node-1', netns: topo.nodeNetns }, bridgeMode: 'auto' });
    assert.equal(np.lastPlan()?.routeBridged, undefined);
    const failures = await runSuite(topo, np, source);
    assert.deepEqual(failures, []);
  });

  it('denied packets are counted per pod and direction', async () => {
    applyStep(source, CASES.find((c) => c.name.startsWith('default-deny ingress in x'))!.steps[0]!);
    await np!.syncNow();
    assert.equal(await topo.probe('y/a', podIP('x/b'), 80, 'TCP', TIMEOUT_MS), false);
    const counters = await np!.counters();
    const xb = counters.find((c) => c.pod === 'x/b' && c.direction === 'Ingress');
    assert.ok(xb && xb.packets > 0, JSON.stringify(counters));
    // A resync recreates the table: the counts carry over.
    await np!.syncNow();
    const again = (await np!.counters()).find((c) => c.pod === 'x/b' && c.direction === 'Ingress')!;
    assert.ok(again.packets >= xb.packets);
  });

  it('a pod address the enforcer does not know yet is dropped (fail closed)', async () => {
    applyStep(source, { policies: [], probes: [] });
    await np!.syncNow();
    assert.equal(await topo.probe('x/a', podIP('y/a'), 80, 'TCP', TIMEOUT_MS), true);
    assert.equal(await topo.probe('u/unknown', podIP('y/a'), 80, 'TCP', TIMEOUT_MS), false);
    assert.equal(await topo.probe('x/a', '10.244.0.99', 80, 'TCP', TIMEOUT_MS), false);
  });

  it('rules survive a daemon stop and are replaced by the next start', async () => {
    applyStep(source, CASES.find((c) => c.name.startsWith('default-deny ingress in x'))!.steps[0]!);
    await np!.syncNow();
    await np!.stop();
    np = undefined;
    assert.ok(await realNft.listTable(topo.nodeNetns, N.FAMILY, N.TABLE));
    assert.equal(await topo.probe('y/a', podIP('x/a'), 80, 'TCP', TIMEOUT_MS), false);
    applyStep(source, { policies: [], probes: [] });
    np = await startNetpol({ source, node: { name: 'node-1', netns: topo.nodeNetns } });
    assert.equal(await topo.probe('y/a', podIP('x/a'), 80, 'TCP', TIMEOUT_MS), true);
  });

  it('without br_netfilter, bridged frames are routed through the forward hook and still policed', async () => {
    await np?.stop({ deleteRules: true });
    await setSysctl(topo.nodeNetns, 'net.bridge.bridge-nf-call-iptables', '0');
    np = await startNetpol({ source, node: { name: 'node-1', netns: topo.nodeNetns }, bridgeMode: 'auto' });
    assert.ok(np.lastPlan()?.routeBridged);
    const subset = CASES.filter((c) => /default-deny ingress in x|ANDed|endPort allows|egress ipBlock|both the source/.test(c.name));
    assert.equal(subset.length, 5);
    const failures = await runSuite(topo, np, source, subset);
    assert.deepEqual(failures, []);
  });
});
