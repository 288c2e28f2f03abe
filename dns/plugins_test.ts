// Corefile plugins end to end: a server on 127.0.0.1:0, the real dig/kdig, fake upstreams.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySource } from '../client/memory.js';
import { serveDns, type DnsServer } from './server.js';
import { closedPort, dig, fakeUpstream, haveTool, sourceFromYaml, type FakeUpstream } from './testing.js';

const skip = haveTool('dig') ? false : 'dig is not installed (apt-get install -y dnsutils)';
const fixture = readFileSync(new URL('./testdata/cluster.yaml', import.meta.url).pathname.replace('/dist/', '/'), 'utf8');

const servers: DnsServer[] = [];
const upstreams: FakeUpstream[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of servers) await s.close();
  for (const u of upstreams) await u.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function start(corefile: string, opts: { source?: MemorySource; lines?: string[]; corefilePath?: string; corefileConfigMap?: { namespace: string; name: string } } = {}) {
  const lines = opts.lines ?? [];
  const server = await serveDns({ corefile, source: opts.source ?? sourceFromYaml(fixture), log: (l) => lines.push(l), corefilePath: opts.corefilePath, corefileConfigMap: opts.corefileConfigMap });
  servers.push(server);
  return { server, port: server.addresses()[0]!.udp.port, lines };
}

async function upstream(names: Record<string, string[]>) {
  const u = await fakeUpstream(names);
  upstreams.push(u);
  return u;
}

function metric(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) sum += Number(line.split(' ').pop());
  }
  return sum;
}

async function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  const r = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: r.status, body: await r.text() };
}

describe('forward', { skip }, () => {
  test('fails over to the next upstream when one is down, and marks the down one', async () => {
    const up = await upstream({ 'www.example.test.': ['192.0.2.80'] });
    const down = await closedPort();
    const { server, port } = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${down} 127.0.0.1:${up.port} {\n  policy sequential\n  max_fails 1\n }\n}`);
    const r = await dig(port, 'www.example.test');
    assert.deepEqual(r.answer, ['www.example.test. 60 IN A 192.0.2.80']);
    assert.ok(r.flags.includes('ra') && !r.flags.includes('aa'));
    const m = server.metrics();
    assert.equal(metric(m, 'coredns_forward_requests_total', { to: `127.0.0.1:${down}` }), 1);
    assert.equal(metric(m, 'coredns_forward_requests_total', { to: `127.0.0.1:${up.port}` }), 1);
    assert.equal(metric(m, 'coredns_forward_healthcheck_failures_total', { to: `127.0.0.1:${down}` }) >= 1, true);
    // With max_fails 1 the down upstream is skipped now: the next query goes straight to the good one.
    await dig(port, 'www.example.test', 'AAAA');
    assert.equal(metric(server.metrics(), 'coredns_forward_requests_total', { to: `127.0.0.1:${down}` }), 1);
  });

  test('a failed upstream is health-checked with ". NS" and used again once it answers', async () => {
    const good = await upstream({ 'x.test.': ['192.0.2.1'] });
    const downPort = await closedPort();
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${downPort} 127.0.0.1:${good.port} {\n  policy sequential\n  max_fails 1\n  health_check 50ms\n }\n}`);
    assert.deepEqual((await dig(port, 'x.test')).answer, ['x.test. 60 IN A 192.0.2.1']);
    let probed!: () => void;
    const probe = new Promise<void>((r) => (probed = r));
    const revived = await fakeUpstream({ 'x.test.': ['192.0.2.2'] }, { port: downPort, onQuery: (q) => q === '. 2' && probed() });
    upstreams.push(revived);
    await probe;
    // The probe's reply marks it healthy; sequential policy prefers it again.
    await new Promise((r) => setImmediate(r));
    for (let i = 0; i < 20 && revived.queries.filter((q) => q === 'x.test. 1').length === 0; i++) {
      const r = await dig(port, 'x.test');
      if (r.answer[0]?.endsWith('192.0.2.2')) break;
    }
    assert.ok(revived.queries.includes('x.test. 1'), `revived upstream got: ${revived.queries.join(', ')}`);
  });

  test('every upstream down answers SERVFAIL', async () => {
    const down = await closedPort();
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${down}\n}`);
    assert.equal((await dig(port, 'www.example.test')).status, 'SERVFAIL');
  });

  test('round_robin spreads queries over the upstreams', async () => {
    const a = await upstream({ 'x.test.': ['192.0.2.1'] });
    const b = await upstream({ 'x.test.': ['192.0.2.1'] });
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${a.port} 127.0.0.1:${b.port} {\n  policy round_robin\n }\n}`);
    for (let i = 0; i < 4; i++) await dig(port, 'x.test');
    assert.equal(a.queries.length, 2);
    assert.equal(b.queries.length, 2);
  });

  test('force_tcp forwards over TCP; prefer_udp forwards a TCP query over UDP; otherwise the client protocol is kept', async () => {
    const a = await upstream({ 'x.test.': ['192.0.2.1'] });
    const s1 = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${a.port} {\n  force_tcp\n }\n}`);
    await dig(s1.port, 'x.test');
    assert.deepEqual(a.protos, ['tcp']);
    const b = await upstream({ 'x.test.': ['192.0.2.1'] });
    const s2 = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${b.port} {\n  prefer_udp\n }\n}`);
    await dig(s2.port, 'x.test', 'A', ['+tcp']);
    assert.deepEqual(b.protos, ['udp']);
    const c = await upstream({ 'x.test.': ['192.0.2.1'] });
    const s3 = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${c.port}\n}`);
    await dig(s3.port, 'x.test', 'A', ['+tcp']);
    assert.deepEqual(c.protos, ['tcp']);
  });

  test('except keeps a zone away from the forwarder', async () => {
    const a = await upstream({ 'x.corp.test.': ['192.0.2.1'] });
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n forward . 127.0.0.1:${a.port} {\n  except corp.test\n }\n}`);
    assert.equal((await dig(port, 'x.corp.test')).status, 'SERVFAIL');
    assert.equal(a.queries.length, 0);
  });
});

describe('cache', { skip }, () => {
  test('a second query is a cache hit: one upstream query, hit and miss metrics, TTL capped', async () => {
    const up = await upstream({ 'www.example.test.': ['192.0.2.80'] });
    const { server, port } = await start(`.:0 {\n bind 127.0.0.1\n cache 30\n prometheus 127.0.0.1:0\n forward . 127.0.0.1:${up.port}\n}`);
    const first = await dig(port, 'www.example.test');
    const second = await dig(port, 'WWW.example.test');
    assert.deepEqual(first.answer, ['www.example.test. 60 IN A 192.0.2.80']);
    assert.match(second.answer[0]!, /^WWW\.example\.test\. (30|29) IN A 192\.0\.2\.80$/);
    assert.equal(up.queries.length, 1);
    const m = await httpGet(server.httpAddresses()['prometheus']!.port, '/metrics');
    assert.equal(metric(m.body, 'coredns_cache_hits_total', { type: 'success' }), 1);
    assert.equal(metric(m.body, 'coredns_cache_misses_total'), 1);
    assert.equal(metric(m.body, 'coredns_cache_entries', { type: 'success' }), 1);
    assert.equal(metric(m.body, 'coredns_dns_requests_total', { proto: 'udp', family: '1', type: 'A' }), 2);
    assert.equal(metric(m.body, 'coredns_dns_responses_total', { rcode: 'NOERROR' }), 2);
    assert.ok(metric(m.body, 'coredns_dns_request_duration_seconds_count') === 2);
  });

  test('negative answers are cached (denial) unless disabled', async () => {
    const up = await upstream({});
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n cache\n forward . 127.0.0.1:${up.port}\n}`);
    assert.equal((await dig(port, 'nope.test')).status, 'NXDOMAIN');
    assert.equal((await dig(port, 'nope.test')).status, 'NXDOMAIN');
    assert.equal(up.queries.length, 1);
    const up2 = await upstream({});
    const s2 = await start(`.:0 {\n bind 127.0.0.1\n cache {\n  disable denial\n }\n forward . 127.0.0.1:${up2.port}\n}`);
    await dig(s2.port, 'nope.test');
    await dig(s2.port, 'nope.test');
    assert.equal(up2.queries.length, 2);
  });
});

describe('hosts, rewrite, loadbalance, log, errors', { skip }, () => {
  test('hosts answers inline and file entries and falls through to the next plugin', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-dns-'));
    dirs.push(dir);
    const file = join(dir, 'hosts');
    writeFileSync(file, '192.0.2.10 filehost.test\n# comment\n2001:db8::10 filehost.test\n');
    const up = await upstream({ 'other.test.': ['192.0.2.99'] });
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n hosts ${file} {\n  192.0.2.11 inline.test\n  ttl 60\n  fallthrough\n }\n forward . 127.0.0.1:${up.port}\n}`);
    assert.deepEqual((await dig(port, 'inline.test')).answer, ['inline.test. 60 IN A 192.0.2.11']);
    assert.deepEqual((await dig(port, 'filehost.test', 'AAAA')).answer, ['filehost.test. 60 IN AAAA 2001:db8::10']);
    assert.deepEqual((await dig(port, '10.2.0.192.in-addr.arpa', 'PTR')).answer, ['10.2.0.192.in-addr.arpa. 60 IN PTR filehost.test.']);
    assert.deepEqual((await dig(port, 'other.test')).answer, ['other.test. 60 IN A 192.0.2.99']);
  });

  test('hosts without fallthrough answers NXDOMAIN for names it does not have', async () => {
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n hosts {\n  192.0.2.11 inline.test\n }\n}`);
    assert.equal((await dig(port, 'other.test')).status, 'NXDOMAIN');
  });

  test('rewrite name exact/suffix/regex answers with the name the client asked', async () => {
    const { port } = await start(`.:0 {
      bind 127.0.0.1
      rewrite name exact api.corp.test web.shop.svc.cluster.local
      rewrite name suffix .internal.test .svc.cluster.local
      rewrite name regex (.*)\\.db\\.test {1}.shop.svc.cluster.local answer auto
      kubernetes cluster.local
    }`);
    assert.deepEqual((await dig(port, 'api.corp.test')).answer, ['api.corp.test. 5 IN A 10.96.0.12']);
    assert.deepEqual((await dig(port, 'web.shop.internal.test')).answer, ['web.shop.internal.test. 5 IN A 10.96.0.12']);
    assert.deepEqual((await dig(port, 'db-0.db.db.test')).answer, ['db-0.db.db.test. 5 IN A 10.244.1.10']);
  });

  test('loadbalance rotates the order of A records between answers', async () => {
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n loadbalance\n kubernetes cluster.local\n}`);
    const a = (await dig(port, 'db.shop.svc.cluster.local')).answer;
    const b = (await dig(port, 'db.shop.svc.cluster.local')).answer;
    assert.equal(a.length, 2);
    assert.deepEqual([...a].sort(), [...b].sort());
    assert.notDeepEqual(a, b);
  });

  test('log writes CoreDNS common log lines; class denial logs only negative answers', async () => {
    const { port, lines } = await start(`.:0 {\n bind 127.0.0.1\n log\n kubernetes cluster.local\n}`);
    await dig(port, 'web.shop.svc.cluster.local');
    assert.match(lines[0]!, /^\[INFO\] 127\.0\.0\.1:\d+ - \d+ "A IN web\.shop\.svc\.cluster\.local\. udp \d+ false 1232" NOERROR qr,aa,rd \d+ \d+\.\d+s$/);
    const s2 = await start(`.:0 {\n bind 127.0.0.1\n log {\n  class denial\n }\n kubernetes cluster.local\n}`);
    await dig(s2.port, 'web.shop.svc.cluster.local');
    await dig(s2.port, 'nope.shop.svc.cluster.local', 'A', ['+tcp']);
    assert.equal(s2.lines.length, 1);
    assert.match(s2.lines[0]!, /"A IN nope\.shop\.svc\.cluster\.local\. tcp .*" NXDOMAIN qr,aa,rd /);
  });

  test('errors logs SERVFAILs from forward', async () => {
    const down = await closedPort();
    const { port, lines } = await start(`.:0 {\n bind 127.0.0.1\n errors\n forward . 127.0.0.1:${down}\n}`);
    assert.equal((await dig(port, 'x.test')).status, 'SERVFAIL');
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, new RegExp(`^\\[ERROR\\] plugin/errors: 2 x\\.test\\. A: udp 127\\.0\\.0\\.1:${down}: .*ECONNREFUSED`));
  });
});

describe('kubernetes options', { skip }, () => {
  test('ttl, namespaces, ignore empty_service, endpoint_pod_names, pods verified', async () => {
    const { port } = await start(`cluster.local:0 {
      bind 127.0.0.1
      kubernetes {
        ttl 30
        namespaces shop
        ignore empty_service
        endpoint_pod_names
        pods verified
      }
    }`);
    assert.deepEqual((await dig(port, 'web.shop.svc.cluster.local')).answer, ['web.shop.svc.cluster.local. 30 IN A 10.96.0.12']);
    assert.equal((await dig(port, 'other.hidden.svc.cluster.local')).status, 'NXDOMAIN', 'namespace not served');
    assert.equal((await dig(port, 'noeps.shop.svc.cluster.local')).status, 'NXDOMAIN', 'ClusterIP without ready endpoints');
    assert.deepEqual((await dig(port, 'db-pod-b.db.shop.svc.cluster.local')).answer, ['db-pod-b.db.shop.svc.cluster.local. 30 IN A 10.244.1.11']);
    assert.deepEqual((await dig(port, '10-244-1-77.shop.pod.cluster.local')).answer, ['10-244-1-77.shop.pod.cluster.local. 30 IN A 10.244.1.77']);
    assert.equal((await dig(port, '10-244-1-78.shop.pod.cluster.local')).status, 'NXDOMAIN', 'no pod has that IP');
    const soa = (await dig(port, 'nope.shop.svc.cluster.local')).authority[0]!;
    assert.match(soa, / 30 IN SOA .* 30$/, 'SOA minimum = ttl');
  });

  test('pods disabled (the default) answers NXDOMAIN for pod names', async () => {
    const { port } = await start(`cluster.local:0 {\n bind 127.0.0.1\n kubernetes\n}`);
    assert.equal((await dig(port, '10-244-1-77.shop.pod.cluster.local')).status, 'NXDOMAIN');
    assert.equal((await dig(port, 'noeps.shop.svc.cluster.local')).status, 'NOERROR');
  });
});

describe('server', { skip }, () => {
  test('several server blocks on one port: the most specific zone wins; other zones are REFUSED', async () => {
    const { port } = await start(`
      example.test:0 {
        bind 127.0.0.1
        hosts {
          192.0.2.1 a.example.test
        }
      }
      sub.example.test:0 {
        bind 127.0.0.1
        hosts {
          192.0.2.2 a.sub.example.test
        }
      }`);
    assert.deepEqual((await dig(port, 'a.example.test')).answer, ['a.example.test. 3600 IN A 192.0.2.1']);
    assert.deepEqual((await dig(port, 'a.sub.example.test')).answer, ['a.sub.example.test. 3600 IN A 192.0.2.2']);
    assert.equal((await dig(port, 'elsewhere.test')).status, 'REFUSED');
  });

  test('onQuery receives a flow record per answered query', async () => {
    const flows: { name: string; type: string; rcode: string; latencyMs: number; client: string; proto: string }[] = [];
    const server = await serveDns({ corefile: '.:0 {\n bind 127.0.0.1\n kubernetes cluster.local\n}', source: sourceFromYaml(fixture), onQuery: (f) => flows.push(f) });
    servers.push(server);
    const port = server.addresses()[0]!.udp.port;
    await dig(port, 'web.shop.svc.cluster.local');
    await dig(port, 'nope.shop.svc.cluster.local', 'AAAA', ['+tcp']);
    assert.deepEqual(
      flows.map((f) => [f.name, f.type, f.rcode, f.proto, f.client]),
      [
        ['web.shop.svc.cluster.local.', 'A', 'NOERROR', 'udp', '127.0.0.1'],
        ['nope.shop.svc.cluster.local.', 'AAAA', 'NXDOMAIN', 'tcp', '127.0.0.1'],
      ],
    );
    assert.ok(flows.every((f) => f.latencyMs >= 0));
  });

  test('ready is 503 until the source has synced, then 200', async () => {
    const readyPort = await closedPort();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const source = sourceFromYaml(fixture);
    const slow = Object.assign(Object.create(source) as MemorySource, { start: () => gate });
    const starting = serveDns({ corefile: `.:0 {\n bind 127.0.0.1\n ready 127.0.0.1:${readyPort}\n kubernetes cluster.local\n}`, source: slow, log: () => undefined });
    let before: { status: number; body: string } | undefined;
    for (let i = 0; i < 200 && !before; i++) before = await httpGet(readyPort, '/ready').catch(() => undefined);
    assert.equal(before?.status, 503);
    release();
    const server = await starting;
    servers.push(server);
    assert.equal((await httpGet(readyPort, '/ready')).status, 200);
  });

  test('server blocks on different ports get their own listeners', async () => {
    const p1 = await closedPort();
    const p2 = await closedPort();
    const { server } = await start(`a.test:${p1} {\n bind 127.0.0.1\n hosts {\n  192.0.2.1 x.a.test\n }\n}\nb.test:${p2} {\n bind 127.0.0.1\n hosts {\n  192.0.2.2 x.b.test\n }\n}`);
    assert.deepEqual(server.addresses().map((a) => a.udp.port).sort(), [p1, p2].sort());
    assert.deepEqual((await dig(p1, 'x.a.test')).answer, ['x.a.test. 3600 IN A 192.0.2.1']);
    assert.deepEqual((await dig(p2, 'x.b.test')).answer, ['x.b.test. 3600 IN A 192.0.2.2']);
    assert.equal((await dig(p1, 'x.b.test')).status, 'REFUSED');
  });

  test('health, ready and prometheus answer over HTTP', async () => {
    const { server } = await start(`.:0 {\n bind 127.0.0.1\n health 127.0.0.1:0\n ready 127.0.0.1:0\n prometheus 127.0.0.1:0\n kubernetes cluster.local\n}`);
    const http = server.httpAddresses();
    assert.deepEqual(await httpGet(http['health']!.port, '/health'), { status: 200, body: 'OK' });
    assert.deepEqual(await httpGet(http['ready']!.port, '/ready'), { status: 200, body: 'OK' });
    assert.match((await httpGet(http['prometheus']!.port, '/metrics')).body, /# TYPE coredns_dns_requests_total counter/);
  });

  test('NOTIMP for a non-QUERY opcode; kdig over TCP gets an OPT record back', async () => {
    const { port } = await start(`.:0 {\n bind 127.0.0.1\n kubernetes cluster.local\n}`);
    assert.equal((await dig(port, 'web.shop.svc.cluster.local', 'A', ['+opcode=status'])).status, 'NOTIMP');
    if (haveTool('kdig')) {
      const r = await dig(port, 'web.shop.svc.cluster.local', 'A', ['+tcp', '+edns'], 'kdig');
      assert.deepEqual(r.answer, ['web.shop.svc.cluster.local. 5 IN A 10.96.0.12']);
      assert.match(r.text, /EDNS PSEUDOSECTION/);
      assert.match(r.text, /\(TCP\)/);
    }
  });

  test('loop: forwarding to itself stops the server with a loop error', async () => {
    const self = await closedPort();
    await assert.rejects(
      serveDns({ corefile: `.:${self} {\n bind 127.0.0.1\n loop\n forward . 127.0.0.1:${self}\n}`, source: new MemorySource(), log: () => undefined }),
      (err: Error & { code?: string }) => {
        assert.equal(err.code, 'DNS_LOOP_DETECTED');
        assert.match(err.message, /plugin\/loop: Loop \(127\.0\.0\.1:\d+ -> 127\.0\.0\.1:\d+\) detected for zone "\."/);
        return true;
      },
    );
  });

  test('reload: a changed Corefile file is applied without restarting; a broken one is rejected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pn-dns-'));
    dirs.push(dir);
    const path = join(dir, 'Corefile');
    const text = (ttl: number) => `.:0 {\n bind 127.0.0.1\n reload 2s\n kubernetes cluster.local {\n  ttl ${ttl}\n }\n}\n`;
    writeFileSync(path, text(5));
    const lines: string[] = [];
    let onLine: (() => void) | undefined;
    const server = await serveDns({ corefile: text(5), source: sourceFromYaml(fixture), corefilePath: path, log: (l) => (lines.push(l), onLine?.()) });
    servers.push(server);
    const port = server.addresses()[0]!.udp.port;
    assert.match((await dig(port, 'web.shop.svc.cluster.local')).answer[0]!, / 5 IN A /);
    const reloaded = new Promise<void>((r) => (onLine = () => lines.some((l) => l.includes('Reloading complete')) && r()));
    writeFileSync(path, text(17));
    await reloaded;
    assert.equal(server.addresses()[0]!.udp.port, port, 'same listener');
    assert.match((await dig(port, 'web.shop.svc.cluster.local')).answer[0]!, / 17 IN A /);
    await assert.rejects(server.reload('.:0 {\n bind 127.0.0.1\n nonsense\n}'), /unknown plugin "nonsense"/);
    assert.match((await dig(port, 'web.shop.svc.cluster.local')).answer[0]!, / 17 IN A /);
  });

  test('queries in flight during a reload are all answered', { timeout: 20_000 }, async () => {
    const text = (ttl: number) => `.:0 {\n bind 127.0.0.1\n kubernetes cluster.local {\n  ttl ${ttl}\n }\n}\n`;
    const { server, port } = await start(text(5));
    const dgram = await import('node:dgram');
    const { encodeQuery, T } = await import('./wire.js');
    const sock = dgram.createSocket('udp4');
    const waiting = new Map<number, () => void>();
    sock.on('message', (m) => waiting.get(m.readUInt16BE(0))?.());
    const ask = (id: number) => new Promise<void>((r) => (waiting.set(id, r), sock.send(encodeQuery('web.shop.svc.cluster.local', T.A, { id }), port, '127.0.0.1')));
    try {
      // Windows of 50 stay below the kernel's default UDP receive buffer (~256 small datagrams).
      for (let w = 0; w < 6; w++) {
        const batch = Array.from({ length: 50 }, (_, i) => ask(w * 50 + i + 1));
        if (w === 2) batch.push(server.reload(text(9)));
        await Promise.all(batch);
      }
      assert.match((await dig(port, 'web.shop.svc.cluster.local')).answer[0]!, / 9 IN A /);
    } finally {
      sock.close();
    }
  });

  test('the Corefile comes from a ConfigMap and a ConfigMap change reloads it', async () => {
    const source = sourceFromYaml(fixture);
    const cm = (ttl: number) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'coredns', namespace: 'kube-system' }, data: { Corefile: `.:0 {\n bind 127.0.0.1\n kubernetes cluster.local {\n  ttl ${ttl}\n }\n}\n` } });
    source.apply(cm(5));
    const lines: string[] = [];
    let onLine: (() => void) | undefined;
    const server = await serveDns({ corefile: '', source, corefileConfigMap: { namespace: 'kube-system', name: 'coredns' }, log: (l) => (lines.push(l), onLine?.()) });
    servers.push(server);
    const port = server.addresses()[0]!.udp.port;
    assert.match((await dig(port, 'web.shop.svc.cluster.local')).answer[0]!, / 5 IN A /);
    const reloaded = new Promise<void>((r) => (onLine = () => lines.some((l) => l.includes('Reloading complete')) && r()));
    source.apply(cm(23));
    await reloaded;
    assert.match((await dig(port, 'web.shop.svc.cluster.local')).answer[0]!, / 23 IN A /);
  });
});
