import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rootTestsEnabled, run } from './exec.js';
import { ensureNetns } from './netns.js';
import { realNft } from './nft.js';
import { flushConntrackForIP, listConntrack, parseConntrackLine } from './conntrack.js';
import { testPrefix, cleanupNetnsPrefix } from './testutil.js';

test('conntrack -L lines parse into original and reply tuples', () => {
  const e = parseConntrackLine('udp      17 29 src=10.244.1.5 dst=10.96.0.10 sport=40000 dport=53 [UNREPLIED] src=10.244.2.7 dst=10.244.1.5 sport=53 dport=40000 mark=0 use=1');
  assert.deepEqual(e, { proto: 'udp', src: '10.244.1.5', dst: '10.96.0.10', sport: 40000, dport: 53, replySrc: '10.244.2.7', replyDst: '10.244.1.5' });
});

const prefix = testPrefix();
after(() => (rootTestsEnabled() ? cleanupNetnsPrefix(prefix) : undefined));

test('flushing an IP removes its UDP entries in that namespace only', { skip: !rootTestsEnabled() }, async () => {
  const ns = `${prefix}ct`;
  await ensureNetns(ns);
  // A ct expression makes the kernel track connections in this namespace.
  await realNft.apply(ns, 'table ip t {\n  chain out {\n    type filter hook output priority 0;\n    ct state new accept\n  }\n}\n');
  await run('dig', ['+time=1', '+tries=1', '@127.0.0.53', 'example.com'], { netns: ns });
  const before = await listConntrack(ns);
  assert.ok(before.some((e) => e.proto === 'udp' && e.dst === '127.0.0.53' && e.dport === 53), JSON.stringify(before));
  assert.ok((await flushConntrackForIP(ns, '127.0.0.53', { proto: 'udp' })) >= 1);
  assert.equal((await listConntrack(ns)).filter((e) => e.dst === '127.0.0.53').length, 0);
  assert.equal(await flushConntrackForIP(ns, '127.0.0.53'), 0);
});
