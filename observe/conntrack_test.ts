import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConntrackEvent } from './conntrack.js';

test('a NEW TCP event gives the pre-DNAT destination and the endpoint from the reply tuple', () => {
  const r = parseConntrackEvent('[1795511061.507645]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.244.1.2 dst=10.96.0.20 sport=53148 dport=80 [UNREPLIED] src=10.244.2.7 dst=10.244.1.2 sport=8080 dport=53148 id=1997532169');
  assert.deepEqual(r, {
    type: 'NEW',
    timeMs: 1795511061507,
    timeUs: 1795511061507645,
    proto: 'tcp',
    orig: { src: '10.244.1.2', dst: '10.96.0.20', sport: 53148, dport: 80 },
    reply: { src: '10.244.2.7', dst: '10.244.1.2', sport: 8080, dport: 53148 },
    id: '1997532169',
  });
});

test('a DESTROY event carries packet and byte counters of both directions', () => {
  const r = parseConntrackEvent('[1795511062.065830]\t[DESTROY] ipv4     2 tcp      6 119 TIME_WAIT src=127.0.0.1 dst=127.0.0.1 sport=53148 dport=8080 packets=7 bytes=450 src=127.0.0.1 dst=127.0.0.1 sport=8080 dport=53148 packets=5 bytes=5972 [ASSURED] id=1997532169 [USERSPACE] portid=30544 progname=conntrack');
  assert.equal(r?.type, 'DESTROY');
  assert.equal(r?.orig.bytes, 450);
  assert.equal(r?.reply?.bytes, 5972);
  assert.equal(r?.reply?.packets, 5);
  assert.equal(r?.id, '1997532169');
});

test('lines that are not events are ignored', () => {
  assert.equal(parseConntrackEvent('conntrack v1.4.7 (conntrack-tools): 2 flow events have been shown.'), undefined);
  assert.equal(parseConntrackEvent(''), undefined);
});
