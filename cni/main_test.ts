// Plugin behaviour that needs no kernel: VERSION, argument and configuration errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invoke } from './main.js';

const conf = (extra: Record<string, unknown> = {}) => JSON.stringify({ cniVersion: '1.1.0', name: 'podnet', type: 'podnet-cni', ipam: { type: 'podnet-ipam', subnet: '10.244.1.0/24' }, ...extra });
const env = (extra: Record<string, string> = {}) => ({ CNI_COMMAND: 'ADD', CNI_CONTAINERID: 'c1', CNI_NETNS: '/var/run/netns/x', CNI_IFNAME: 'eth0', CNI_PATH: '/usr/lib/cni', ...extra });

test('VERSION prints the supported versions and needs no configuration', async () => {
  const out = await invoke({ env: { CNI_COMMAND: 'VERSION' }, stdin: '' });
  assert.equal(out.exitCode, 0);
  assert.deepEqual(JSON.parse(out.stdout), { cniVersion: '1.1.0', supportedVersions: ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] });
});

async function errorOf(e: Record<string, string>, stdin: string) {
  const out = await invoke({ env: e, stdin });
  assert.equal(out.exitCode, 1);
  return JSON.parse(out.stdout) as { cniVersion: string; code: number; msg: string; details?: string };
}

test('a missing or unknown CNI_COMMAND is error 4', async () => {
  assert.equal((await errorOf({}, conf())).code, 4);
  assert.equal((await errorOf({ CNI_COMMAND: 'FROB' }, conf())).code, 4);
});

test('ADD without CNI_CONTAINERID or CNI_NETNS is error 4 naming the variable', async () => {
  const e = await errorOf(env({ CNI_CONTAINERID: '' }), conf());
  assert.equal(e.code, 4);
  assert.match(e.msg, /CNI_CONTAINERID is required for ADD/);
  assert.equal((await errorOf(env({ CNI_NETNS: '' }), conf())).code, 4);
});

test('a configuration that is not JSON is error 6', async () => {
  assert.equal((await errorOf(env(), '{nope')).code, 6);
});

test('an unsupported cniVersion is error 1 listing the supported ones', async () => {
  const e = await errorOf(env(), conf({ cniVersion: '2.0.0' }));
  assert.equal(e.code, 1);
  assert.match(e.details ?? '', /1\.1\.0/);
});

test('a configuration without ipam, or with a bad subnet, is error 7', async () => {
  assert.equal((await errorOf(env(), JSON.stringify({ cniVersion: '1.1.0', name: 'podnet', type: 'podnet-cni' }))).code, 7);
  assert.equal((await errorOf(env(), conf({ ipam: { type: 'podnet-ipam', subnet: '10.244.1.0/40' } }))).code, 7);
});

test('STATUS and GC need cniVersion 1.1.0', async () => {
  const e = await errorOf({ CNI_COMMAND: 'STATUS' }, conf({ cniVersion: '1.0.0' }));
  assert.equal(e.code, 1);
  assert.equal(e.cniVersion, '1.0.0');
});

test('errors carry the configuration\'s cniVersion', async () => {
  const e = await errorOf(env({ CNI_NETNS: '/proc/1/ns/net' }), conf({ cniVersion: '1.0.0' }));
  assert.equal(e.cniVersion, '1.0.0');
  assert.equal(e.code, 4);
});
