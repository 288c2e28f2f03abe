// Incremental transactions, applied one after another to a real kernel, must leave the same
// table as a fresh full sync of the last plan — over random sequences of Service changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { PlanCache, planServiceRules, type PlanInput } from './plan.js';
import { renderNft } from './nft_render.js';
import { svc, slice, type SvcOpts } from './fixtures.js';
import { run, runOk, rootTestsEnabled } from '../host/exec.js';
import { realNft } from '../host/nft.js';
import { nftWithSessions } from '../host/nft_session.js';
import type { ProxyPlan } from './types.js';
import { canonical } from './testing/nft_listing.js';

/** A deterministic PRNG, so a failure can be replayed from its seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomInput(rnd: () => number): PlanInput {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)]!;
  const services = [];
  const slices = [];
  for (let i = 0; i < 6; i++) {
    if (rnd() < 0.2) continue;
    const type = pick(['ClusterIP', 'NodePort', 'LoadBalancer'] as const);
    const o: SvcOpts = {
      clusterIP: `10.96.0.${10 + i}`,
      type,
      ports: [{ name: 'http', port: 80, ...(type !== 'ClusterIP' ? { nodePort: 30000 + i } : {}) }, ...(rnd() < 0.5 ? [{ name: 'dns', port: 53, protocol: 'UDP' as const }] : [])],
      ...(type === 'LoadBalancer' ? { lbIPs: [`172.18.255.${200 + i}`], ...(rnd() < 0.5 ? { sourceRanges: ['192.0.2.0/24'] } : {}) } : {}),
      ...(type !== 'ClusterIP' && rnd() < 0.4 ? { externalTrafficPolicy: 'Local' as const } : {}),
      ...(rnd() < 0.3 ? { affinity: pick([30, 60]) } : {}),
      ...(rnd() < 0.3 ? { externalIPs: [`203.0.113.${i}`] } : {}),
      annotations: { 'podnet.dev/lb-algorithm': pick(['random', 'rr', 'wrr', 'sh', 'dh']) },
    };
    services.push(svc(`s${i}`, o));
    const eps = Array.from({ length: Math.floor(rnd() * 4) }, (_, j) => ({ ip: `10.244.${1 + Math.floor(rnd() * 2)}.${10 + j}`, node: pick(['n1', 'n2']), ready: rnd() < 0.85 }));
    slices.push(slice(`s${i}`, eps, [{ name: 'http', port: 8080 }, { name: 'dns', port: 5353, protocol: 'UDP' }]));
  }
  return { services, slices, node: { name: 'n1', ips: ['172.18.0.2'] }, config: { clusterCIDR: '10.244.0.0/16' } };
}

/**
 * Consecutive inputs share most objects, as informer lists do: each Service (with its slice) is
 * replaced by the new random one only with probability 1/2, so the plan cache and the model's
 * take-over of the previous one see real partial changes.
 */
function mix(rnd: () => number, prev: PlanInput, next: PlanInput): PlanInput {
  const keep = new Set(prev.services.filter(() => rnd() < 0.5).map((s) => s.metadata!.name!));
  const services = [...prev.services.filter((s) => keep.has(s.metadata!.name!)), ...next.services.filter((s) => !keep.has(s.metadata!.name!))];
  const slices = [...prev.slices.filter((s) => keep.has(s.metadata!.labels!['kubernetes.io/service-name']!)), ...next.slices.filter((s) => !keep.has(s.metadata!.labels!['kubernetes.io/service-name']!))];
  return { ...next, services, slices };
}

describe('incremental syncs converge to a full sync in the kernel', { skip: !rootTestsEnabled() && 'needs root' }, () => {
  const id = randomBytes(3).toString('hex');
  const inc = `pn-t${id}-inc`;
  const fresh = `pn-t${id}-fresh`;
  // The incremental side goes through a long-lived `nft -i` as the proxy does (host/nft_session.ts).
  const sessions = nftWithSessions();
  before(async () => {
    await runOk('ip', ['netns', 'add', inc]);
    await runOk('ip', ['netns', 'add', fresh]);
  });
  after(async () => {
    sessions.close();
    await run('ip', ['netns', 'del', inc]);
    await run('ip', ['netns', 'del', fresh]);
  });

  test('30 random changes, applied incrementally, list like a fresh full sync of the last plan', async () => {
    const seed = Number.parseInt(id, 16);
    const rnd = prng(seed);
    const cache = new PlanCache();
    let input = randomInput(rnd);
    let prev: ProxyPlan = planServiceRules(input, cache);
    await realNft.apply(inc, renderNft(prev));
    for (let step = 0; step < 30; step++) {
      input = mix(rnd, input, randomInput(rnd));
      const next = planServiceRules(input, cache);
      const script = renderNft(next, prev);
      await sessions.apply(inc, script).catch((err: Error) => assert.fail(`seed ${seed} step ${step}: ${err.message}\n${script}`));
      // The fresh side plans the same objects without any cache or previous model.
      await realNft.apply(fresh, renderNft(planServiceRules({ ...input, services: [...input.services], slices: [...input.slices] })));
      const want = canonical((await realNft.listTable(fresh, 'ip', 'podnet-proxy'))!);
      assert.match(want, /\tchain services \{/);
      assert.equal(canonical((await realNft.listTable(inc, 'ip', 'podnet-proxy'))!), want, `seed ${seed} step ${step}`);
      prev = next;
    }
    assert.equal(sessions.stats().fallback, 0, 'every incremental transaction went through the nft session');
    assert.ok(sessions.stats().session > 0);
  });
});
