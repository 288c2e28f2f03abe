// The map in a real headless Chromium (playwright-core): pods and Services from the source appear,
// a pod applied later appears live, flows pushed into observe are drawn (drops dashed and labelled),
// details, the policy matrix with its explanation, and a trace drawn on the map. Screenshots go to
// observe/screenshots/ for the docs only with PODNET_SCREENSHOTS=1 (shots.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { MemorySource } from '../client/memory.js';
import { startObserve, type Observe } from './observe.js';
import { sampleObjects } from './testdata.js';
import { screenshotDir } from './shots.js';
import type { Flow } from './types.js';
import type { KubeObject } from '../api/types.js';

const CHROMIUM = '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? false : `${CHROMIUM} is not installed: skipping the browser test`;
const shotDir = screenshotDir();

export const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

let obs: Observe;
let ctx: BrowserContext | undefined;
let page: Page;
const source = new MemorySource();
const profile = mkdtempSync(join(tmpdir(), 'podnet-ui-'));

function flow(over: Partial<Flow>): Flow {
  return {
    time: new Date().toISOString(), node: 'node-1', event: 'new', protocol: 'TCP', verdict: 'forwarded',
    src: { ip: '10.244.1.2', port: 40000, pod: 'client', namespace: 'default' }, dst: { ip: '10.244.2.3', port: 8080, pod: 'web-1', namespace: 'shop' }, ...over,
  };
}

before(async () => {
  if (skip) return;
  for (const o of sampleObjects()) source.apply(o);
  obs = await startObserve({ source, nodes: [], listen: { host: '127.0.0.1', port: 0 }, capture: false });
  ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: BROWSER_ARGS, viewport: { width: 1400, height: 900 } });
  page = await ctx.newPage();
  await page.goto(obs.url);
});

after(async () => {
  await ctx?.close();
  await obs?.stop();
  rmSync(profile, { recursive: true, force: true });
});

test('the map shows the pods with IPs, the Services and the ingress route', { skip }, async () => {
  await page.waitForSelector('g[data-pod="shop/web-1"]');
  assert.match(await page.textContent('g[data-pod="shop/web-1"]') ?? '', /web-1\s*10\.244\.2\.3/);
  assert.match(await page.textContent('g[data-svc="shop/web"]') ?? '', /10\.96\.0\.20/);
  assert.match(await page.textContent('g[data-svc="shop/empty"]') ?? '', /no endpoints/);
  assert.match(await page.textContent('g[data-ing="shop/web"]') ?? '', /shop\.example\/ → web/);
  assert.equal(await page.locator('g.pod.isolated').count(), 2);
});

test('a pod applied later appears without a reload', { skip }, async () => {
  source.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'shop', name: 'web-3', labels: { app: 'web' } }, spec: { nodeName: 'node-2', containers: [] }, status: { phase: 'Running', podIP: '10.244.2.9', podIPs: [{ ip: '10.244.2.9' }] } } as KubeObject);
  await page.waitForSelector('g[data-pod="shop/web-3"]');
});

test('flows are drawn on the map and listed, drops dashed and labelled', { skip }, async () => {
  obs.inject(flow({ service: { namespace: 'shop', name: 'web', ip: '10.96.0.20', port: 80 } }));
  obs.inject(flow({ verdict: 'dropped', src: { ip: '10.244.1.4', pod: 'web-2', namespace: 'shop' }, direction: 'ingress', reason: 'denied by NetworkPolicy (ingress of shop/web-1)' }));
  obs.inject(flow({ verdict: 'rejected', dst: { ip: '10.96.0.21', port: 80 }, service: { namespace: 'shop', name: 'empty', ip: '10.96.0.21', port: 80 }, reason: 'Service shop/empty has no endpoints for port 80' }));
  await page.waitForSelector('#flows tr[data-verdict="rejected"]');
  assert.equal(await page.locator('#flows tr[data-verdict="dropped"]').count(), 1);
  assert.match(await page.textContent('#flows tr[data-verdict="dropped"]') ?? '', /✕ DROPPED/);
  await page.waitForSelector('g.flowg.dropped text.flow-label');
  assert.equal(await page.getAttribute('g.flowg.dropped path', 'class'), 'flow dropped');
  await page.screenshot({ path: join(shotDir, 'map.png'), fullPage: true });
});

test('clicking a Service shows its endpoints and its recent flows', { skip }, async () => {
  await page.click('g[data-svc="shop/web"]');
  const d = await page.textContent('#details');
  assert.match(d ?? '', /Service shop\/web/);
  assert.match(d ?? '', /10\.244\.2\.3 web-1 @node-2/);
  assert.match(d ?? '', /default\/client:40000 → shop\/web-1:8080 forwarded/);
  await page.click('g[data-pod="shop/web-1"]');
  assert.match(await page.textContent('#details') ?? '', /policies.*web-from-client/s);
  await page.screenshot({ path: join(shotDir, 'details.png') });
});

test('the policy matrix marks blocked pairs and a cell explains itself', { skip }, async () => {
  await page.click('nav button[data-view="matrix"]');
  await page.fill('#matrix-form input[name="port"]', '8080');
  await page.click('#matrix-form button');
  const cell = page.locator('td[data-from="shop/web-2"][data-to="shop/web-1"]');
  await cell.waitFor();
  assert.equal(await cell.textContent(), '✕');
  assert.match(await cell.getAttribute('class') ?? '', /deny seen-drop/);
  assert.equal(await page.textContent('td[data-from="default/client"][data-to="shop/web-1"]'), '✓');
  await cell.click();
  await page.waitForFunction("document.querySelector('#details h2')?.textContent === 'shop/web-2 → shop/web-1'");
  assert.match(await page.textContent('#details') ?? '', /blocked.*Ingress.*web-from-client/s);
  await page.screenshot({ path: join(shotDir, 'matrix.png') });
});

test('a trace result is drawn on the map with differences flagged', { skip }, async () => {
  await page.click('nav button[data-view="trace"]');
  await page.evaluate((t) => (globalThis as unknown as { __podnet: { showTrace(t: unknown): void } }).__podnet.showTrace(t), {
    summary: 'default/client → shop/web:80: forwarded to shop/web-1',
    path: ['10.244.1.2', '10.96.0.20', '10.244.2.3'],
    hops: [{ step: 'service', predicted: '10.96.0.20:80 → 10.244.2.3:8080', kernel: '10.96.0.20:80 → 10.244.2.3:8080' }, { step: 'route', predicted: 'host-gw via 172.18.0.3', kernel: 'via 172.18.0.3' }],
  });
  assert.equal(await page.locator('g.hl').count(), 3);
  assert.equal(await page.locator('path.edge.trace').count(), 1);
  await page.screenshot({ path: join(shotDir, 'trace.png') });
});

test('the latency view says when this observer runs no probes', { skip }, async () => {
  await page.click('nav button[data-view="probes"]');
  await page.waitForSelector('#probes p.hint');
  assert.equal(await page.textContent('#probes p.hint'), 'Latency probes are off here.');
  await page.click('nav button[data-view="map"]');
});
