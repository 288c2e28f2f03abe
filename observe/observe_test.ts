// startObserve against an in-memory source, without kernel capture: the HTTP API (flows with
// filters and follow, topology, the L7 sink, metrics, the policy matrix) over injected flows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { MemorySource } from '../client/memory.js';
import { startObserve, type Observe } from './observe.js';
import type { Flow } from './types.js';
import { sampleObjects } from './testdata.js';

let obs: Observe;
const source = new MemorySource();

before(async () => {
  for (const o of sampleObjects()) source.apply(o);
  obs = await startObserve({ source, nodes: [], listen: { host: '127.0.0.1', port: 0 }, capture: false });
});
after(async () => {
  await obs?.stop();
});

function flow(over: Partial<Flow>): Flow {
  return {
    time: new Date().toISOString(), node: 'node-1', event: 'new', protocol: 'TCP', verdict: 'forwarded',
    src: { ip: '10.244.1.2', pod: 'client', namespace: 'default' }, dst: { ip: '10.244.2.3', port: 8080, pod: 'web-1', namespace: 'shop' }, ...over,
  };
}

async function ndjson(path: string): Promise<Flow[]> {
  const r = await fetch(new URL(path, obs.url));
  assert.equal(r.status, 200);
  return (await r.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Flow);
}

test('flows are filtered by verdict, namespace, pod and service like hubble observe', async () => {
  obs.inject(flow({ service: { namespace: 'shop', name: 'web', ip: '10.96.0.20', port: 80 } }));
  obs.inject(flow({ verdict: 'dropped', policy: 'shop/deny-all', direction: 'ingress', reason: 'denied' }));
  obs.inject(flow({ protocol: 'UDP', src: { ip: '10.244.1.9', pod: 'other', namespace: 'kube-system' }, dst: { ip: '10.96.0.10', port: 53 } }));
  assert.equal((await ndjson('/api/flows?verdict=dropped')).length, 1);
  assert.equal((await ndjson('/api/flows?service=shop/web')).length, 1);
  assert.equal((await ndjson('/api/flows?namespace=kube-system')).length, 1);
  assert.equal((await ndjson('/api/flows?pod=shop/web-1')).length, 2);
  assert.equal((await ndjson('/api/flows?protocol=udp')).length, 1);
  assert.equal((await ndjson('/api/flows?since=1m')).length, 3);
  const bad = await fetch(new URL('/api/flows?verdict=maybe', obs.url));
  assert.equal(bad.status, 400);
});

test('a follower receives flows that arrive after it connected', async () => {
  const ac = new AbortController();
  const r = await fetch(new URL('/api/flows?follow=1&verdict=rejected', obs.url), { signal: ac.signal });
  const reader = r.body!.getReader();
  obs.inject(flow({ verdict: 'rejected', reason: 'no endpoints' }));
  let text = '';
  while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
  ac.abort();
  assert.equal((JSON.parse(text.split('\n')[0]!) as Flow).reason, 'no endpoints');
});

test('the topology lists pods with IPs, Services with endpoints, ingress routes and policies', async () => {
  const t = (await (await fetch(new URL('/api/topology', obs.url))).json()) as { pods: { name: string; ip: string }[]; services: { name: string; endpoints: { ip: string }[] }[]; ingresses: { routes: { service: string }[] }[]; policies: { name: string }[] };
  assert.deepEqual(t.pods.map((p) => `${p.name} ${p.ip}`), ['client 10.244.1.2', 'web-1 10.244.2.3', 'web-2 10.244.1.4']);
  assert.deepEqual(t.services.find((s) => s.name === 'web')?.endpoints.map((e) => e.ip), ['10.244.2.3', '10.244.1.4']);
  assert.equal(t.ingresses[0]?.routes[0]?.service, 'web');
  assert.deepEqual(t.policies.map((p) => p.name), ['web-from-client']);
});

test('L7 records posted to the sink become flows with names resolved and bad lines reported', async () => {
  const body = [
    JSON.stringify({ node: 'node-1', src: '10.244.1.2', dst: '10.96.0.10', type: 'dns', name: 'web.shop.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', latencyMs: 0.4 }),
    JSON.stringify({ src: '10.244.1.2', dst: '10.244.2.3', type: 'http', host: 'shop.example', path: '/cart', status: 503, latencyMs: 3 }),
    '{"type":"smtp"}',
  ].join('\n');
  const r = await fetch(new URL('/api/l7', obs.url), { method: 'POST', body });
  const res = (await r.json()) as { accepted: number; errors: string[] };
  assert.equal(res.accepted, 2);
  assert.match(res.errors[0]!, /needs string "src"|unknown L7 record type/);
  const dns = await ndjson('/api/flows?protocol=DNS');
  assert.equal(dns[0]?.src.pod, 'client');
  assert.equal(dns[0]?.l7?.type, 'dns');
});

test('metrics count Service connections, verdicts and L7 latency', async () => {
  const text = await (await fetch(new URL('/metrics', obs.url))).text();
  assert.match(text, /podnet_service_connections_total\{namespace="shop",service="web",verdict="forwarded"\} 1/);
  assert.match(text, /podnet_flows_total\{verdict="dropped",protocol="TCP",node="node-1",event="new"\} 1/);
  assert.match(text, /podnet_l7_latency_seconds_count\{type="http"\} 1/);
});

test('the policy matrix comes from the netpol engine and a cell explains itself', async () => {
  const m = (await (await fetch(new URL('/api/matrix?port=8080', obs.url))).json()) as { pods: string[]; allowed: boolean[][] };
  const i = m.pods.indexOf('default/client');
  const w1 = m.pods.indexOf('shop/web-1');
  const w2 = m.pods.indexOf('shop/web-2');
  assert.equal(m.allowed[i]![w1], true);
  assert.equal(m.allowed[w2]![w1], false);
  const d = (await (await fetch(new URL('/api/explain?from=shop/web-2&to=shop/web-1&port=8080', obs.url))).json()) as { allowed: boolean; ingress: { policies: string[] } };
  assert.equal(d.allowed, false);
  assert.deepEqual(d.ingress.policies, ['web-from-client']);
});

test('the map page and its script are served', async () => {
  const html = await (await fetch(obs.url)).text();
  assert.match(html, /<script type="module" src="map.js">/);
  const js = await fetch(new URL('/map.js', obs.url));
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type') ?? '', /javascript/);
});
