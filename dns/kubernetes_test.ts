// The Kubernetes DNS specification against the real `dig`, answers as zone-file lines.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { serveDns, type DnsServer } from './server.js';
import { dig, fakeUpstream, haveTool, sourceFromYaml, type FakeUpstream } from './testing.js';
import type { MemorySource } from '../client/memory.js';

const skip = haveTool('dig') ? false : 'dig is not installed (apt-get install -y dnsutils)';
const fixture = readFileSync(new URL('./testdata/cluster.yaml', import.meta.url).pathname.replace('/dist/', '/'), 'utf8');

const SOA = 'cluster.local. 5 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 5';

describe('kubernetes plugin (dig)', { skip }, () => {
  let server: DnsServer;
  let port: number;
  let upstream: FakeUpstream;
  let source: MemorySource;

  before(async () => {
    upstream = await fakeUpstream({ 'www.example.test.': ['192.0.2.80'] });
    source = sourceFromYaml(fixture);
    server = await serveDns({
      corefile: `
        .:0 {
          bind 127.0.0.1
          kubernetes cluster.local in-addr.arpa ip6.arpa {
            pods insecure
            fallthrough in-addr.arpa ip6.arpa
          }
          forward . 127.0.0.1:${upstream.port}
        }`,
      source,
      log: () => undefined,
    });
    port = server.addresses()[0]!.udp.port;
  });
  after(async () => {
    await server?.close();
    await upstream?.close();
  });

  test('dns-version answers the schema version', async () => {
    const r = await dig(port, 'dns-version.cluster.local', 'TXT');
    assert.deepEqual(r.answer, ['dns-version.cluster.local. 5 IN TXT "1.1.0"']);
  });

  test('a ClusterIP Service has A and AAAA records for its clusterIPs', async () => {
    assert.deepEqual((await dig(port, 'web.shop.svc.cluster.local', 'A')).answer, ['web.shop.svc.cluster.local. 5 IN A 10.96.0.12']);
    assert.deepEqual((await dig(port, 'web.shop.svc.cluster.local', 'AAAA')).answer, ['web.shop.svc.cluster.local. 5 IN AAAA fd00:10:96::c']);
  });

  test('answers are authoritative, and RA is set because forwarding is configured', async () => {
    const r = await dig(port, 'web.shop.svc.cluster.local');
    assert.ok(r.flags.includes('aa') && r.flags.includes('ra'), r.text);
  });

  test('matching is case-insensitive and the answer keeps the query case', async () => {
    const r = await dig(port, 'WeB.ShOp.svc.Cluster.LOCAL', 'A');
    assert.deepEqual(r.answer, ['WeB.ShOp.svc.Cluster.LOCAL. 5 IN A 10.96.0.12']);
  });

  test('SRV for a named port points at the Service with glue in the additional section', async () => {
    const r = await dig(port, '_http._tcp.web.shop.svc.cluster.local', 'SRV');
    assert.deepEqual(r.answer, ['_http._tcp.web.shop.svc.cluster.local. 5 IN SRV 0 100 80 web.shop.svc.cluster.local.']);
    assert.deepEqual(r.additional, ['web.shop.svc.cluster.local. 5 IN A 10.96.0.12', 'web.shop.svc.cluster.local. 5 IN AAAA fd00:10:96::c']);
    const udp = await dig(port, '_dns._udp.web.shop.svc.cluster.local', 'SRV');
    assert.deepEqual(udp.answer, ['_dns._udp.web.shop.svc.cluster.local. 5 IN SRV 0 100 53 web.shop.svc.cluster.local.']);
  });

  test('PTR for a ClusterIP, IPv4 and IPv6 nibble form', async () => {
    assert.deepEqual((await dig(port, '12.0.96.10.in-addr.arpa', 'PTR')).answer, ['12.0.96.10.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local.']);
    const r = await dig(port, '-x', 'fd00:10:96::c');
    assert.equal(r.answer.length, 1, r.text);
    assert.match(r.answer[0]!, /^c\.0\.0\.0\.0\.0\.0\.0.*\.ip6\.arpa\. 5 IN PTR web\.shop\.svc\.cluster\.local\.$/);
  });

  test('a headless Service has one record per ready endpoint', async () => {
    const a = await dig(port, 'db.shop.svc.cluster.local', 'A');
    assert.deepEqual(a.answer.sort(), ['db.shop.svc.cluster.local. 5 IN A 10.244.1.10', 'db.shop.svc.cluster.local. 5 IN A 10.244.1.11']);
    const aaaa = await dig(port, 'db.shop.svc.cluster.local', 'AAAA');
    assert.deepEqual(aaaa.answer, ['db.shop.svc.cluster.local. 5 IN AAAA fd00:244::5']);
  });

  test('headless endpoints get hostname records: endpoint.hostname, else the dashed IP', async () => {
    assert.deepEqual((await dig(port, 'db-0.db.shop.svc.cluster.local')).answer, ['db-0.db.shop.svc.cluster.local. 5 IN A 10.244.1.10']);
    assert.deepEqual((await dig(port, '10-244-1-11.db.shop.svc.cluster.local')).answer, ['10-244-1-11.db.shop.svc.cluster.local. 5 IN A 10.244.1.11']);
    assert.deepEqual((await dig(port, 'fd00-244--5.db.shop.svc.cluster.local', 'AAAA')).answer, ['fd00-244--5.db.shop.svc.cluster.local. 5 IN AAAA fd00:244::5']);
    assert.equal((await dig(port, '10-244-1-12.db.shop.svc.cluster.local')).status, 'NXDOMAIN', 'a not-ready endpoint has no name');
  });

  test('headless SRV: one record per endpoint and named port, weight 100/N, glue for each target', async () => {
    const r = await dig(port, '_pg._tcp.db.shop.svc.cluster.local', 'SRV');
    assert.deepEqual(r.answer.sort(), [
      '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 33 5432 10-244-1-11.db.shop.svc.cluster.local.',
      '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 33 5432 db-0.db.shop.svc.cluster.local.',
      '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 33 5432 fd00-244--5.db.shop.svc.cluster.local.',
    ]);
    assert.deepEqual(r.additional.sort(), [
      '10-244-1-11.db.shop.svc.cluster.local. 5 IN A 10.244.1.11',
      'db-0.db.shop.svc.cluster.local. 5 IN A 10.244.1.10',
      'fd00-244--5.db.shop.svc.cluster.local. 5 IN AAAA fd00:244::5',
    ]);
  });

  test('PTR for a headless endpoint names its hostname record', async () => {
    assert.deepEqual((await dig(port, '10.1.244.10.in-addr.arpa', 'PTR')).answer, ['10.1.244.10.in-addr.arpa. 5 IN PTR db-0.db.shop.svc.cluster.local.']);
  });

  test('a headless Service with no ready endpoint is NXDOMAIN; publishNotReadyAddresses publishes them', async () => {
    const r = await dig(port, 'empty.shop.svc.cluster.local');
    assert.equal(r.status, 'NXDOMAIN');
    assert.deepEqual(r.authority, [SOA]);
    assert.deepEqual((await dig(port, 'early.shop.svc.cluster.local')).answer, ['early.shop.svc.cluster.local. 5 IN A 10.244.2.20']);
  });

  test('NXDOMAIN for a missing name, NODATA for a name without that type, both with the SOA', async () => {
    const nx = await dig(port, 'missing.shop.svc.cluster.local');
    assert.equal(nx.status, 'NXDOMAIN');
    assert.deepEqual(nx.authority, [SOA]);
    const nodata = await dig(port, 'web.shop.svc.cluster.local', 'MX');
    assert.equal(nodata.status, 'NOERROR');
    assert.deepEqual(nodata.answer, []);
    assert.deepEqual(nodata.authority, [SOA]);
    const unknownType = await dig(port, 'web.shop.svc.cluster.local', 'TYPE65280');
    assert.equal(unknownType.status, 'NOERROR');
    assert.deepEqual(unknownType.authority, [SOA]);
    const ent = await dig(port, 'shop.svc.cluster.local', 'A');
    assert.equal(ent.status, 'NOERROR', 'a namespace is an empty non-terminal');
  });

  test('the apex has SOA and NS', async () => {
    assert.deepEqual((await dig(port, 'cluster.local', 'SOA')).answer, [SOA]);
    assert.deepEqual((await dig(port, 'cluster.local', 'NS')).answer, ['cluster.local. 5 IN NS ns.dns.cluster.local.']);
  });

  test('wildcard queries are NXDOMAIN (deprecated, as in CoreDNS)', async () => {
    assert.equal((await dig(port, '*.shop.svc.cluster.local')).status, 'NXDOMAIN');
    assert.equal((await dig(port, '*.*.svc.cluster.local')).status, 'NXDOMAIN');
  });

  test('ExternalName into the cluster zone is a CNAME chased to its records', async () => {
    const r = await dig(port, 'alias.shop.svc.cluster.local', 'A');
    assert.deepEqual(r.answer, ['alias.shop.svc.cluster.local. 5 IN CNAME web.shop.svc.cluster.local.', 'web.shop.svc.cluster.local. 5 IN A 10.96.0.12']);
  });

  test('ExternalName outside the cluster: CNAME plus the target resolved through the forwarder', async () => {
    const r = await dig(port, 'ext.shop.svc.cluster.local', 'A');
    assert.deepEqual(r.answer, ['ext.shop.svc.cluster.local. 5 IN CNAME www.example.test.', 'www.example.test. 60 IN A 192.0.2.80']);
    assert.deepEqual((await dig(port, 'ext.shop.svc.cluster.local', 'CNAME')).answer, ['ext.shop.svc.cluster.local. 5 IN CNAME www.example.test.']);
  });

  test('pods insecure: a-b-c-d.ns.pod answers the dashed IP', async () => {
    assert.deepEqual((await dig(port, '10-244-9-9.any.pod.cluster.local')).answer, ['10-244-9-9.any.pod.cluster.local. 5 IN A 10.244.9.9']);
    assert.equal((await dig(port, 'not-an-ip.any.pod.cluster.local')).status, 'NXDOMAIN');
  });

  test('names outside the cluster zone go to the forwarder; reverse misses fall through to it', async () => {
    const r = await dig(port, 'www.example.test', 'A');
    assert.deepEqual(r.answer, ['www.example.test. 60 IN A 192.0.2.80']);
    assert.ok(!r.flags.includes('aa'));
    const before = upstream.queries.length;
    const ptr = await dig(port, '1.2.0.192.in-addr.arpa', 'PTR');
    assert.equal(ptr.status, 'NXDOMAIN');
    assert.ok(upstream.queries.slice(before).includes('1.2.0.192.in-addr.arpa. 12'), 'the PTR fell through to forward');
  });

  test('ANY gets the minimal RFC 8482 answer', async () => {
    const r = await dig(port, 'web.shop.svc.cluster.local', 'ANY');
    assert.deepEqual(r.answer, ['web.shop.svc.cluster.local. 8482 IN HINFO "RFC8482" ""']);
  });

  test('a large headless answer is truncated over UDP and dig retries over TCP to get all 100', async () => {
    const eps = Array.from({ length: 100 }, (_, i) => ({ addresses: [`10.250.${Math.floor(i / 200)}.${(i % 200) + 1}`], conditions: { ready: true } }));
    source.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', namespace: 'shop' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } });
    source.apply({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'big-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'big' } }, addressType: 'IPv4', endpoints: eps, ports: [{ port: 80, protocol: 'TCP' }] });
    server.chains()[0]!.kubernetes!.rebuild();
    const udpOnly = await dig(port, 'big.shop.svc.cluster.local', 'A', ['+ignore', '+noedns']);
    assert.ok(udpOnly.flags.includes('tc'), udpOnly.text);
    assert.ok(udpOnly.answer.length > 0 && udpOnly.answer.length < 100, `as many records as fit in 512 bytes, got ${udpOnly.answer.length}`);
    assert.ok(Number(/MSG SIZE\s+rcvd: (\d+)/.exec(udpOnly.text)?.[1]) <= 512);
    const r = await dig(port, 'big.shop.svc.cluster.local', 'A', ['+noedns']);
    assert.equal(r.answer.length, 100, r.text);
    assert.match(r.text, /\(TCP\)/);
  });

  test('live changes: a new Service answers after apply, a removed one is NXDOMAIN, endpoints follow their slices', async () => {
    const k8s = server.chains()[0]!.kubernetes!;
    source.apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'fresh', namespace: 'shop' }, spec: { clusterIP: '10.96.0.99', ports: [{ port: 80 }] } });
    await k8s.settled();
    assert.deepEqual((await dig(port, 'fresh.shop.svc.cluster.local')).answer, ['fresh.shop.svc.cluster.local. 5 IN A 10.96.0.99']);
    source.remove({ group: '', plural: 'services' }, 'shop', 'fresh');
    await k8s.settled();
    assert.equal((await dig(port, 'fresh.shop.svc.cluster.local')).status, 'NXDOMAIN');
    source.apply({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 'empty-1', namespace: 'shop', labels: { 'kubernetes.io/service-name': 'empty' } }, addressType: 'IPv4', endpoints: [{ addresses: ['10.244.2.9'], conditions: { ready: true } }], ports: [{ name: 'http', port: 80, protocol: 'TCP' }] });
    await k8s.settled();
    assert.deepEqual((await dig(port, 'empty.shop.svc.cluster.local')).answer, ['empty.shop.svc.cluster.local. 5 IN A 10.244.2.9']);
  });
});
