import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConntrackEvent, type ConntrackRecord } from './conntrack.js';
import { ConnectTimer } from './connecttime.js';

const ev = (line: string): ConntrackRecord => parseConntrackEvent(line)!;
const NEW = ev('[1795511061.507645]\t    [NEW] ipv4     2 tcp      6 120 SYN_SENT src=10.244.1.2 dst=10.96.0.20 sport=53148 dport=80 [UNREPLIED] src=10.244.2.7 dst=10.244.1.2 sport=8080 dport=53148 id=7');
const SYN_RECV = ev('[1795511061.509890]\t [UPDATE] ipv4     2 tcp      6 60 SYN_RECV src=10.244.1.2 dst=10.96.0.20 sport=53148 dport=80 src=10.244.2.7 dst=10.244.1.2 sport=8080 dport=53148 id=7');

test('a NEW event and its SYN_RECV update give the handshake time, in either order', () => {
  const a = new ConnectTimer();
  assert.equal(a.push(NEW), undefined);
  assert.equal(a.push(SYN_RECV), 2245);
  const b = new ConnectTimer();
  assert.equal(b.push(SYN_RECV), undefined);
  assert.equal(b.push(NEW), 2245);
  // Joined once: a repeated update is a new half, not a second sample.
  assert.equal(b.push(SYN_RECV), undefined);
});

test('a connection that ends without a reply leaves nothing to join later', () => {
  const t = new ConnectTimer();
  t.push(NEW);
  t.push(ev('[1795511062.000000]\t[DESTROY] ipv4     2 tcp      6 CLOSE src=10.244.1.2 dst=10.96.0.20 sport=53148 dport=80 [UNREPLIED] src=10.244.2.7 dst=10.244.1.2 sport=8080 dport=53148 id=7'));
  assert.equal(t.push(SYN_RECV), undefined);
});

test('stamps from two readers that cross count as zero, never negative', () => {
  const t = new ConnectTimer();
  t.push({ ...SYN_RECV, timeUs: NEW.timeUs - 40 });
  assert.equal(t.push(NEW), 0);
});
