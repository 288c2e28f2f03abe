// Control-plane benchmark: time to program N Services × 10 endpoints (full sync) and one
// changed Service at N, with podnet's nftables layout vs kube-proxy's iptables layout loaded by
// iptables-restore, in the same run, in throwaway namespaces. Root only.
// Run: npx tsc -p . && node dist/bench/proxy/sync_bench.js 1000 10000 30000
// (PEER=iptables-nft-restore: compare with the nft backend; PEER=none: podnet only; SELECTION=vmap;
//  LAYOUT=kube: per-endpoint chains for every Service, the layout before the global one)
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { run, runOk } from '../../host/exec.js';
import { realNft } from '../../host/nft.js';
import { nftWithSessions } from '../../host/nft_session.js';
import { PlanCache, planServiceRules } from '../../proxy/plan.js';
import { renderNft } from '../../proxy/nft_render.js';
import { BUILTIN_JUMPS, renderIptables } from '../../proxy/iptables_render.js';

/** The peer: classic iptables-restore (legacy backend) unless PEER names another, e.g. iptables-nft-restore. */
const PEER = process.env.PEER ?? 'iptables-legacy-restore';
/** SELECTION=vmap measures kube-proxy's anonymous-vmap endpoint selection instead of the cascade. */
const SELECTION: 'vmap' | 'cascade' = process.env.SELECTION === 'vmap' ? 'vmap' : 'cascade';
/** LAYOUT=kube measures kube-proxy's per-endpoint chains instead of the global layout (the default). */
const LAYOUT: 'global' | 'kube' = process.env.LAYOUT === 'kube' ? 'kube' : 'global';
/** SESSION=0: one `nft -f -` process per change instead of the proxy's long-lived nft session. */
const SESSION = process.env.SESSION !== '0';
import { svc, slice } from '../../proxy/fixtures.js';
import type { EndpointSlice, Service } from '../../api/types.js';

const node = { name: 'n1', ips: ['172.18.0.2'] };

function objects(n: number): { services: Service[]; slices: EndpointSlice[] } {
  const services: Service[] = [];
  const slices: EndpointSlice[] = [];
  for (let i = 0; i < n; i++) {
    const ip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    services.push(svc(`s${i}`, { clusterIP: ip, ports: [{ name: 'http', port: 80 }] }));
    slices.push(slice(`s${i}`, Array.from({ length: 10 }, (_, j) => ({ ip: `10.244.${(i * 10 + j) >> 8 & 255}.${(i * 10 + j) & 255}`, node: 'n1' })), [{ name: 'http', port: 8080 }]));
  }
  return { services, slices };
}

/** How many single-Service changes are timed (median reported). */
const CHANGES = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
}

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const r = await fn();
  return [r, performance.now() - t];
}

async function benchOne(n: number): Promise<Record<string, number>> {
  const ns = `pn-t${randomBytes(3).toString('hex')}-bench`;
  await runOk('ip', ['netns', 'add', ns]);
  try {
    const { services, slices } = objects(n);
    const cache = new PlanCache();
    const config = { clusterCIDR: '10.244.0.0/16', selection: SELECTION, layout: LAYOUT };
    // nftables full sync: plan + render + nft -f.
    let js = 0;
    const [plan, nftFull] = await timed(async () => {
      const t = performance.now();
      const p = planServiceRules({ services, slices, node, config }, cache);
      const text = renderNft(p);
      js = performance.now() - t;
      await realNft.apply(ns, text);
      return p;
    });
    const fullJs = js;
    // The proxy sends incremental transactions to a long-lived `nft -i` (host/nft_session.ts);
    // SESSION=0 measures a fresh `nft -f -` per change instead. The session is started (and its
    // first cache read done) before timing, as it is in a running proxy.
    const sessions = SESSION ? nftWithSessions(realNft) : undefined;
    const writer = sessions ?? realNft;
    await writer.apply(ns, 'add table ip podnet-proxy\n');
    // One Service gets a new endpoint set, CHANGES times in a row (a different Service each time): median.
    const ones: number[] = [];
    const onesJs: number[] = [];
    let prev = plan;
    let current = slices;
    for (let k = 0; k < CHANGES; k++) {
      const changed = [...current];
      const i = (n >> 1) + k;
      changed[i] = slice(`s${i}`, [{ ip: `10.250.0.${k + 1}`, node: 'n1' }], [{ name: 'http', port: 8080 }]);
      const [p, ms] = await timed(async () => {
        const t = performance.now();
        const next = planServiceRules({ services, slices: changed, node, config }, cache);
        const script = renderNft(next, prev);
        onesJs.push(performance.now() - t);
        await writer.apply(ns, script);
        return next;
      });
      ones.push(ms);
      prev = p;
      current = changed;
    }
    const nftOne = median(ones);
    if (sessions && sessions.stats().fallback > 0) throw new Error(`sync_bench: ${sessions.stats().fallback} change(s) fell back to nft -f`);
    sessions?.close();
    await realNft.deleteTable(ns, 'ip', 'podnet-proxy');
    console.log(
      `  nft (${LAYOUT} layout, ${SELECTION}, ${SESSION ? 'nft session' : 'nft -f per change'}): full ${nftFull.toFixed(0)} ms (plan + render ${fullJs.toFixed(0)} ms), ` +
        `one change median of ${CHANGES} ${nftOne.toFixed(1)} ms (plan + render ${median(onesJs).toFixed(1)} ms; all: ${ones.map((x) => x.toFixed(0)).join(' ')})`,
    );
    const changed = current;
    if (PEER === 'none') return { n, nftFull, nftOne, iptFull: NaN, iptOne: NaN };
    // kube-proxy's iptables layout, same objects, loaded the way kube-proxy's iptables mode does:
    // one restore of every KUBE-* chain per sync.
    const restore = async (text: string) => {
      const r = await run(PEER, ['--noflush'], { netns: ns, input: text });
      if (r.code !== 0) throw new Error(`${PEER}: ${r.stderr}`);
    };
    const iplan = planServiceRules({ services, slices, node, config: { ...config, mode: 'iptables' } });
    const [, iptFull] = await timed(() => restore(renderIptables(iplan, undefined, { nat: [...BUILTIN_JUMPS.nat], filter: [...BUILTIN_JUMPS.filter] })));
    const iplan2 = planServiceRules({ services, slices: changed, node, config: { ...config, mode: 'iptables' } });
    const [, iptOne] = await timed(() => restore(renderIptables(iplan2)));
    return { n, nftFull, nftOne, iptFull, iptOne };
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
}

const sizes = process.argv.slice(2).map(Number).filter((x) => x > 0);
for (const n of sizes.length ? sizes : [1000, 10000]) {
  const r = await benchOne(n);
  const f = (x: number) => `${(x / 1000).toFixed(3)} s`;
  console.log(
    `${n} services × 10 endpoints: full nft ${f(r.nftFull!)} vs ${PEER} ${f(r.iptFull!)} (ratio ${(r.iptFull! / r.nftFull!).toFixed(2)}); ` +
      `one change nft ${r.nftOne!.toFixed(1)} ms vs iptables ${r.iptOne!.toFixed(1)} ms (ratio ${(r.iptOne! / r.nftOne!).toFixed(1)})`,
  );
}
