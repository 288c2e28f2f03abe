// The cache plugin with an injected clock: TTLs count down, entries expire, serve_stale serves
// expired entries with TTL 0 while refreshing, capacity evicts the oldest.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CachePlugin, parseCache } from './cache.js';
import { parseCorefile } from './corefile.js';
import { dnsMetrics } from './metrics.js';
import type { PluginEnv, Request } from './plugin.js';
import { encodeQuery, parseQuery, RCODE, T, type Answer } from './wire.js';

function setup(directive: string) {
  const d = parseCorefile(`.:53 {\n${directive}\n}`)[0]!.directives[0]!;
  const metrics = dnsMetrics();
  let now = 1_000_000;
  const env = { metrics, server: 'dns://:53', zones: ['.'], log: () => undefined } as unknown as PluginEnv;
  const cache = new CachePlugin(parseCache(d, ['.']), env, () => now);
  let upstream: Answer = { rcode: RCODE.NOERROR, aa: false, answer: [{ name: 'a.test.', type: T.A, ttl: 60, data: '192.0.2.1' }], authority: [], additional: [] };
  let calls = 0;
  const next = () => (calls++, upstream);
  const ask = (name = 'a.test') => {
    const p = parseQuery(encodeQuery(name, T.A));
    if (!p.ok) throw new Error('bad query');
    const req: Request = { q: p.query, proto: 'udp', client: { address: '127.0.0.1', port: 1, family: 4 }, server: 'dns://:53', zone: '.', depth: 0 };
    return cache.handle(req, next) as Answer;
  };
  return {
    ask,
    advance: (s: number) => (now += s * 1000),
    setUpstream: (a: Answer) => (upstream = a),
    calls: () => calls,
    metrics,
    cache,
  };
}

test('a hit serves the remaining TTL, capped by the cache TTL, and expires', () => {
  const c = setup('cache 30');
  assert.equal(c.ask().answer[0]!.ttl, 60, 'the first answer is the upstream one');
  c.advance(10);
  assert.equal(c.ask().answer[0]!.ttl, 20);
  assert.equal(c.calls(), 1);
  c.advance(21);
  c.ask();
  assert.equal(c.calls(), 2, 'expired after 30 s');
  assert.equal(c.metrics.cacheHits.sum({ type: 'success' }), 1);
  assert.equal(c.metrics.cacheMisses.sum(), 2);
});

test('negative answers are cached for the SOA minimum', () => {
  const c = setup('cache');
  c.setUpstream({ rcode: RCODE.NXDOMAIN, aa: false, answer: [], authority: [{ name: 'test.', type: T.SOA, ttl: 300, data: { mname: 'ns.test.', rname: 'h.test.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 20 } }], additional: [] });
  c.ask();
  c.advance(19);
  assert.equal(c.ask().rcode, RCODE.NXDOMAIN);
  assert.equal(c.calls(), 1);
  c.advance(2);
  c.ask();
  assert.equal(c.calls(), 2);
});

test('serve_stale answers an expired entry with TTL 0 and refreshes it in the background', async () => {
  const c = setup('cache 10 {\n serve_stale 1h\n}');
  c.ask();
  c.advance(15);
  const stale = c.ask();
  assert.equal(stale.answer[0]!.ttl, 0);
  await new Promise((r) => setImmediate(r));
  assert.equal(c.calls(), 2, 'refreshed');
  assert.equal(c.metrics.cacheServedStale.sum(), 1);
  assert.equal(c.ask().answer[0]!.ttl, 10);
});

test('capacity evicts the oldest entry (minimum capacity 1024 as CoreDNS)', () => {
  const c = setup('cache {\n success 1\n}');
  for (let i = 0; i < 1030; i++) c.ask(`n${i}.test`);
  assert.equal(c.cache.size().success, 1024);
  const before = c.calls();
  c.ask('n0.test');
  assert.equal(c.calls(), before + 1, 'n0 was evicted');
  c.ask('n1029.test');
  assert.equal(c.calls(), before + 1, 'n1029 is still cached');
});

test('SERVFAIL is cached for the servfail duration only', () => {
  const c = setup('cache {\n servfail 2s\n}');
  c.setUpstream({ rcode: RCODE.SERVFAIL, aa: false, answer: [], authority: [], additional: [] });
  c.ask();
  c.ask();
  assert.equal(c.calls(), 1);
  c.advance(3);
  c.ask();
  assert.equal(c.calls(), 2);
});

test('prefetch refreshes a popular entry before it expires', async () => {
  const c = setup('cache 100 {\n prefetch 2 1m 10%\n}');
  c.ask();
  c.advance(50);
  c.ask();
  c.ask();
  await new Promise((r) => setImmediate(r));
  assert.equal(c.calls(), 1, 'not yet within the last 10% of the TTL');
  c.advance(45);
  c.ask();
  await new Promise((r) => setImmediate(r));
  assert.equal(c.calls(), 2, 'refreshed in the background');
  c.advance(10);
  c.ask();
  assert.equal(c.calls(), 2, 'the refreshed entry is still fresh past the original expiry');
});
