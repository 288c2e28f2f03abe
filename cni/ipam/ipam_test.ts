import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStore, type IpamStore } from './store.js';
import { DiskStore } from './disk.js';
import { allocate, releaseUnlisted } from './allocator.js';
import { parseIpamConfig } from './config.js';
import { CniError } from '../spec.js';

const dir = mkdtempSync(join(tmpdir(), 'pn-ipam-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, () => IpamStore][] = [
  ['memory', () => new MemoryStore()],
  ['disk', () => new DiskStore(mkdtempSync(join(dir, 'd-')), 'podnet')],
];

const set = (subnet: string, extra: Record<string, string> = {}) => parseIpamConfig({ type: 'podnet-ipam', ranges: [[{ subnet, ...extra }]] }).rangeSets[0]!;

for (const [kind, make] of stores) {
  describe(`IPAM on the ${kind} store`, () => {
    test('allocates in order after the gateway and continues after the last reserved address', async () => {
      const s = make();
      const r = set('10.244.1.0/24');
      assert.equal((await allocate(s, r, 'c1', 'eth0')).ip, '10.244.1.2');
      assert.equal((await allocate(s, r, 'c2', 'eth0')).ip, '10.244.1.3');
      await s.releaseByID('c1', 'eth0');
      // host-local does not reuse a just-freed address until the range wraps.
      assert.equal((await allocate(s, r, 'c3', 'eth0')).ip, '10.244.1.4');
    });

    test('an attachment that asks again gets the address it already holds', async () => {
      const s = make();
      const r = set('10.244.1.0/24');
      const a = await allocate(s, r, 'c1', 'eth0');
      assert.equal((await allocate(s, r, 'c1', 'eth0')).ip, a.ip);
      assert.deepEqual(await s.getByID('c1', 'eth0'), [a.ip]);
    });

    test('an exhausted range is an error naming the range, and wraps to freed addresses', async () => {
      const s = make();
      const r = set('10.244.1.0/29'); // .1 gateway, .2–.6 usable, .7 broadcast
      for (let i = 0; i < 5; i++) await allocate(s, r, `c${i}`, 'eth0');
      await assert.rejects(allocate(s, r, 'c9', 'eth0'), { code: 'IPAM_RANGE_EXHAUSTED', message: 'ipam: Cannot allocate an IP from "10.244.1.0/29": the range is exhausted' });
      await s.releaseByID('c1', 'eth0');
      assert.equal((await allocate(s, r, 'c9', 'eth0')).ip, '10.244.1.3');
    });

    test('rangeStart and rangeEnd bound the allocation', async () => {
      const s = make();
      const r = set('10.244.1.0/24', { rangeStart: '10.244.1.100', rangeEnd: '10.244.1.101' });
      assert.equal((await allocate(s, r, 'a', 'eth0')).ip, '10.244.1.100');
      assert.equal((await allocate(s, r, 'b', 'eth0')).ip, '10.244.1.101');
      await assert.rejects(allocate(s, r, 'c', 'eth0'), { code: 'IPAM_RANGE_EXHAUSTED' });
    });

    test('GC releases allocations of attachments that are not valid any more', async () => {
      const s = make();
      const r = set('10.244.1.0/24');
      await allocate(s, r, 'keep', 'eth0');
      await allocate(s, r, 'leak', 'eth0');
      assert.deepEqual(await releaseUnlisted(s, [{ containerID: 'keep', ifname: 'eth0' }]), ['10.244.1.3']);
      assert.deepEqual((await s.list()).map((a) => a.containerID), ['keep']);
    });

    test('the lock serialises concurrent allocations: 50 parallel ADDs get 50 distinct addresses', async () => {
      const s = make();
      const r = set('10.244.1.0/24');
      const ips = await Promise.all(Array.from({ length: 50 }, (_, i) => s.withLock(() => allocate(s, r, `c${i}`, 'eth0'))));
      assert.equal(new Set(ips.map((a) => a.ip)).size, 50);
    });
  });
}

test('the disk store writes one file per address holding containerID and ifname, host-local style', async () => {
  const data = mkdtempSync(join(dir, 'layout-'));
  const s = new DiskStore(data, 'net1');
  await s.withLock(() => allocate(s, set('10.244.7.0/24'), 'abc', 'eth0'));
  assert.equal(readFileSync(join(data, 'net1', '10.244.7.2'), 'utf8'), 'abc\r\neth0');
  assert.equal(readFileSync(join(data, 'net1', 'last_reserved_ip.10.244.7.0_24'), 'utf8'), '10.244.7.2');
  assert.deepEqual(readdirSync(join(data, 'net1')).sort(), ['10.244.7.2', 'last_reserved_ip.10.244.7.0_24']);
});

test('IPAM configuration errors are CNI code 7 and quote the value', () => {
  assert.throws(() => parseIpamConfig({ type: 'x', ranges: [[{ subnet: '10.244.1.0/33' }]] }), (e: CniError) => e.code === 7 && e.message.includes('"10.244.1.0/33"'));
  assert.throws(() => parseIpamConfig({ type: 'x', subnet: '10.244.1.0/24', rangeStart: '10.9.9.9' }), (e: CniError) => e.code === 7 && /rangeStart "10.9.9.9"/.test(e.message));
  assert.throws(() => parseIpamConfig({ type: 'x' }), (e: CniError) => e.code === 7);
});
