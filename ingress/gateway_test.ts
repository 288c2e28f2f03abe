// Gateway API on the same data path: HTTPRoute matches, weighted splits, filters and statuses.
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, test } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { intersectHost } from './gateway.js';
import { world, type World } from './testing.js';

const G = 'gateway.networking.k8s.io/v1';
const statuses = new Map<string, Record<string, any>>();
let w: World;

function httproute(name: string, hostnames: string[] | undefined, rules: unknown[]): KubeObject {
  return { apiVersion: G, kind: 'HTTPRoute', metadata: { name, namespace: 'default', generation: 1 }, spec: { parentRefs: [{ name: 'gw' }], hostnames, rules } };
}
const ref = (name: string, weight?: number) => ({ name: `svc-${name}`, port: 80, ...(weight === undefined ? {} : { weight }) });

before(async () => {
  w = await world(['a', 'b'], {
    statusAddress: '203.0.113.9',
    writer: { updateIngressStatus: () => {}, recordEvent: () => {}, updateStatus: (o, s) => { statuses.set(`${o.kind}/${o.metadata?.name}`, s); } },
  });
  w.src.apply({ apiVersion: G, kind: 'GatewayClass', metadata: { name: 'podnet' }, spec: { controllerName: 'podnet.dev/gateway' } });
  w.src.apply({ apiVersion: G, kind: 'GatewayClass', metadata: { name: 'theirs' }, spec: { controllerName: 'example.com/gw' } });
  w.src.apply({ apiVersion: G, kind: 'Gateway', metadata: { name: 'gw', namespace: 'default', generation: 1 }, spec: { gatewayClassName: 'podnet', listeners: [{ name: 'web', protocol: 'HTTP', port: 80, hostname: '*.gw.example' }] } });
  w.apply(
    httproute('matches', ['app.gw.example'], [
      { matches: [{ path: { type: 'Exact', value: '/exact' } }], backendRefs: [ref('a')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/prefix' } }], backendRefs: [ref('b')], filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/new' } } }] },
      { matches: [{ path: { type: 'RegularExpression', value: '/re/[0-9]+' } }], backendRefs: [ref('a')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/v' }, headers: [{ name: 'X-Version', value: 'v2' }] }], backendRefs: [ref('b')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/v' } }], backendRefs: [ref('a')], filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'X-Added', value: 'yes' }], remove: ['X-Drop'] } }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/q' }, queryParams: [{ name: 'beta', value: '1' }] }, { path: { type: 'PathPrefix', value: '/q' }, method: 'POST' }], backendRefs: [ref('b')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/q' } }], backendRefs: [ref('a')] },
      { matches: [{ path: { type: 'PathPrefix', value: '/old' } }], filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
      { matches: [{ path: { type: 'PathPrefix', value: '/split' } }], backendRefs: [ref('a', 80), ref('b', 20)] },
    ]),
  );
});
after(async () => { await w?.close(); });

const get = (path: string, o: { method?: string; headers?: Record<string, string>; agent?: http.Agent } = {}) => w.get(path, { host: 'app.gw.example', ...o });

test('HTTPRoute path matches: Exact, PathPrefix with URLRewrite, RegularExpression', async () => {
  assert.equal((await get('/exact')).backend, 'a');
  assert.equal((await get('/exact/more')).status, 404);
  const r = await get('/prefix/x?y=1');
  assert.equal(r.backend, 'b');
  assert.equal(r.echo?.url, '/new/x?y=1');
  assert.equal((await get('/re/42')).backend, 'a');
  assert.equal((await get('/re/4x')).status, 404);
});

test('header, query and method matches take precedence over a bare path match', async () => {
  assert.equal((await get('/v', { headers: { 'x-version': 'v2' } })).backend, 'b');
  const plain = await get('/v', { headers: { 'x-drop': '1' } });
  assert.equal(plain.backend, 'a');
  assert.equal(plain.echo?.headers['x-added'], 'yes');
  assert.equal(plain.echo?.headers['x-drop'], undefined);
  assert.equal((await get('/q?beta=1')).backend, 'b');
  assert.equal((await get('/q', { method: 'POST' })).backend, 'b');
  assert.equal((await get('/q?beta=2')).backend, 'a');
});

test('RequestRedirect answers with the configured status and location', async () => {
  const r = await get('/old/page');
  assert.equal(r.status, 301);
  assert.equal(r.headers.location, 'https://app.gw.example/old/page');
});

test('hostnames outside the listener hostname are not served', async () => {
  assert.equal((await w.get('/exact', { host: 'app.other.example' })).status, 404);
  assert.equal(intersectHost('*.gw.example', 'a.gw.example'), 'a.gw.example');
  assert.equal(intersectHost('*.gw.example', 'a.other.example'), undefined);
  assert.equal(intersectHost(undefined, undefined), '');
});

test('weighted backendRefs split 80/20 within binomial bounds', async () => {
  const N = 1000;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  let b = 0;
  try {
    await Promise.all(Array.from({ length: 8 }, async () => { for (let i = 0; i < N / 8; i++) if ((await get('/split', { agent })).backend === 'b') b++; }));
  } finally {
    agent.destroy();
  }
  const sd = Math.sqrt(N * 0.2 * 0.8);
  assert.ok(Math.abs(b - N * 0.2) < 5 * sd, `b got ${b} of ${N}`);
});

test('GatewayClass, Gateway and HTTPRoute get Accepted/Programmed statuses; other classes are left alone', async () => {
  await new Promise((r) => setImmediate(r));
  const cond = (s: Record<string, any> | undefined, type: string) => s?.conditions?.find((c: any) => c.type === type)?.status;
  assert.equal(cond(statuses.get('GatewayClass/podnet'), 'Accepted'), 'True');
  assert.equal(statuses.has('GatewayClass/theirs'), false);
  const gw = statuses.get('Gateway/gw');
  assert.equal(cond(gw, 'Accepted'), 'True');
  assert.equal(cond(gw, 'Programmed'), 'True');
  assert.equal(gw?.listeners[0].attachedRoutes, 1);
  assert.deepEqual(gw?.addresses, [{ type: 'IPAddress', value: '203.0.113.9' }]);
  const hr = statuses.get('HTTPRoute/matches');
  assert.equal(hr?.parents[0].controllerName, 'podnet.dev/gateway');
  assert.equal(cond(hr?.parents[0], 'Accepted'), 'True');
  assert.equal(cond(hr?.parents[0], 'ResolvedRefs'), 'True');
});

test('HTTPS listeners serve their certificateRefs by SNI, and each listener kind only its own hostnames', async () => {
  const { selfSignedCert } = await import('./tls.js');
  const { request } = await import('./testing.js');
  const pair = selfSignedCert(['secure.gw2.example']);
  const w2 = await world(['s'], { tlsListen: { host: '127.0.0.1', port: 0 } });
  try {
    w2.src.apply({ apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name: 'gw-cert', namespace: 'default' }, data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') } });
    w2.src.apply({ apiVersion: G, kind: 'GatewayClass', metadata: { name: 'podnet' }, spec: { controllerName: 'podnet.dev/gateway' } });
    w2.src.apply({ apiVersion: G, kind: 'Gateway', metadata: { name: 'gw', namespace: 'default' }, spec: { gatewayClassName: 'podnet', listeners: [
      { name: 'tls', protocol: 'HTTPS', port: 443, hostname: 'secure.gw2.example', tls: { certificateRefs: [{ name: 'gw-cert' }] } },
      { name: 'web', protocol: 'HTTP', port: 80, hostname: 'plain.gw2.example' },
    ] } });
    w2.apply(httproute('both', ['secure.gw2.example', 'plain.gw2.example'], [{ backendRefs: [{ name: 'svc-s', port: 80 }] }]));
    const https = w2.server.ports().https!;
    assert.equal((await request(https, '/', { host: 'secure.gw2.example', tls: { servername: 'secure.gw2.example', ca: pair.cert } })).backend, 's');
    assert.equal((await w2.get('/', { host: 'secure.gw2.example' })).status, 404);
    assert.equal((await w2.get('/', { host: 'plain.gw2.example' })).backend, 's');
    assert.equal((await request(https, '/', { host: 'plain.gw2.example', tls: { servername: 'plain.gw2.example' } })).status, 404);
  } finally {
    await w2.close();
  }
});
