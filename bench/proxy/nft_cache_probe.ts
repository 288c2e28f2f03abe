// Probe for the cost behind one changed Service: nft 1.0.6 reads the objects of every table back
// from the kernel before any command, so a tiny transaction costs in proportion to what is loaded.
// Loads two stand-in layouts for N Services × 10 endpoints in a throwaway namespace and times small
// transactions against each; it does not use proxy/ code, it isolates the nft cost. Root only.
// Run: node --import tsx bench/proxy/nft_cache_probe.ts 10000
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { run, runOk } from '../../host/exec.js';

const ENDPOINTS = 10;

function endpoint(i: number, j: number): string {
  const k = i * ENDPOINTS + j;
  return `10.${244 + (k >> 16)}.${(k >> 8) & 255}.${k & 255}`;
}

/** Today's layout in miniature: a service chain jumping to one chain per endpoint (N × 11 chains). */
function perEndpointChains(n: number): string {
  const out = ['add table ip t'];
  for (let i = 0; i < n; i++) {
    const eps: string[] = [];
    for (let j = 0; j < ENDPOINTS; j++) {
      out.push(`add chain ip t e${i}-${j}`, `add rule ip t e${i}-${j} meta l4proto tcp dnat to ${endpoint(i, j)}:8080`);
      eps.push(`${j} : jump e${i}-${j}`);
    }
    out.push(`add chain ip t s${i}`, `add map ip t v${i} { typeof numgen random mod ${ENDPOINTS} : verdict ; }`);
    out.push(`add element ip t v${i} { ${eps.join(', ')} }`);
    out.push(`add rule ip t s${i} numgen random mod ${ENDPOINTS} vmap @v${i}`);
  }
  return out.join('\n') + '\n';
}

/** The compact form: one chain and one named numgen → address . port map per Service (N chains). */
function compact(n: number): string {
  const out = ['add table ip t'];
  for (let i = 0; i < n; i++) {
    const eps = Array.from({ length: ENDPOINTS }, (_, j) => `${j} : ${endpoint(i, j)} . 8080`);
    out.push(`add chain ip t s${i}`, `add map ip t m${i} { typeof numgen random mod ${ENDPOINTS} : ip daddr . tcp dport ; }`);
    out.push(`add element ip t m${i} { ${eps.join(', ')} }`);
    out.push(`add rule ip t s${i} meta l4proto tcp dnat ip to numgen random mod ${ENDPOINTS} map @m${i}`);
  }
  return out.join('\n') + '\n';
}

/** Constant object count: a Service vmap → one chain per endpoint count → one global backends map. */
function global(n: number): string {
  const out = [
    'add table ip t',
    `add map ip t backends { typeof ip daddr . meta l4proto . th dport . numgen random mod ${ENDPOINTS} : ip daddr . tcp dport ; }`,
    `add chain ip t s5`,
    `add chain ip t sel${ENDPOINTS}`,
    `add rule ip t sel${ENDPOINTS} dnat ip to ip daddr . meta l4proto . th dport . numgen random mod ${ENDPOINTS} map @backends`,
    'add map ip t svc { typeof ip daddr . meta l4proto . th dport : verdict ; }',
  ];
  for (let i = 0; i < n; i++) {
    const vip = `10.${96 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}`;
    out.push(`add element ip t svc { ${vip} . tcp . 80 : jump sel${ENDPOINTS} }`);
    const eps = Array.from({ length: ENDPOINTS }, (_, j) => `${vip} . tcp . 80 . ${j} : ${endpoint(i, j)} . 8080`);
    out.push(`add element ip t backends { ${eps.join(', ')} }`);
  }
  return out.join('\n') + '\n';
}

const SMALL: Record<string, string> = {
  'flush + refill one chain': 'flush chain ip t s5\nadd rule ip t s5 meta l4proto tcp counter\n',
  'one map element': 'add element ip t probe { 99 : 10.250.0.1 . 8080 }\ndelete element ip t probe { 99 }\n',
  'one chain in another, tiny table': 'flush chain ip other c\nadd rule ip other c counter\n',
};

async function timedNft(ns: string, text: string): Promise<number> {
  const t = performance.now();
  await runOk('nft', ['-f', '-'], { netns: ns, input: text });
  return performance.now() - t;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1] ?? NaN;
}

async function probe(ns: string, name: string, text: string): Promise<void> {
  await runOk('nft', ['flush', 'ruleset'], { netns: ns });
  const load = await timedNft(ns, text);
  await runOk('nft', ['-f', '-'], { netns: ns, input: 'add table ip other\nadd chain ip other c\nadd map ip t probe { typeof numgen random mod 100 : ip daddr . tcp dport ; }\n' });
  const cells = [`load ${(load / 1000).toFixed(2)} s`];
  for (const [what, script] of Object.entries(SMALL)) {
    const times: number[] = [];
    for (let k = 0; k < 5; k++) times.push(await timedNft(ns, script));
    cells.push(`${what} ${median(times).toFixed(0)} ms`);
  }
  console.log(`${name}: ${cells.join(' | ')}`);
}

async function main(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('nft_cache_probe: needs root');
  const n = Number(process.argv[2] ?? 10000);
  const ns = `pn-t${randomBytes(3).toString('hex')}-probe`;
  await runOk('ip', ['netns', 'add', ns]);
  try {
    console.log(`N=${n} Services × ${ENDPOINTS} endpoints, medians of 5`);
    await probe(ns, 'per-endpoint chains', perEndpointChains(n));
    await probe(ns, 'compact (chain + named map per Service)', compact(n));
    await probe(ns, 'global (constant objects: service vmap + one backends map)', global(n));
  } finally {
    await run('ip', ['netns', 'del', ns]);
  }
}

await main();
