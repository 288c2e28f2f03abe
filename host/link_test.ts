import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { linkName, macFor, ensureVeth, ensureBridge, setMaster, ensureAddr, listAddrs, getLink, deleteLink, ensureRoute, listRoutes, ensureVxlan, ensureNeigh, ensureFdb } from './link.js';
import { ensureNetns, listNetns, netnsExists, deleteNetns } from './netns.js';
import { rootTestsEnabled, runOk } from './exec.js';
import { testPrefix, cleanupNetnsPrefix } from './testutil.js';
import { startInNetns } from './netproc.js';
import { nodeArgv } from './entry.js';
import { dialInNetns, stopDialer } from './relay.js';

test('derived link names are stable, distinct and fit the kernel limit of 15 characters', () => {
  const a = linkName('veth', 'pod-a/eth0');
  assert.equal(a, linkName('veth', 'pod-a/eth0'));
  assert.notEqual(a, linkName('veth', 'pod-b/eth0'));
  assert.equal(a.length, 15);
  assert.match(a, /^veth[0-9a-f]{11}$/);
  assert.throws(() => linkName('much-too-long', 'x'), RangeError);
});

test('derived MACs are locally administered unicast addresses', () => {
  const mac = macFor('node-1');
  assert.match(mac, /^0a(:[0-9a-f]{2}){5}$/);
  assert.equal(mac, macFor('node-1'));
});

const prefix = testPrefix();
after(() => (rootTestsEnabled() ? cleanupNetnsPrefix(prefix) : undefined));

test('veth, bridge, addresses and routes are created idempotently inside namespaces', { skip: !rootTestsEnabled() }, async () => {
  const a = `${prefix}a`;
  const b = `${prefix}b`;
  await ensureNetns(a);
  await ensureNetns(a);
  await ensureNetns(b);
  assert.deepEqual(await listNetns(prefix), [a, b]);
  for (let i = 0; i < 2; i++) {
    await ensureBridge(a, 'br0', { addr: '10.99.0.1/24' });
    await ensureVeth('vtest0', a, 'eth0', b, { mtu: 1400 });
    await setMaster(a, 'vtest0', 'br0');
    await ensureAddr(b, 'eth0', '10.99.0.2/24');
    await ensureRoute(b, 'default', { via: '10.99.0.1' });
  }
  assert.deepEqual(await listAddrs(b, 'eth0'), ['10.99.0.2/24']);
  assert.equal((await getLink(a, 'vtest0'))?.master, 'br0');
  assert.equal((await getLink(b, 'eth0'))?.mtu, 1400);
  assert.ok((await listRoutes(b)).some((r) => r.dst === 'default' && r.gateway === '10.99.0.1'));
  const who = await startInNetns(a, [...nodeArgv(new URL('./whoami_main.js', import.meta.url)), 'bridge-side', '7000', '10.99.0.1']);
  try {
    const sock = await dialInNetns(b, '10.99.0.1', 7000);
    let text = '';
    for await (const chunk of sock) text += String(chunk);
    assert.equal(text, 'bridge-side 10.99.0.2\n');
  } finally {
    await who.stop();
    await stopDialer(b);
  }
  await deleteLink(a, 'vtest0');
  await deleteLink(a, 'vtest0');
  assert.equal(await getLink(b, 'eth0'), undefined, 'deleting one end removes the peer');
  await deleteNetns(b);
  await deleteNetns(b);
  assert.equal(await netnsExists(b), false);
});

test('a vxlan device accepts peer FDB and neighbour entries', { skip: !rootTestsEnabled() }, async () => {
  const n = `${prefix}vx`;
  await ensureNetns(n);
  await ensureBridge(n, 'under', { addr: '172.30.0.1/24' });
  await ensureVxlan(n, 'vx0', { vni: 1, local: '172.30.0.1', dev: 'under', mtu: 1450, mac: macFor('x') });
  await ensureVxlan(n, 'vx0', { vni: 1, local: '172.30.0.1', dev: 'under', mtu: 1450, mac: macFor('x') });
  await ensureFdb(n, 'vx0', macFor('peer'), '172.30.0.2');
  await ensureNeigh(n, 'vx0', '10.250.2.0', macFor('peer'));
  await ensureRoute(n, '10.250.2.0/24', { via: '10.250.2.0', dev: 'vx0', onlink: true });
  const fdb = await runOk('bridge', ['-n', n, 'fdb', 'show', 'dev', 'vx0']);
  assert.match(fdb, new RegExp(`${macFor('peer')} dst 172.30.0.2`));
  assert.equal((await getLink(n, 'vx0'))?.kind, 'vxlan');
});
