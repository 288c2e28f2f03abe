// The map's render time with N pods (default 1,000) over 4 nodes and N/5 Services, in headless
// Chromium: the first full render (layout + SVG) as the page measures it with performance.now(),
// and a re-render after one more pod arrives over SSE.
//   node --import tsx bench/observe/render.ts [pods=1000] [rounds=5]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { MemorySource } from '../../client/memory.js';
import type { KubeObject } from '../../api/types.js';
import { startObserve } from '../../observe/observe.js';

const pods = Number(process.argv[2] ?? 1000);
const rounds = Number(process.argv[3] ?? 5);

function objects(n: number): KubeObject[] {
  const out: KubeObject[] = [];
  for (let i = 0; i < 4; i++) out.push({ apiVersion: 'v1', kind: 'Node', metadata: { name: `node-${i + 1}` }, spec: { podCIDR: `10.244.${i}.0/24` }, status: { addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 2}` }] } } as KubeObject);
  const apps = Math.ceil(n / 5);
  for (let a = 0; a < apps; a++) {
    const ns = `team-${a % 10}`;
    const eps: unknown[] = [];
    for (let r = 0; r < 5 && a * 5 + r < n; r++) {
      const i = a * 5 + r;
      const ip = `10.${244 + Math.floor(i / 65000)}.${Math.floor(i / 250) % 250}.${(i % 250) + 2}`;
      out.push({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name: `app${a}-${r}`, labels: { app: `app${a}` } }, spec: { nodeName: `node-${(i % 4) + 1}`, containers: [] }, status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] } } as KubeObject);
      eps.push({ addresses: [ip], conditions: { ready: true }, targetRef: { kind: 'Pod', namespace: ns, name: `app${a}-${r}` } });
    }
    out.push({ apiVersion: 'v1', kind: 'Service', metadata: { namespace: ns, name: `app${a}` }, spec: { clusterIP: `10.96.${Math.floor(a / 250)}.${(a % 250) + 2}`, selector: { app: `app${a}` }, ports: [{ port: 80, protocol: 'TCP' }] } } as KubeObject);
    out.push({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: ns, name: `app${a}-x`, labels: { 'kubernetes.io/service-name': `app${a}` } }, addressType: 'IPv4', endpoints: eps, ports: [{ port: 80 }] } as KubeObject);
  }
  return out;
}

const source = new MemorySource();
for (const o of objects(pods)) source.apply(o);
const obs = await startObserve({ source, nodes: [], listen: { host: '127.0.0.1', port: 0 }, capture: false });
const profile = mkdtempSync(join(tmpdir(), 'podnet-bench-ui-'));
const ctx = await chromium.launchPersistentContext(profile, {
  executablePath: '/usr/bin/chromium', headless: true, viewport: { width: 1600, height: 1000 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  const first: number[] = [];
  const rerender: number[] = [];
  const page = await ctx.newPage();
  for (let r = 0; r < rounds; r++) {
    await page.goto(obs.url);
    await page.waitForFunction('window.__podnet && window.__podnet.renders >= 1');
    first.push(await page.evaluate('window.__podnet.lastRenderMs') as number);
    source.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'team-0', name: `late-${r}` }, spec: { nodeName: 'node-1', containers: [] }, status: { phase: 'Running', podIP: `10.250.0.${r + 2}` } } as KubeObject);
    await page.waitForFunction('window.__podnet.renders >= 2');
    rerender.push(await page.evaluate('window.__podnet.lastRenderMs') as number);
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
  const count = await page.locator('g[data-pod]').count();
  console.log(`${count} pods drawn; first render ms: ${first.map((x) => x.toFixed(0)).join(' ')} (median ${med(first)}); re-render after one pod: ${rerender.map((x) => x.toFixed(0)).join(' ')} (median ${med(rerender)})`);
} finally {
  await ctx.close();
  await obs.stop();
  rmSync(profile, { recursive: true, force: true });
}
