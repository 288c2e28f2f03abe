import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalIP, cidrContains, cidrContainsCIDR, formatCIDR, formatIP, nthIP, nthSubnet, parseCIDR, parseIP,
  parseReverseName, reverseName, tryParseCIDR, tryParseIP,
} from './ip.js';

test('IPv4 parsing is strict: leading zeros, empty and out-of-range octets are rejected', () => {
  for (const bad of ['...', '1.2.3', '1.2.3.4.5', '01.2.3.4', '1.2.3.256', '1..3.4', ' 1.2.3.4', '1.2.3.4 ', '-1.2.3.4', '1.2.3.0x1']) {
    assert.equal(tryParseIP(bad), undefined, bad);
  }
  assert.equal(formatIP(parseIP('10.244.1.2')), '10.244.1.2');
  assert.equal(parseIP('0.0.0.0').value, 0n);
});

test('IPv6 parsing accepts the RFC 4291 forms and formats per RFC 5952', () => {
  assert.equal(canonicalIP('2001:DB8:0:0:0:0:0:1'), '2001:db8::1');
  assert.equal(canonicalIP('::'), '::');
  assert.equal(canonicalIP('::1'), '::1');
  assert.equal(canonicalIP('fd00:10:96::a'), 'fd00:10:96::a');
  assert.equal(canonicalIP('::ffff:192.0.2.1'), '::ffff:c000:201');
  assert.equal(canonicalIP('1:0:0:1:0:0:0:1'), '1:0:0:1::1');
  for (const bad of ['1::2::3', '12345::', ':::', '1:2:3:4:5:6:7:8:9', 'g::1', '1:2:3:4:5:6:7::8:9']) {
    assert.equal(tryParseIP(bad), undefined, bad);
  }
});

test('CIDRs contain addresses of their own family only', () => {
  const c = parseCIDR('10.244.0.0/16');
  assert.ok(cidrContains(c, parseIP('10.244.255.1')));
  assert.ok(!cidrContains(c, parseIP('10.245.0.1')));
  assert.ok(!cidrContains(parseCIDR('::/0'), parseIP('1.2.3.4')));
  assert.ok(cidrContains(parseCIDR('0.0.0.0/0'), parseIP('1.2.3.4')));
  assert.ok(cidrContainsCIDR(c, parseCIDR('10.244.3.0/24')));
  assert.ok(!cidrContainsCIDR(parseCIDR('10.244.3.0/24'), c));
  assert.equal(tryParseCIDR('10.244.1.5/24', { strict: true }), undefined);
  assert.equal(formatCIDR(parseCIDR('10.244.1.5/24')), '10.244.1.0/24');
  assert.equal(tryParseCIDR('10.0.0.0/33'), undefined);
  assert.equal(tryParseCIDR('10.0.0.0/08'), undefined);
});

test('subnets and nth addresses are computed without overflow', () => {
  assert.equal(formatCIDR(nthSubnet(parseCIDR('10.244.0.0/16'), 24, 3)), '10.244.3.0/24');
  assert.equal(formatIP(nthIP(parseCIDR('10.96.0.0/12'), 10)), '10.96.0.10');
  assert.throws(() => nthIP(parseCIDR('10.0.0.0/30'), 4), RangeError);
  assert.throws(() => nthSubnet(parseCIDR('10.244.0.0/16'), 24, 256), RangeError);
});

test('reverse names round-trip in both families', () => {
  assert.equal(reverseName(parseIP('10.96.0.10')), '10.0.96.10.in-addr.arpa');
  const v6 = parseIP('2001:db8::567:89ab');
  assert.equal(reverseName(v6), 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
  assert.deepEqual(parseReverseName(reverseName(v6)), v6);
  assert.equal(parseReverseName('1.2.3.in-addr.arpa.'), undefined);
});
