// Root tests of the file-bound UTS namespaces: hostname set once, adopted, removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { rootTestsEnabled, runOk } from '../host/exec.js';
import { ensureUts, removeUts, utsArgv, utsMounted } from './uts.js';

test('utsArgv prefixes nsenter only when there is a namespace', () => {
  assert.deepEqual(utsArgv(undefined, ['hostname']), ['hostname']);
  assert.deepEqual(utsArgv('/s/uts', ['hostname', '-f']), ['nsenter', '--uts=/s/uts', '--', 'hostname', '-f']);
});

test('ensureUts refuses a hostname that is not one, with a stable code', async () => {
  await assert.rejects(ensureUts('/nonexistent/uts', 'bad name'), (e: Error & { code?: string }) => e.code === 'KUBELET_BAD_HOSTNAME' && /"bad name"/.test(e.message));
});

test('a UTS namespace file keeps its hostname, is adopted with a new one, and is removed', { skip: !rootTestsEnabled() }, async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pn-tuts-'));
  const machine = os.hostname();
  try {
    const a = path.join(dir, 'pods', 'a', 'uts');
    const b = path.join(dir, 'pods', 'b', 'uts');
    await ensureUts(a, 'pod-a');
    await ensureUts(b, 'pod-b');
    assert.equal(utsMounted(a), true);
    assert.equal((await runOk('nsenter', [`--uts=${a}`, 'hostname'])).trim(), 'pod-a');
    assert.equal((await runOk('nsenter', [`--uts=${b}`, 'hostname'])).trim(), 'pod-b');
    await ensureUts(a, 'pod-a2');
    assert.equal((await runOk('nsenter', [`--uts=${a}`, 'hostname'])).trim(), 'pod-a2', 'an existing namespace is reused and renamed');
    assert.equal(os.hostname(), machine);
    await removeUts(a);
    assert.equal(fs.existsSync(a), false);
    await removeUts(a);
    assert.equal(utsMounted(b), true, 'the other one stays');
    await removeUts(b);
    assert.equal(utsMounted(b), false);
    fs.rmSync(dir, { recursive: true });
  } finally {
    for (const f of ['a', 'b']) await removeUts(path.join(dir, 'pods', f, 'uts')).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
