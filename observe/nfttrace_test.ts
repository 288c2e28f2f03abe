import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TraceAssembler, parseTraceLine } from './nfttrace.js';

const rejected = `trace id 5c4dd9d4 ip podnet-observe pre packet: iif "cni0" ip saddr 10.244.1.2 ip daddr 10.96.0.50 ip dscp cs0 ip ecn not-ect ip ttl 64 ip id 47223 ip length 60 tcp sport 56884 tcp dport 80 tcp flags == syn tcp window 65495
trace id 5c4dd9d4 ip podnet-observe pre rule ct state new meta nftrace set 1 (verdict continue)
trace id 5c4dd9d4 ip podnet-observe pre policy accept
trace id 5c4dd9d4 ip podnet-proxy filter-forward rule ct state new jump endpoints-check (verdict jump endpoints-check)
trace id 5c4dd9d4 ip podnet-proxy endpoints-check rule ip daddr . meta l4proto . th dport vmap @no-endpoint-services (verdict goto reject-chain)
trace id 5c4dd9d4 ip podnet-proxy reject-chain rule reject (verdict drop)`;

test('a trace ending in a reject rule is a rejected packet with its pre-DNAT tuple', () => {
  const a = new TraceAssembler();
  let rec;
  for (const l of rejected.split('\n')) rec = a.push(l, 0) ?? rec;
  assert.equal(rec?.verdict, 'reject');
  assert.deepEqual(rec?.packet, { proto: 'tcp', saddr: '10.244.1.2', daddr: '10.96.0.50', sport: 56884, dport: 80, iif: 'cni0' });
  assert.equal(rec?.dropStep?.table, 'podnet-proxy');
  assert.equal(rec?.steps.length, 5);
});

test('a drop rule with a log prefix is a drop; accepted traces complete when idle', () => {
  const a = new TraceAssembler();
  a.push('trace id 1 ip t pre packet: iif "cni0" ip saddr 10.244.1.2 ip daddr 10.244.2.3 udp sport 5000 udp dport 53', 0);
  const drop = a.push('trace id 1 ip podnet-netpol ingress rule counter packets 0 bytes 0 log prefix "podnet-drop:x/b:ingress:" drop (verdict drop)', 1);
  assert.equal(drop?.verdict, 'drop');
  assert.equal(drop?.packet.proto, 'udp');
  a.push('trace id 2 ip t pre packet: iif "cni0" ip saddr 10.244.1.2 ip daddr 10.244.2.3 tcp sport 5000 tcp dport 80', 10);
  a.push('trace id 2 ip t pre policy accept', 10);
  assert.deepEqual(a.flushOlderThan(50, 100), []);
  const [acc] = a.flushOlderThan(200, 100);
  assert.equal(acc?.verdict, 'accept');
});

test('non-trace lines are ignored', () => {
  assert.equal(parseTraceLine('# hello'), undefined);
});

test('an enforcer drop without a log prefix names the direction from its per-pod chain', async () => {
  const { flowFromTrace } = await import('./flows.js');
  const { buildAddressIndex } = await import('./enrich.js');
  const a = new TraceAssembler();
  a.push('trace id 9 ip podnet-observe trace-prerouting packet: iif "cni0" ip saddr 10.244.1.2 ip daddr 10.244.1.3 tcp sport 4000 tcp dport 80', 0);
  const rec = a.push('trace id 9 inet podnet-netpol in-0123456789ab rule counter name "drop-in-0123456789ab" drop (verdict drop)', 0)!;
  const index = buildAddressIndex([{ metadata: { namespace: 'x', name: 'b' }, spec: { containers: [] }, status: { podIP: '10.244.1.3' } }], []);
  const f = flowFromTrace('node-1', rec, index, 0);
  assert.equal(f?.verdict, 'dropped');
  assert.equal(f?.direction, 'ingress');
  assert.equal(f?.reason, 'denied by NetworkPolicy (ingress of x/b)');
});

test('rules newer than nft\'s cache ("unknown rule handle N") still end a trace, named by their chain', () => {
  const a = new TraceAssembler();
  a.push('trace id 4f ip podnet-observe trace-prerouting packet: iif "eth0" ip saddr 10.244.1.4 ip daddr 10.244.0.3 tcp sport 4000 tcp dport 8080', 0);
  const drop = a.push('trace id 4f inet podnet-netpol in-abc unknown rule handle 4 (verdict drop)', 0);
  assert.equal(drop?.verdict, 'drop');
  assert.equal(drop?.dropStep?.chain, 'in-abc');
  a.push('trace id 50 ip podnet-observe trace-prerouting packet: iif "cni0" ip saddr 10.244.1.4 ip daddr 10.96.0.4 tcp sport 4001 tcp dport 80', 0);
  assert.equal(a.push('trace id 50 ip podnet-proxy reject-chain unknown rule handle 9 (verdict drop)', 0)?.verdict, 'reject');
});
