// How long the controllers take to publish complete EndpointSlices for S Services × P pods, and
// the controller process' peak RSS. Pods are created already bound, Running and Ready (the
// scheduler and kubelet are not what is measured). Two phases:
//   warm: controllers running, then every object is applied; time until every slice is complete
//   cold: a fresh controller process-state starts over the existing objects; time until it is idle
// Usage: node --import tsx bench/controllers/bench.ts [services=1000] [podsPerService=10]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { EndpointSlice, KubeObject } from '../../api/types.js';
import { kubeSource } from '../../client/kubesource.js';
import { KubeClient } from '../../client/rest.js';
import { R } from '../../client/source.js';
import type { ControllerName } from '../../controllers/config.js';
import { startControllers } from '../../controllers/controllers.js';

const S = Number(process.argv[2] ?? 1000);
const P = Number(process.argv[3] ?? 10);
const NODES = 10;
const CONCURRENCY = 64;

const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./apiserver_child.ts', import.meta.url))], { stdio: ['ignore', 'pipe', 'inherit'] });
const [line] = (await once(child.stdout!, 'data')) as [Buffer];
const url = line.toString().trim();
const client = new KubeClient({ server: url });

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function pool<T>(items: T[], fn: (t: T) => Promise<unknown>): Promise<void> {
  let i = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (i < items.length) await fn(items[i++]!);
  }));
}

function objects(): { services: KubeObject[]; pods: KubeObject[] } {
  const services: KubeObject[] = [];
  const pods: KubeObject[] = [];
  for (let s = 0; s < S; s++) {
    services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: `svc-${s}`, namespace: 'default' }, spec: { selector: { app: `a${s}` }, ports: [{ port: 80, targetPort: 8080 }] } });
    for (let p = 0; p < P; p++) {
      const n = s * P + p;
      const ip = `10.244.${Math.floor(n / 250) % 256}.${(n % 250) + 2}`;
      pods.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `pod-${s}-${p}`, namespace: 'default', labels: { app: `a${s}` } },
        spec: { nodeName: `node-${n % NODES}`, containers: [{ name: 'c', image: 'x', ports: [{ containerPort: 8080 }] }] },
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
      });
    }
  }
  return { services, pods };
}

function completeCounter(source: ReturnType<typeof kubeSource>) {
  const inf = source.informer<EndpointSlice & KubeObject>(R.endpointslices);
  return () => {
    const ready = new Map<string, number>();
    for (const s of inf.list('default')) {
      const svc = s.metadata?.labels?.['kubernetes.io/service-name'] ?? '';
      ready.set(svc, (ready.get(svc) ?? 0) + (s.endpoints ?? []).filter((e) => e.conditions?.ready).length);
    }
    let done = 0;
    for (const n of ready.values()) if (n === P) done++;
    return done;
  };
}

async function waitComplete(count: () => number, source: ReturnType<typeof kubeSource>): Promise<void> {
  const inf = source.informer(R.endpointslices);
  if (count() === S) return;
  await new Promise<void>((resolve) => {
    let pending = false;
    const off = inf.onChange(() => {
      if (pending) return;
      pending = true;
      // Counting is O(slices); do it at most once per event-loop turn.
      setImmediate(() => {
        pending = false;
        if (count() === S) {
          off();
          resolve();
        }
      });
    });
  });
}

for (let n = 0; n < NODES; n++) await client.create(R.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${n}` } });
const enabled = (process.env.BENCH_ENABLED ?? 'endpointslice,endpoints').split(',').filter(Boolean) as ControllerName[];

// Warm: controllers running first.
const source = kubeSource(client);
const mgr = await startControllers({ client, source, config: { enabled } });
const { services, pods } = objects();
const t0 = performance.now();
await pool(services, (o) => client.create(R.services, o));
await pool(pods, (o) => client.create(R.pods, o));
const tApplied = performance.now();
if (enabled.includes('endpointslice')) await waitComplete(completeCounter(source), source);
const tWarm = performance.now();
await mgr.idle();
mgr.stop();
source.stop();
const warmPeak = peakRss;

// Cold: a new manager over the same objects (what a restart costs).
const source2 = kubeSource(client);
const t1 = performance.now();
const mgr2 = await startControllers({ client, source: source2, config: { enabled } });
await mgr2.idle();
const tCold = performance.now();
const metrics = await mgr2.metrics();
mgr2.stop();
source2.stop();
clearInterval(sampler);
const writes = [...metrics.matchAll(/^controller_api_writes_total\{controller="(\w+)",verb="(\w+)"\} (\d+)/gm)].map((m) => `${m[1]}/${m[2]}=${m[3]}`);
console.log(JSON.stringify({
  services: S,
  podsPerService: P,
  applySeconds: +((tApplied - t0) / 1000).toFixed(2),
  warmCompleteSeconds: +((tWarm - t0) / 1000).toFixed(2),
  lagAfterApplySeconds: +((tWarm - tApplied) / 1000).toFixed(2),
  coldResyncSeconds: +((tCold - t1) / 1000).toFixed(2),
  peakRssMB: Math.round(Math.max(warmPeak, peakRss) / 1e6),
  coldWrites: writes,
}));
client.close();
child.kill('SIGTERM');
process.exit(0);
