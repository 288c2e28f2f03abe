import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rootTestsEnabled, run } from './exec.js';
import { ensureNetns } from './netns.js';
import { realNft } from './nft.js';
import { flushConntrackForIP, listConntrack, parseConntrackLine, watchConntrack, type ConntrackEvent } from './conntrack.js';
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

test('conntrack events of a namespace are streamed as parsed tuples', { skip: !rootTestsEnabled() }, async () => {
  const ns = `${prefix}ev`;
  await ensureNetns(ns);
  await realNft.apply(ns, 'table ip t {\n  chain out {\n    type filter hook output priority 0;\n    ct state new accept\n  }\n}\n');
  const events: ConntrackEvent[] = [];
  const watch = await watchConntrack(ns, (e) => events.push(e), { types: ['NEW'] });
  try {
    // The watcher has no "subscribed" signal, so send queries until one is seen (bounded).
    for (let i = 0; i < 10 && !events.some((e) => e.dst === '127.0.0.54'); i++) {
      await run('dig', ['+time=1', '+tries=1', '@127.0.0.54', 'example.com'], { netns: ns });
    }
    const e = events.find((x) => x.dst === '127.0.0.54');
    assert.ok(e, 'a NEW event for the query');
    assert.equal(e.type, 'NEW');
    assert.equal(e.proto, 'udp');
    assert.equal(e.dport, 53);
  } finally {
    await watch.stop();
  }
});
