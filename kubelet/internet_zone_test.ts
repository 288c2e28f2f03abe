import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answer, zoneNames, ZONE } from './internet_zone.js';

const lines = (a: ReturnType<typeof answer>) => a.records.map((r) => `${r.name}. ${r.ttl} IN ${r.type} ${r.data}`);

test('an A question for a CNAME follows it to the address', () => {
  const a = answer(ZONE, 'WWW.Example.com.', 'A');
  assert.equal(a.rcode, 'NOERROR');
  assert.deepEqual(lines(a), ['www.example.com. 300 IN CNAME example.com', 'example.com. 300 IN A 203.0.113.10']);
});

test('AAAA is answered from the zone, and a type the name lacks is an empty NOERROR', () => {
  assert.deepEqual(lines(answer(ZONE, 'example.com', 'AAAA')), ['example.com. 300 IN AAAA 2001:db8::10']);
  const mx = answer(ZONE, 'api.example.org', 'MX');
  assert.deepEqual([mx.rcode, mx.records.length], ['NOERROR', 0]);
});

test('unknown names are NXDOMAIN', () => {
  assert.equal(answer(ZONE, 'nope.example.com', 'A').rcode, 'NXDOMAIN');
});

test('zoneNames lists every name with its IPv4 address', () => {
  assert.deepEqual(zoneNames(), {
    'example.com': '203.0.113.10',
    'www.example.com': '203.0.113.10',
    'api.example.org': '203.0.113.20',
    'docs.example.net': '192.0.2.1',
    'dns.example.net': '203.0.113.53',
  });
});
