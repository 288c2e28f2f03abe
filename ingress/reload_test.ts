// Configuration changes apply in place: the table is recompiled to the side and swapped, so a
// steady keep-alive load sees no failed request while routes and endpoints change under it.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import { echoServer, ingress, serviceFor, world, type Echo, type World } from './testing.js';

let w: World;
let extra: Echo[] = [];
before(async () => {
  w = await world(['a', 'b']);
  extra = [await echoServer('c1', '127.0.0.3'), await echoServer('c2', '127.0.0.4')];
});
after(async () => {
  await w?.close();
  await Promise.all(extra.map((e) => e.close()));
});

test('2,000 keep-alive requests see zero failures while routes and endpoints are swapped 50 times', async () => {
  const v = (i: number) => ingress('swap', [{ host: 'swap.example', paths: [{ path: '/', service: i % 2 ? 'svc-a' : 'svc-b' }, { path: `/v${i}`, pathType: 'Exact', service: 'svc-a' }] }]);
  w.apply(v(0));
  for (const o of serviceFor('moving', [extra[0]!])) w.src.apply(o);
  w.apply(ingress('moving', [{ host: 'mv.example', paths: [{ path: '/', service: 'moving' }] }]));
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const total = 2000;
  let sent = 0;
  let swaps = 0;
  const failures: string[] = [];
  const seen = new Set<string>();
  const worker = async (): Promise<void> => {
    while (sent < total) {
      const n = sent++;
      const host = n % 4 === 0 ? 'mv.example' : 'swap.example';
      try {
        const r = await w.get('/data', { host, agent });
        if (r.status !== 200) failures.push(`${n}: ${r.status}`);
        else seen.add(r.backend!);
      } catch (err) {
        failures.push(`${n}: ${(err as Error).message}`);
      }
      if (n % 40 === 0 && swaps < 50) {
        swaps++;
        // Changes arrive as informer events and are applied on the next turn of the loop.
        w.src.apply(v(swaps));
        for (const o of serviceFor('moving', [extra[swaps % 2]!])) w.src.apply(o);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: 8 }, worker));
  } finally {
    agent.destroy();
  }
  assert.equal(swaps, 50);
  assert.deepEqual(failures, []);
  assert.deepEqual([...seen].sort(), ['a', 'b', 'c1', 'c2']);
  assert.ok(w.server.stats().reloads > 10, `reloads: ${w.server.stats().reloads}`);
});

test('close with a grace period lets a request in flight finish and refuses new connections', async () => {
  const { default: httpMod } = await import('node:http');
  let release!: () => void;
  const held = new Promise<void>((r) => { release = r; });
  let arrived!: () => void;
  const arrival = new Promise<void>((r) => { arrived = r; });
  const slow = httpMod.createServer((_req, res) => { arrived(); held.then(() => { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"name":"slow"}'); }); });
  await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
  const w2 = await world([]);
  try {
    for (const o of serviceFor('slow', [{ host: '127.0.0.1', port: (slow.address() as { port: number }).port }])) w2.src.apply(o);
    w2.apply(ingress('slow', [{ host: 'slow.example', paths: [{ path: '/', service: 'slow' }] }]));
    const inflight = w2.get('/', { host: 'slow.example' });
    await arrival;
    const closed = w2.server.close({ graceMs: 30_000 });
    await assert.rejects(w2.get('/', { host: 'slow.example' }));
    release();
    assert.equal((await inflight).backend, 'slow');
    await closed;
  } finally {
    release();
    await w2.close();
    await new Promise<void>((r) => { slow.close(() => r()); slow.closeAllConnections(); });
  }
});
