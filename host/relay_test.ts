import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootTestsEnabled } from './exec.js';
import { ensureNetns } from './netns.js';
import { ensureAddr } from './link.js';
import { listenInNetnsToUnix, dialInNetns, listenHostTcp, listenHostUdp, stopAllRelays, dialerPid } from './relay.js';
import { runOk } from './exec.js';
import { startInNetns } from './netproc.js';
import { nodeArgv } from './entry.js';
import { testPrefix, cleanupNetnsPrefix } from './testutil.js';

const prefix = testPrefix();
const dir = mkdtempSync(join(tmpdir(), 'pn-relay-test-'));
after(async () => {
  await stopAllRelays();
  if (rootTestsEnabled()) await cleanupNetnsPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

async function readAll(sock: net.Socket): Promise<string> {
  let s = '';
  sock.on('data', (b: Buffer) => (s += b.toString()));
  await once(sock, 'end');
  return s;
}

test('a host Unix server is reachable from inside a namespace, and from 127.0.0.1 through the namespace', { skip: !rootTestsEnabled() }, async () => {
  const ns = `${prefix}r`;
  await ensureNetns(ns);
  await ensureAddr(ns, 'lo', '10.98.0.1/32');
  const unixPath = join(dir, 'api.sock');
  const backend = net.createServer((c) => c.once('data', (b: Buffer) => c.end(`hello ${b.toString()}`))).listen(unixPath);
  await once(backend, 'listening');
  try {
    await listenInNetnsToUnix(ns, '10.98.0.1', 6443, unixPath);
    const viaDial = await dialInNetns(ns, '10.98.0.1', 6443);
    viaDial.end('from-dial');
    assert.equal(await readAll(viaDial), 'hello from-dial');

    const pub = await listenHostTcp({ netns: ns, ip: '10.98.0.1', targetPort: 6443, port: 0 });
    try {
      const c = net.connect({ host: '127.0.0.1', port: pub.port });
      c.end('from-host');
      assert.equal(await readAll(c), 'hello from-host');
    } finally {
      await pub.close();
    }
  } finally {
    backend.close();
  }
});

test('dialing a closed port inside a namespace fails with the reason', { skip: !rootTestsEnabled() }, async () => {
  const ns = `${prefix}r`;
  await ensureNetns(ns);
  await assert.rejects(dialInNetns(ns, '127.0.0.1', 1), (e: Error) => /ECONNREFUSED/.test(e.message) && (e as { code?: string }).code === 'HOST_DIAL_FAILED');
});

test('a dial relay that died is replaced on the next dial', { skip: !rootTestsEnabled() }, async () => {
  const ns = `${prefix}r`;
  await ensureNetns(ns);
  await assert.rejects(dialInNetns(ns, '127.0.0.1', 1), /ECONNREFUSED/);
  const first = await dialerPid(ns);
  assert.ok(first);
  process.kill(first, 'SIGKILL');
  await assert.rejects(dialInNetns(ns, '127.0.0.1', 1), /ECONNREFUSED 127.0.0.1:1/);
  const second = await dialerPid(ns);
  assert.ok(second && second !== first);
});

test('UDP to 127.0.0.1 reaches a DNS server inside a namespace and the answer comes back', { skip: !rootTestsEnabled() }, async () => {
  const ns = `${prefix}u`;
  await ensureNetns(ns);
  // The fake internet's DNS server binds 203.0.113.53; give the namespace that address too.
  await ensureAddr(ns, 'lo', '203.0.113.53/32');
  const dns = await startInNetns(ns, nodeArgv(new URL('../kubelet/internet_main.js', import.meta.url)));
  const pub = await listenHostUdp({ netns: ns, ip: '203.0.113.53', targetPort: 53, port: 0 });
  try {
    const out = await runOk('dig', ['+time=2', '+tries=2', '-p', String(pub.port), '@127.0.0.1', 'example.com', 'A']);
    assert.match(out, /example\.com\.\s+300\s+IN\s+A\s+203\.0\.113\.10/);
  } finally {
    await pub.close();
    await dns.stop();
  }
});
