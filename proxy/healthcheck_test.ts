import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { HealthCheckServers, ProxyHealthz } from './healthcheck.js';
import { freeLocalPort as freePort } from '../host/testutil.js';

test('health check servers answer 200 with local endpoints, 503 without, with kube-proxy\'s body', async () => {
  const hc = new HealthCheckServers();
  try {
    const port = await freePort();
    assert.deepEqual(await hc.update([{ namespace: 'shop', name: 'web', port, localEndpoints: 2 }], '127.0.0.1'), []);
    const a = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(a.status, 200);
    assert.equal(a.headers.get('content-type'), 'application/json');
    assert.deepEqual(await a.json(), { service: { namespace: 'shop', name: 'web' }, localEndpoints: 2, serviceProxyHealthy: true });
    await hc.update([{ namespace: 'shop', name: 'web', port, localEndpoints: 0 }], '127.0.0.1');
    const b = await fetch(`http://127.0.0.1:${port}/`);
    assert.equal(b.status, 503);
    assert.equal(((await b.json()) as { localEndpoints: number }).localEndpoints, 0);
    await hc.update([], '127.0.0.1');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/`));
  } finally {
    hc.close();
  }
});

test('a port that cannot be opened is reported, not thrown', async () => {
  const hc = new HealthCheckServers();
  const blocker = createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
  const port = (blocker.address() as AddressInfo).port;
  try {
    const errors = await hc.update([{ namespace: 'shop', name: 'web', port, localEndpoints: 1 }], '127.0.0.1');
    assert.equal(errors.length, 1);
    assert.match(errors[0]!, /cannot listen for health checks of shop\/web on port \d+/);
  } finally {
    hc.close();
    blocker.close();
  }
});

test('the proxy healthz says 503 before the first plan and 200 with lastUpdated after it', async () => {
  const hz = new ProxyHealthz();
  try {
    const port = await freePort();
    await hz.listen(port, '127.0.0.1');
    assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 503);
    hz.planApplied();
    const r = await fetch(`http://127.0.0.1:${port}/healthz`);
    assert.equal(r.status, 200);
    const body = (await r.json()) as { lastUpdated: string };
    assert.ok(Date.parse(body.lastUpdated) > 0);
    assert.equal((await fetch(`http://127.0.0.1:${port}/other`)).status, 404);
  } finally {
    hz.close();
  }
});
