// An acknowledged write survives the writer being killed with SIGKILL at a random moment: for the
// SQLite file (the writer is the store) and for etcd (the writer is a client; etcd keeps running).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { etcdMissing, startEtcd, type EtcdFixture } from './etcd_fixture.js';
import { openStorage } from './open.js';

const COUNT = 1000;
const dir = mkdtempSync(join(tmpdir(), 'pn-durability-'));
const noEtcd = etcdMissing();
let etcd: EtcdFixture | undefined;

before(async () => {
  if (!noEtcd) etcd = await startEtcd();
});
after(async () => {
  await etcd?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the writer, SIGKILLs it after a random number of acknowledged creates, returns the acknowledged keys. */
async function writeThenKill(spec: string, prefix: string): Promise<{ acked: string[]; killedAt: number }> {
  const self = fileURLToPath(import.meta.url);
  const child = spawn(
    process.execPath,
    [...process.execArgv.filter((a) => !a.startsWith('--test')), self.replace(/durability_test\.(ts|js)$/, 'durability_child.$1'), spec, String(COUNT), prefix],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  const killAt = randomInt(50, COUNT - 50);
  const acked: string[] = [];
  try {
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line === 'DONE') break;
      acked.push(line);
      if (acked.length === killAt) process.kill(child.pid!, 'SIGKILL');
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(child.pid!, 'SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL', 'the writer finished before it could be killed');
  return { acked, killedAt: killAt };
}

async function assertAllPresent(spec: string, prefix: string, acked: readonly string[]): Promise<void> {
  const store = await openStorage(spec);
  try {
    const present = new Map((await store.list(prefix)).items.map((kv) => [kv.key, new TextDecoder().decode(kv.value)]));
    const missing = acked.filter((k) => !present.has(k));
    assert.deepEqual(missing, [], `${missing.length} acknowledged keys lost`);
    for (const k of acked) assert.equal(present.get(k), `value-${Number(k.slice(-5))}`);
    // At most the one create in flight at the kill may be there without having been acknowledged.
    assert.ok(present.size <= acked.length + 1, `${present.size} keys for ${acked.length} acknowledged`);
  } finally {
    await store.close();
  }
}

test('every create acknowledged by the SQLite store survives kill -9 of the writer', async () => {
  const spec = `sqlite:${join(dir, 'dur.db')}`;
  const { acked, killedAt } = await writeThenKill(spec, '/dur/');
  assert.ok(acked.length >= killedAt);
  await assertAllPresent(spec, '/dur/', acked);
});

test('with synchronous=NORMAL too, every acknowledged create survives kill -9 of the writer', async () => {
  const spec = `sqlite:${join(dir, 'dur-normal.db')}?sync=normal`;
  const { acked, killedAt } = await writeThenKill(spec, '/dur/');
  assert.ok(acked.length >= killedAt);
  await assertAllPresent(spec, '/dur/', acked);
});

test('every create acknowledged by etcd survives kill -9 of the writer', { skip: noEtcd ?? false }, async () => {
  const spec = `${etcd!.url}?prefix=/pn-t${randomBytes(4).toString('hex')}`;
  const { acked, killedAt } = await writeThenKill(spec, '/dur/');
  assert.ok(acked.length >= killedAt);
  await assertAllPresent(spec, '/dur/', acked);
});
