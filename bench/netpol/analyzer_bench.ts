// Analyzer time and memory: the full reachability matrix (every pod pair, TCP/80) for P pods and
// Q policies. Usage: node dist/bench/netpol/analyzer_bench.js [PODS POLICIES]…  (default: 1000 100 10000 1000)
import { computeReach } from '../../analyze/reach.js';
import { synthCluster } from './synth.js';

const args = process.argv.slice(2).map(Number);
const sizes: [number, number][] = [];
for (let i = 0; i + 1 < args.length; i += 2) sizes.push([args[i]!, args[i + 1]!]);
if (sizes.length === 0) sizes.push([1000, 100], [10000, 1000]);

for (const [p, q] of sizes) {
  const objects = { ...synthCluster(p, q), services: [], slices: [], nodes: [] };
  global.gc?.();
  const heap0 = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const reach = computeReach(objects, { port: 80, protocol: 'TCP' });
  reach.allowed(0, 1, 0); // builds every class's allowed sets
  const computed = performance.now() - t0;
  let allowed = 0;
  const n = reach.pods.length;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (reach.allowed(i, j, 0)) allowed++;
  const ms = performance.now() - t0;
  const heapMB = (process.memoryUsage().heapUsed - heap0) / 1e6;
  console.log(JSON.stringify({ pods: p, policies: q, cells: n * n, allowed, classes: reach.classCount, computeSeconds: +(computed / 1000).toFixed(2), totalSeconds: +(ms / 1000).toFixed(2), heapMB: +heapMB.toFixed(1), rssMB: +(process.memoryUsage().rss / 1e6).toFixed(0) }));
}
