// The ingress-nginx annotation subset, each through real requests.
import assert from 'node:assert/strict';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { WebSocket, WebSocketServer } from 'ws';
import type { KubeObject } from '../api/types.js';
import { parsePolicy } from './annotations.js';
import { md5crypt } from './htpasswd.js';
import { selfSignedCert } from './tls.js';
import { ingress, serviceFor, world, type World } from './testing.js';

const A = 'nginx.ingress.kubernetes.io/';
const events: string[] = [];
let w: World;
let n = 0;
const cleanups: (() => Promise<void> | void)[] = [];

before(async () => {
  w = await world(['a', 'b'], { writer: { updateIngressStatus: () => {}, recordEvent: (o, type, reason, message) => events.push(`${o.metadata?.name} ${type} ${reason} ${message}`) } });
});
after(async () => {
  for (const c of cleanups) await c();
  await w?.close();
});

/** An Ingress on a fresh host with the given annotations; returns the host. */
function route(annotations: Record<string, string>, path = '/', service = 'svc-a', pathType: 'Prefix' | 'ImplementationSpecific' = 'Prefix'): string {
  const host = `ann${++n}.example`;
  w.apply(ingress(`ann${n}`, [{ host, paths: [{ path, pathType, service }] }], { annotations }));
  return host;
}

async function listen(server: http.Server | https.Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => { server.close(() => r()); server.closeAllConnections(); }));
  return (server.address() as AddressInfo).port;
}

describe('paths and rewriting', () => {
  test('rewrite-target replaces the path using the regex capture groups and keeps the query', async () => {
    const host = route({ [A + 'rewrite-target']: '/$2' }, '/something(/|$)(.*)', 'svc-a', 'ImplementationSpecific');
    assert.equal((await w.get('/something/new/x?y=1', { host })).echo?.url, '/new/x?y=1');
    assert.equal((await w.get('/something', { host })).echo?.url, '/');
  });

  test('use-regex makes paths regular expressions', async () => {
    const host = route({ [A + 'use-regex']: 'true' }, '/api/v[0-9]+/', 'svc-a', 'ImplementationSpecific');
    assert.equal((await w.get('/api/v2/items', { host })).status, 200);
    assert.equal((await w.get('/api/vx/items', { host })).status, 404);
  });

  test('backend-protocol HTTPS speaks TLS to the backend', async () => {
    const pair = selfSignedCert(['backend']);
    const port = await listen(https.createServer({ cert: pair.cert, key: pair.key }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ name: 'tls-backend', url: req.url, headers: req.headers, method: req.method, body: '' }));
    }));
    for (const o of serviceFor('secure', [{ host: '127.0.0.1', port }], { port: 443, portName: 'https' })) w.src.apply(o);
    w.apply(ingress('secure', [{ host: 'secure.example', paths: [{ path: '/', service: 'secure', port: 443 }] }], { annotations: { [A + 'backend-protocol']: 'HTTPS' } }));
    assert.equal((await w.get('/', { host: 'secure.example' })).backend, 'tls-backend');
  });
});

describe('limits', () => {
  test('proxy-body-size answers 413 for a larger declared or streamed body', async () => {
    const host = route({ [A + 'proxy-body-size']: '1k' });
    assert.equal((await w.get('/', { host, method: 'POST', body: 'x'.repeat(1000) })).status, 200);
    assert.equal((await w.get('/', { host, method: 'POST', body: 'x'.repeat(2000) })).status, 413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: w.port, method: 'POST', path: '/', headers: { host, 'transfer-encoding': 'chunked' } }, (res) => { res.resume(); resolve(res.statusCode!); });
      req.on('error', reject);
      req.write('x'.repeat(800));
      req.end('y'.repeat(800));
    });
    assert.equal(chunked, 413);
  });

  test('proxy-read-timeout answers 504 when the backend does not answer in time', async () => {
    const port = await listen(http.createServer(() => { /* never answers */ }));
    for (const o of serviceFor('silent', [{ host: '127.0.0.1', port }])) w.src.apply(o);
    const host = route({ [A + 'proxy-read-timeout']: '0.2' }, '/', 'silent');
    assert.equal((await w.get('/', { host })).status, 504);
  });

  test('limit-rps answers 503 once the burst (5× the rate) is spent', async () => {
    const host = route({ [A + 'limit-rps']: '1' });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await w.get('/', { host })).status);
    assert.deepEqual(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assert.ok(statuses.filter((s) => s === 503).length >= 6, statuses.join());
  });

  test('limit-connections answers 503 to a client over its concurrent requests', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => { release = r; });
    let arrived!: () => void;
    const arrival = new Promise<void>((r) => { arrived = r; });
    const port = await listen(http.createServer((_req, res) => { arrived(); held.then(() => res.end('{}')); }));
    for (const o of serviceFor('held', [{ host: '127.0.0.1', port }])) w.src.apply(o);
    const host = route({ [A + 'limit-connections']: '1' }, '/', 'held');
    const first = w.get('/', { host });
    await arrival;
    assert.equal((await w.get('/', { host })).status, 503);
    release();
    assert.equal((await first).status, 200);
  });

  test('allowlist-source-range and whitelist-source-range refuse other clients with 403', async () => {
    assert.equal((await w.get('/', { host: route({ [A + 'whitelist-source-range']: '10.0.0.0/8, 192.0.2.0/24' }) })).status, 403);
    assert.equal((await w.get('/', { host: route({ [A + 'allowlist-source-range']: '127.0.0.0/8' }) })).status, 200);
    assert.equal((await w.get('/', { host: route({ [A + 'allowlist-source-range']: '127.0.0.1' }) })).status, 200);
  });
});

describe('basic auth', () => {
  test('auth-type basic checks {SHA}, apr1 and plain htpasswd entries and names the realm', async () => {
    const htpasswd = ['sha:{SHA}' + (await import('node:crypto')).createHash('sha1').update('pw1').digest('base64'), 'apr:' + md5crypt('pw2', 'saltsalt', '$apr1$'), 'plain:pw3'].join('\n');
    w.src.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'basic', namespace: 'default' }, data: { auth: Buffer.from(htpasswd).toString('base64') } } as KubeObject);
    const host = route({ [A + 'auth-type']: 'basic', [A + 'auth-secret']: 'basic', [A + 'auth-realm']: 'Staff only' });
    const none = await w.get('/', { host });
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], 'Basic realm="Staff only"');
    const basic = (u: string, p: string) => ({ authorization: 'Basic ' + Buffer.from(`${u}:${p}`).toString('base64') });
    assert.equal((await w.get('/', { host, headers: basic('sha', 'pw1') })).status, 200);
    assert.equal((await w.get('/', { host, headers: basic('apr', 'pw2') })).status, 200);
    assert.equal((await w.get('/', { host, headers: basic('plain', 'pw3') })).status, 200);
    assert.equal((await w.get('/', { host, headers: basic('apr', 'wrong') })).status, 401);
  });

  test('a missing auth secret denies every request', async () => {
    const host = route({ [A + 'auth-type']: 'basic', [A + 'auth-secret']: 'absent' });
    assert.equal((await w.get('/', { host, headers: { authorization: 'Basic ' + Buffer.from('a:b').toString('base64') } })).status, 401);
    assert.ok(events.some((e) => e.includes('AuthSecretMissing')));
  });
});

describe('canary', () => {
  test('canary-weight sends its share of requests to the canary, within binomial bounds', async () => {
    w.apply(ingress('main-w', [{ host: 'cw.example', paths: [{ path: '/', service: 'svc-a' }] }]));
    w.apply(ingress('canary-w', [{ host: 'cw.example', paths: [{ path: '/', service: 'svc-b' }] }], { annotations: { [A + 'canary']: 'true', [A + 'canary-weight']: '30' } }));
    const N = 1000;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let canary = 0;
    try {
      const batch = async () => { for (let i = 0; i < N / 8; i++) if ((await w.get('/', { host: 'cw.example', agent })).backend === 'b') canary++; };
      await Promise.all(Array.from({ length: 8 }, batch));
    } finally {
      agent.destroy();
    }
    // 5 standard deviations: a correct implementation fails this about once in 3.5 million runs.
    const sd = Math.sqrt(N * 0.3 * 0.7);
    assert.ok(Math.abs(canary - N * 0.3) < 5 * sd, `canary got ${canary} of ${N}`);
  });

  test('canary-by-header "always"/"never" and canary-by-header-value pick the canary', async () => {
    w.apply(ingress('main-h', [{ host: 'ch.example', paths: [{ path: '/', service: 'svc-a' }] }]));
    w.apply(ingress('canary-h', [{ host: 'ch.example', paths: [{ path: '/', service: 'svc-b' }] }], { annotations: { [A + 'canary']: 'true', [A + 'canary-by-header']: 'X-Canary', [A + 'canary-weight']: '100' } }));
    assert.equal((await w.get('/', { host: 'ch.example', headers: { 'x-canary': 'always' } })).backend, 'b');
    assert.equal((await w.get('/', { host: 'ch.example', headers: { 'x-canary': 'never' } })).backend, 'a');
    w.apply(ingress('main-v', [{ host: 'cv.example', paths: [{ path: '/', service: 'svc-a' }] }]));
    w.apply(ingress('canary-v', [{ host: 'cv.example', paths: [{ path: '/', service: 'svc-b' }] }], { annotations: { [A + 'canary']: 'true', [A + 'canary-by-header']: 'X-Env', [A + 'canary-by-header-value']: 'beta' } }));
    assert.equal((await w.get('/', { host: 'cv.example', headers: { 'x-env': 'beta' } })).backend, 'b');
    assert.equal((await w.get('/', { host: 'cv.example', headers: { 'x-env': 'prod' } })).backend, 'a');
    assert.equal((await w.get('/', { host: 'cv.example' })).backend, 'a');
  });
});

describe('cors, upgrades and refused annotations', () => {
  test('enable-cors answers preflights with 204 and adds the allow headers', async () => {
    const host = route({ [A + 'enable-cors']: 'true', [A + 'cors-allow-origin']: 'https://app.example', [A + 'cors-allow-methods']: 'GET, POST' });
    const pre = await w.get('/', { host, method: 'OPTIONS', headers: { origin: 'https://app.example' } });
    assert.equal(pre.status, 204);
    assert.equal(pre.headers['access-control-allow-origin'], 'https://app.example');
    assert.equal(pre.headers['access-control-allow-methods'], 'GET, POST');
    const get = await w.get('/', { host });
    assert.equal(get.backend, 'a');
    assert.equal(get.headers['access-control-allow-origin'], 'https://app.example');
  });

  test('WebSocket connections are upgraded and echoed end to end', async () => {
    const server = http.createServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (sock, req) => sock.on('message', (m) => sock.send(`echo ${m} via ${req.headers['x-forwarded-proto']}`)));
    const port = await listen(server);
    cleanups.push(() => wss.close());
    for (const o of serviceFor('ws', [{ host: '127.0.0.1', port }])) w.src.apply(o);
    const host = route({}, '/', 'ws');
    const client = new WebSocket(`ws://127.0.0.1:${w.port}/chat`, { headers: { host } });
    try {
      await new Promise((resolve, reject) => { client.once('open', resolve); client.once('error', reject); });
      const reply = new Promise<string>((resolve) => client.once('message', (d) => resolve(String(d))));
      client.send('hello');
      assert.equal(await reply, 'echo hello via http');
    } finally {
      client.terminate();
    }
  });

  test('configuration-snippet refuses the Ingress with an Event; unknown annotations are reported', async () => {
    const host = route({ [A + 'configuration-snippet']: 'more_set_headers "X: y";' });
    assert.equal((await w.get('/', { host })).status, 404);
    assert.ok(events.some((e) => e.startsWith(`ann${n} Warning SnippetRefused`)), events.join('\n'));
    const h2 = route({ [A + 'proxy-buffering']: 'on' });
    assert.equal((await w.get('/', { host: h2 })).status, 200);
    assert.ok(events.some((e) => e.startsWith(`ann${n} Warning UnsupportedAnnotation`) && e.includes('proxy-buffering')), events.join('\n'));
  });

  test('load-balance annotations map: ewma → least_request, podnet.dev/load-balance wins', () => {
    assert.equal(parsePolicy({ [A + 'load-balance']: 'ewma' }).policy.loadBalance, 'least_request');
    assert.equal(parsePolicy({ [A + 'load-balance']: 'round_robin' }).policy.loadBalance, 'round_robin');
    assert.equal(parsePolicy({ 'podnet.dev/load-balance': 'least_request', [A + 'load-balance']: 'round_robin' }).policy.loadBalance, 'least_request');
    assert.equal(parsePolicy({ [A + 'proxy-connect-timeout']: '3' }).policy.connectTimeoutMs, 3000);
    assert.equal(parsePolicy({ [A + 'proxy-send-timeout']: '7' }).policy.sendTimeoutMs, 7000);
  });
});
