// Modelled on kubernetes-sigs/ingress-controller-conformance: default backend, host rules, path
// rules, ingress class and load balancing, with real requests to the controller and echo backends
// on 127.0.0.x that answer with their identity.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Ingress, KubeObject } from '../api/types.js';
import { R } from '../client/source.js';
import { echoServer, ingress, request, serviceFor, world as baseWorld, type Echo, type World } from './testing.js';
import type { ServeOptions } from './server.js';

// The whole suite runs against both engines of the plain-HTTP port: the fast one carries what it
// can and hands the rest over, Node's http pipeline carries everything.
for (const engine of ['fast', 'node'] as const) {
  describe(`${engine} engine`, () => {
    const world = (names: readonly string[], opts: Partial<ServeOptions> = {}): Promise<World> => baseWorld(names, { engine, ...opts });

    describe('default backend', () => {
      let w: World;
      before(async () => { w = await world(['a', 'b']); });
      after(async () => { await w?.close(); });

      test('a request no rule matches gets the built-in 404 page when no default backend exists', async () => {
        const r = await w.get('/nothing', { host: 'nowhere.example' });
        assert.equal(r.status, 404);
        assert.match(r.body, /404 Not Found/);
        assert.equal(r.headers.server, 'podnet-ingress');
      });

      test('spec.defaultBackend answers requests no rule matches', async () => {
        w.apply(ingress('dflt', [], { defaultBackend: { service: 'svc-a' } }));
        const r = await w.get('/anything', { host: 'other.example' });
        assert.equal(r.backend, 'a');
        w.src.remove(R.ingresses, 'default', 'dflt');
        w.server.reload();
        assert.equal((await w.get('/anything', { host: 'other.example' })).status, 404);
      });

      test('an Ingress default backend serves its own hosts when no path matches', async () => {
        w.apply(ingress('hostdflt', [{ host: 'd.example', paths: [{ path: '/api', service: 'svc-a' }] }], { defaultBackend: { service: 'svc-b' } }));
        assert.equal((await w.get('/api/x', { host: 'd.example' })).backend, 'a');
        assert.equal((await w.get('/web', { host: 'd.example' })).backend, 'b');
        w.src.remove(R.ingresses, 'default', 'hostdflt');
        w.server.reload();
      });
    });

    describe('controller default backend', () => {
      let w: World;
      before(async () => { w = await world(['a', 'fallback'], { defaultBackend: { namespace: 'default', name: 'svc-fallback', port: { number: 80 } } }); });
      after(async () => { await w?.close(); });

      test('the controller default backend answers when no Ingress matches', async () => {
        assert.equal((await w.get('/x', { host: 'unknown.example' })).backend, 'fallback');
      });
    });

    describe('host rules', () => {
      let w: World;
      before(async () => {
        w = await world(['exact', 'wild', 'nohost']);
        w.apply(
          ingress('hosts', [
            { host: 'foo.bar.com', paths: [{ path: '/', service: 'svc-exact' }] },
            { host: '*.foo.com', paths: [{ path: '/', service: 'svc-wild' }] },
            { paths: [{ path: '/', service: 'svc-nohost' }] },
          ]),
        );
      });
      after(async () => { await w?.close(); });

      test('an exact host rule matches its host only', async () => {
        assert.equal((await w.get('/', { host: 'foo.bar.com' })).backend, 'exact');
        assert.equal((await w.get('/', { host: 'FOO.bar.com:8080' })).backend, 'exact');
      });

      test('a wildcard host matches exactly one extra label', async () => {
        assert.equal((await w.get('/', { host: 'bar.foo.com' })).backend, 'wild');
        assert.equal((await w.get('/', { host: 'baz.bar.foo.com' })).backend, 'nohost');
        assert.equal((await w.get('/', { host: 'foo.com' })).backend, 'nohost');
      });

      test('a rule without host takes every other host', async () => {
        assert.equal((await w.get('/', { host: 'random.example' })).backend, 'nohost');
      });

      test('an exact host wins over a wildcard covering it', async () => {
        w.apply(ingress('exact-over-wild', [{ host: 'a.foo.com', paths: [{ path: '/', service: 'svc-exact' }] }]));
        assert.equal((await w.get('/', { host: 'a.foo.com' })).backend, 'exact');
        assert.equal((await w.get('/', { host: 'b.foo.com' })).backend, 'wild');
      });
    });

    describe('path rules', () => {
      let w: World;
      before(async () => {
        w = await world(['root', 'foo', 'foobar', 'exact']);
        w.apply(
          ingress('paths', [
            {
              host: 'p.example',
              paths: [
                { path: '/', service: 'svc-root' },
                { path: '/foo', service: 'svc-foo' },
                { path: '/foo/bar', service: 'svc-foobar' },
                { path: '/foo/bar', pathType: 'Exact', service: 'svc-exact' },
              ],
            },
          ]),
        );
      });
      after(async () => { await w?.close(); });

      test('the longest matching prefix wins', async () => {
        assert.equal((await w.get('/foo/bar/baz', { host: 'p.example' })).backend, 'foobar');
        assert.equal((await w.get('/foo/baz', { host: 'p.example' })).backend, 'foo');
        assert.equal((await w.get('/other', { host: 'p.example' })).backend, 'root');
      });

      test('prefix matching is element-wise', async () => {
        assert.equal((await w.get('/foobar', { host: 'p.example' })).backend, 'root');
      });

      test('Exact beats Prefix of the same length', async () => {
        assert.equal((await w.get('/foo/bar', { host: 'p.example' })).backend, 'exact');
        assert.equal((await w.get('/foo/bar/', { host: 'p.example' })).backend, 'foobar');
      });

      test('ImplementationSpecific is treated as Prefix', async () => {
        w.apply(ingress('impl', [{ host: 'i.example', paths: [{ path: '/impl', pathType: 'ImplementationSpecific', service: 'svc-foo' }] }]));
        assert.equal((await w.get('/impl/x', { host: 'i.example' })).backend, 'foo');
        assert.equal((await w.get('/implx', { host: 'i.example' })).status, 404);
      });

      test('rules of several Ingresses for one host are merged', async () => {
        w.apply(ingress('merge-1', [{ host: 'm.example', paths: [{ path: '/one', service: 'svc-foo' }] }]));
        w.apply(ingress('merge-2', [{ host: 'm.example', paths: [{ path: '/two', service: 'svc-foobar' }] }]));
        assert.equal((await w.get('/one', { host: 'm.example' })).backend, 'foo');
        assert.equal((await w.get('/two', { host: 'm.example' })).backend, 'foobar');
      });

      test('for the same host and path the oldest Ingress wins', async () => {
        w.apply(ingress('dup-new', [{ host: 'dup.example', paths: [{ path: '/', service: 'svc-foobar' }] }], { created: '2026-01-02T00:00:00Z' }));
        w.apply(ingress('dup-old', [{ host: 'dup.example', paths: [{ path: '/', service: 'svc-foo' }] }], { created: '2026-01-01T00:00:00Z' }));
        assert.equal((await w.get('/', { host: 'dup.example' })).backend, 'foo');
      });
    });

    describe('backend ports and endpoints', () => {
      let w: World;
      let extra: Echo[] = [];
      before(async () => { w = await world(['a']); });
      after(async () => {
        await w?.close();
        await Promise.all(extra.map((e) => e.close()));
      });

      test('a backend port given by name resolves through the Service port to the EndpointSlice port', async () => {
        for (const o of serviceFor('named', [w.echoes.a!], { port: 8080, portName: 'web' })) w.src.apply(o);
        w.apply(ingress('named', [{ host: 'n.example', paths: [{ path: '/', service: 'named', port: 'web' }] }]));
        assert.equal((await w.get('/', { host: 'n.example' })).backend, 'a');
        w.apply(ingress('bynum', [{ host: 'n2.example', paths: [{ path: '/', service: 'named', port: 8080 }] }]));
        assert.equal((await w.get('/', { host: 'n2.example' })).backend, 'a');
      });

      test('a Service port that does not exist answers 503', async () => {
        w.apply(ingress('noport', [{ host: 'np.example', paths: [{ path: '/', service: 'svc-a', port: 9999 }] }]));
        assert.equal((await w.get('/', { host: 'np.example' })).status, 503);
      });

      test('endpoints that are not ready get no traffic', async () => {
        const r1 = await echoServer('ready', '127.0.0.2');
        const r2 = await echoServer('unready', '127.0.0.3');
        extra.push(r1, r2);
        for (const o of serviceFor('mixed', [r1, r2], { notReady: [1] })) w.src.apply(o);
        w.apply(ingress('mixed', [{ host: 'mx.example', paths: [{ path: '/', service: 'mixed' }] }]));
        for (let i = 0; i < 6; i++) assert.equal((await w.get('/', { host: 'mx.example' })).backend, 'ready');
      });

      test('a connection refused by one endpoint is retried on another', async () => {
        const live = await echoServer('live', '127.0.0.4');
        extra.push(live);
        const dead = await echoServer('dead', '127.0.0.5');
        const deadAddr = { host: dead.host, port: dead.port };
        await dead.close();
        for (const o of serviceFor('flaky', [deadAddr, live])) w.src.apply(o);
        w.apply(ingress('flaky', [{ host: 'fl.example', paths: [{ path: '/', service: 'flaky' }] }]));
        for (let i = 0; i < 6; i++) assert.equal((await w.get('/', { host: 'fl.example', method: 'POST', body: 'payload' })).echo?.body, 'payload');
        assert.match(await w.server.metrics(), /podnet_ingress_upstream_connect_errors_total\{namespace="default",service="flaky"\} [1-9]/);
      });

      test('a resource backend is refused with an Event', async () => {
        const events: string[] = [];
        const w2 = await world(['x'], { writer: { updateIngressStatus: () => {}, recordEvent: (_o, type, reason) => events.push(`${type} ${reason}`) } });
        try {
          const ing = ingress('res', [{ host: 'r.example', paths: [{ path: '/', service: 'svc-x' }] }]) as Ingress & KubeObject;
          ing.spec!.rules![0]!.http!.paths[0]!.backend = { resource: { apiGroup: 'k8s.example.com', kind: 'StorageBucket', name: 'static' } };
          w2.apply(ing);
          assert.ok(events.includes('Warning ResourceBackendRefused'), events.join());
          assert.equal((await w2.get('/', { host: 'r.example' })).status, 404);
        } finally {
          await w2.close();
        }
      });
    });

    describe('ingress class', () => {
      let w: World;
      const statuses: string[] = [];
      before(async () => {
        w = await world(['a'], { className: 'podnet', statusAddress: '203.0.113.7', writer: { updateIngressStatus: (ing, lb) => { statuses.push(`${ing.metadata?.name}=${lb.map((x) => x.ip).join()}`); }, recordEvent: () => {} } });
        w.src.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'other' }, spec: { controller: 'example.com/other' } });
      });
      after(async () => { await w?.close(); });

      test('Ingresses of our class, by field or the old annotation, are served and get our address in status', async () => {
        w.apply(ingress('mine', [{ host: 'mine.example', paths: [{ path: '/', service: 'svc-a' }] }], { className: 'podnet' }));
        w.apply(ingress('old', [{ host: 'old.example', paths: [{ path: '/', service: 'svc-a' }] }], { annotations: { 'kubernetes.io/ingress.class': 'podnet' } }));
        assert.equal((await w.get('/', { host: 'mine.example' })).backend, 'a');
        assert.equal((await w.get('/', { host: 'old.example' })).backend, 'a');
        await Promise.resolve();
        assert.ok(statuses.includes('mine=203.0.113.7'), statuses.join());
        assert.ok(statuses.includes('old=203.0.113.7'), statuses.join());
      });

      test('Ingresses of another class are ignored and their status left alone', async () => {
        w.apply(ingress('theirs', [{ host: 'theirs.example', paths: [{ path: '/', service: 'svc-a' }] }], { className: 'other' }));
        assert.equal((await w.get('/', { host: 'theirs.example' })).status, 404);
        await Promise.resolve();
        assert.ok(!statuses.some((s) => s.startsWith('theirs=')));
      });

      test('an Ingress without class is ours while our class is the default, and not otherwise', async () => {
        w.apply(ingress('classless', [{ host: 'cl.example', paths: [{ path: '/', service: 'svc-a' }] }]));
        assert.equal((await w.get('/', { host: 'cl.example' })).backend, 'a');
        w.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'podnet' }, spec: { controller: 'podnet.dev/ingress' } });
        w.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'other', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } }, spec: { controller: 'example.com/other' } });
        assert.equal((await w.get('/', { host: 'cl.example' })).status, 404);
      });
    });

    describe('load balancing', () => {
      let w: World;
      let eps: Echo[] = [];
      before(async () => {
        w = await world([]);
        eps = [await echoServer('e1', '127.0.0.1'), await echoServer('e2', '127.0.0.2'), await echoServer('e3', '127.0.0.3')];
        for (const o of serviceFor('lb', eps)) w.src.apply(o);
      });
      after(async () => {
        await w?.close();
        await Promise.all(eps.map((e) => e.close()));
      });

      test('requests are spread round-robin over every ready endpoint', async () => {
        w.apply(ingress('lb', [{ host: 'lb.example', paths: [{ path: '/', service: 'lb' }] }]));
        const seen = new Map<string, number>();
        for (let i = 0; i < 30; i++) {
          const b = (await w.get('/', { host: 'lb.example' })).backend!;
          seen.set(b, (seen.get(b) ?? 0) + 1);
        }
        assert.deepEqual([...seen.entries()].sort(), [['e1', 10], ['e2', 10], ['e3', 10]]);
      });

      test('least_request sends to the endpoint with the fewest requests in flight', async () => {
        w.apply(ingress('lr', [{ host: 'lr.example', paths: [{ path: '/', service: 'lb' }] }], { annotations: { 'podnet.dev/load-balance': 'least_request' } }));
        const seen = new Set<string>();
        const replies = await Promise.all(Array.from({ length: 9 }, () => w.get('/', { host: 'lr.example' })));
        for (const r of replies) seen.add(r.backend!);
        assert.equal(seen.size, 3);
      });

      test('affinity cookie keeps a client on one endpoint', async () => {
        w.apply(ingress('sticky', [{ host: 'st.example', paths: [{ path: '/', service: 'lb' }] }], { annotations: { 'nginx.ingress.kubernetes.io/affinity': 'cookie', 'nginx.ingress.kubernetes.io/session-cookie-name': 'route' } }));
        const first = await w.get('/', { host: 'st.example' });
        const cookie = String(first.headers['set-cookie']?.[0]).split(';')[0]!;
        assert.match(cookie, /^route=/);
        for (let i = 0; i < 6; i++) assert.equal((await w.get('/', { host: 'st.example', headers: { cookie } })).backend, first.backend);
      });
    });

    describe('forwarded headers and flows', () => {
      const flows: string[] = [];
      let w: World;
      before(async () => { w = await world(['a'], { metricsListen: { host: '127.0.0.1', port: 0 }, onRequest: (f) => flows.push(`${f.host}${f.path} ${f.status} ${f.ingress} ${f.service} ${f.endpoint}`) }); });
      after(async () => { await w?.close(); });

      test('the backend sees X-Forwarded-*, X-Real-IP and X-Request-ID, the client a Server header', async () => {
        w.apply(ingress('hdr', [{ host: 'h.example', paths: [{ path: '/', service: 'svc-a' }] }]));
        const r = await w.get('/x', { host: 'h.example', headers: { 'x-forwarded-for': '198.51.100.9' } });
        const h = r.echo!.headers;
        assert.equal(h['x-forwarded-for'], '198.51.100.9, 127.0.0.1');
        assert.equal(h['x-real-ip'], '127.0.0.1');
        assert.equal(h['x-forwarded-proto'], 'http');
        assert.equal(h['x-forwarded-host'], 'h.example');
        assert.equal(h['x-forwarded-port'], String(w.port));
        assert.match(String(h['x-request-id']), /^[0-9a-f]{32}$/);
        assert.equal(h.host, 'h.example');
        assert.equal(r.headers.server, 'podnet-ingress');
        assert.ok(flows.includes(`h.example/x 200 default/hdr default/svc-a ${w.echoes.a!.host}:${w.echoes.a!.port}`), flows.join('\n'));
        const side = w.server.ports().metrics!;
        assert.equal((await request(side, '/ready')).status, 200);
        assert.match((await request(side, '/metrics')).body, /nginx_ingress_controller_config_reloads_total\{result="success"\} [1-9]/);
        assert.match(await w.server.metrics(), /nginx_ingress_controller_requests\{ingress="hdr",namespace="default",service="svc-a",status="200",method="GET"\} 1/);
      });
    });

    describe('publish service', () => {
      test('--publish-service copies that Service\'s load-balancer status to our Ingresses, and follows it', async () => {
        const written = new Map<string, string>();
        const w = await world(['a'], { publishService: 'podnet-ingress/ingress', writer: { updateIngressStatus: (ing, lb) => { written.set(ing.metadata!.name!, lb.map((x) => x.ip ?? x.hostname).join()); }, recordEvent: () => {} } });
        try {
          const lbSvc = (ip: string) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ingress', namespace: 'podnet-ingress' }, spec: { type: 'LoadBalancer', ports: [{ port: 80 }] }, status: { loadBalancer: { ingress: [{ ip }] } } });
          w.apply(lbSvc('172.18.255.200'), ingress('pub', [{ host: 'pub.example', paths: [{ path: '/', service: 'svc-a' }] }]));
          await Promise.resolve();
          assert.equal(written.get('pub'), '172.18.255.200');
          w.apply(lbSvc('172.18.255.201'));
          await Promise.resolve();
          assert.equal(written.get('pub'), '172.18.255.201');
        } finally {
          await w.close();
        }
      });
    });

    describe('access log', () => {
      test('one line per request with client, request line, status, upstream and request id', async () => {
        const lines: string[] = [];
        const w = await world(['a'], { accessLog: (l) => lines.push(l) });
        try {
          w.apply(ingress('log', [{ host: 'log.example', paths: [{ path: '/in', service: 'svc-a' }] }]));
          await w.get('/in/x?y=1', { host: 'log.example', headers: { 'x-request-id': 'req-123' } });
          await w.get('/missing', { host: 'log.example' });
          await new Promise((r) => setImmediate(r));
          assert.equal(lines.length, 2, lines.join('\n'));
          assert.match(lines[0]!, new RegExp(`^127\\.0\\.0\\.1 - - \\[.+\\] "GET /in/x\\?y=1 HTTP/1\\.1" 200 .* \\[default-log\\] 127\\.0\\.0\\.1:${w.echoes.a!.port} req-123$`));
          assert.match(lines[1]!, /"GET \/missing HTTP\/1\.1" 404 /);
        } finally {
          await w.close();
        }
      });
    });
  });
}
