// podnet-cni against a real kernel, through the runtime: node and pod namespaces made by the test.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootTestsEnabled, run, runOk } from '../host/exec.js';
import { ensureNetns } from '../host/netns.js';
import { getLink, listAddrs, deleteAddr, listLinks } from '../host/link.js';
import { testPrefix, cleanupNetnsPrefix } from '../host/testutil.js';
import { cniRuntime, resultIPs, type CniRuntime } from './runtime.js';
import { podnetConfList } from './conflist.js';
import { hostVethName } from './bridge.js';
import { pluginBinDir, REFERENCE_PLUGIN_DIR } from './testutil.js';
import { PodnetError } from '../api/errors.js';

const skip = !rootTestsEnabled();
const prefix = testPrefix();
const dir = mkdtempSync(join(tmpdir(), 'pn-cni-test-'));
const bin = pluginBinDir();
const node = `${prefix}node`;
after(async () => {
  if (!skip) await cleanupNetnsPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
  rmSync(bin, { recursive: true, force: true });
});

function runtimeFor(name: string, podCIDR: string): { rt: CniRuntime; dataDir: string } {
  const confDir = join(dir, name, 'net.d');
  const dataDir = join(dir, name, 'ipam');
  mkdirSync(confDir, { recursive: true });
  writeFileSync(join(confDir, '10-podnet.conflist'), JSON.stringify(podnetConfList({ podCIDR, dataDir, name })));
  return { rt: cniRuntime({ confDir, cacheDir: join(dir, name, 'cache'), netns: node, binDirs: [bin, REFERENCE_PLUGIN_DIR] }), dataDir };
}

async function pod(name: string): Promise<string> {
  const ns = `${prefix}${name}`;
  await ensureNetns(ns);
  return ns;
}

before(async () => {
  if (!skip) await ensureNetns(node);
});

test('ADD returns a spec-shaped result and wires the pod to the bridge', { skip }, async () => {
  const { rt } = runtimeFor('shape', '10.244.1.0/24');
  const ns = await pod('shape');
  const result = await rt.add({ containerID: 'shape1', netns: ns, ifname: 'eth0', args: { K8S_POD_NAME: 'p' } });
  const hostVeth = hostVethName('shape1', 'eth0');
  assert.equal(result.cniVersion, '1.1.0');
  assert.deepEqual(result.interfaces?.map((i) => [i.name, i.sandbox]), [['cni0', undefined], [hostVeth, undefined], ['eth0', `/var/run/netns/${ns}`]]);
  assert.ok(result.interfaces?.every((i) => /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(i.mac ?? '')));
  assert.deepEqual(result.ips, [{ address: '10.244.1.2/24', gateway: '10.244.1.1', interface: 2 }]);
  assert.deepEqual(result.routes, [{ dst: '0.0.0.0/0', gw: '10.244.1.1' }]);
  assert.deepEqual(resultIPs(result), ['10.244.1.2']);
  assert.deepEqual(await listAddrs(node, 'cni0'), ['10.244.1.1/24']);
  assert.deepEqual(await listAddrs(ns, 'eth0'), ['10.244.1.2/24']);
  const hv = await getLink(node, hostVeth);
  assert.equal(hv?.master, 'cni0');
  const hairpin = await run('ip', ['-n', node, '-d', '-j', 'link', 'show', 'dev', hostVeth]);
  assert.equal((JSON.parse(hairpin.stdout) as { linkinfo: { info_slave_data: { hairpin: boolean } } }[])[0]!.linkinfo.info_slave_data.hairpin, true);
  assert.ok((await getLink(ns, 'lo'))?.flags.includes('UP'));
  await rt.check({ containerID: 'shape1', netns: ns, ifname: 'eth0' });
});

test('DEL removes the attachment and succeeds again when everything is gone', { skip }, async () => {
  const { rt, dataDir } = runtimeFor('del', '10.244.2.0/24');
  const ns = await pod('del');
  await rt.add({ containerID: 'del1', netns: ns });
  await rt.del({ containerID: 'del1', netns: ns });
  assert.equal(await getLink(node, hostVethName('del1', 'eth0')), undefined);
  assert.equal(await getLink(ns, 'eth0'), undefined);
  assert.deepEqual(readdirSync(join(dataDir, 'del')).filter((f) => f.startsWith('10.')), []);
  await rt.del({ containerID: 'del1', netns: ns });
  await rt.del({ containerID: 'never-added', netns: `${prefix}gone` });
});

test('CHECK detects an address removed from the pod interface', { skip }, async () => {
  const { rt } = runtimeFor('check', '10.244.3.0/24');
  const ns = await pod('check');
  await rt.add({ containerID: 'check1', netns: ns });
  await rt.check({ containerID: 'check1', netns: ns });
  await deleteAddr(ns, 'eth0', '10.244.3.2/24');
  await assert.rejects(rt.check({ containerID: 'check1', netns: ns }), (e: PodnetError) => e.details?.['cniCode'] === 102 && /lacks address 10.244.3.2\/24/.test(e.message));
});

test('a failed ADD (exhausted range) leaves no link, address or allocation behind, with error 101', { skip }, async () => {
  const { rt, dataDir } = runtimeFor('full', '10.244.4.0/30'); // only 10.244.4.2 is usable
  const a = await pod('full-a');
  const b = await pod('full-b');
  await rt.add({ containerID: 'fulla', netns: a });
  const linksBefore = (await listLinks(node)).map((l) => l.ifname).sort();
  await assert.rejects(rt.add({ containerID: 'fullb', netns: b }), (e: PodnetError) => {
    assert.equal(e.details?.['cniCode'], 101);
    assert.match(e.message, /Cannot allocate an IP from "10.244.4.0\/30": the range is exhausted/);
    return true;
  });
  assert.deepEqual((await listLinks(node)).map((l) => l.ifname).sort(), linksBefore);
  assert.deepEqual((await listLinks(b)).map((l) => l.ifname), ['lo']);
  assert.deepEqual(readdirSync(join(dataDir, 'full')).filter((f) => f.startsWith('10.')), ['10.244.4.2']);
  await assert.rejects(rt.status(), (e: PodnetError) => e.details?.['cniCode'] === 50);
});

test('GC releases addresses of attachments that are no longer valid', { skip }, async () => {
  const { rt, dataDir } = runtimeFor('gc', '10.244.5.0/24');
  const keep = await pod('gc-keep');
  const leak = await pod('gc-leak');
  await rt.add({ containerID: 'keep', netns: keep });
  await rt.add({ containerID: 'leak', netns: leak });
  await rt.status();
  await rt.gc([{ containerID: 'keep', ifname: 'eth0' }]);
  assert.deepEqual(readdirSync(join(dataDir, 'gc')).filter((f) => f.startsWith('10.')), ['10.244.5.2']);
  assert.equal(await getLink(node, hostVethName('leak', 'eth0')), undefined, 'the leaked host veth is gone');
  assert.ok(await getLink(node, hostVethName('keep', 'eth0')), 'the valid host veth stays');
  assert.ok(await getLink(node, hostVethName('shape1', 'eth0')), "another network's veth on the same bridge stays");
  assert.equal(existsSync(join(dir, 'gc', 'cache', 'results', 'gc-leak-eth0')), false);
});

test('an ADD that fails after IPAM (the pod already has that interface) releases the address and leaves no host veth', { skip }, async () => {
  const { rt, dataDir } = runtimeFor('late', '10.244.6.0/24');
  const ns = await pod('late');
  await runOk('ip', ['-n', ns, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'other0']);
  await assert.rejects(rt.add({ containerID: 'late1', netns: ns }), (e: PodnetError) => e.details?.['cniCode'] === 100 && /File exists/.test(e.message));
  assert.equal(await getLink(node, hostVethName('late1', 'eth0')), undefined);
  assert.deepEqual(readdirSync(join(dataDir, 'late')).filter((f) => f.startsWith('10.')), []);
});
