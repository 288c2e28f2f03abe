// Rootless podnet, run for real: as root, the test drops to `nobody` and starts a cluster. kubectl on
// the host reaches it through the 127.0.0.1 forwarder, a pod runs with an IP, none of the cluster's
// network namespaces is visible on the host, and `podnet down` leaves no process behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rootTestsEnabled, run } from '../host/exec.js';
import { packageRoot } from './paths.js';

const pexec = promisify(execFile);
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups', '--'];
const bin = join(packageRoot(), 'bin', 'podnet');

async function nobodyCanRun(): Promise<boolean> {
  return (await run('setpriv', [...NOBODY, 'test', '-x', bin])).code === 0 && (await run('setpriv', [...NOBODY, 'unshare', '--user', '--map-root-user', 'true'])).code === 0;
}

const skip = !rootTestsEnabled() ? 'needs root (to become nobody)' : !existsSync(KUBECTL) ? 'kubectl 1.33 not installed' : false;
const home = mkdtempSync(join(tmpdir(), 'podnet-rootless-'));
chmodSync(home, 0o777);
const name = `r${Math.random().toString(36).slice(2, 8)}`;
const kubeconfig = join(home, 'clusters', name, 'kubeconfig');
const port = String(20000 + Math.floor(Math.random() * 20000));

function asNobody(...args: string[]) {
  return pexec('setpriv', [...NOBODY, 'env', `HOME=${home}`, `PODNET_HOME=${home}`, process.execPath, bin, ...args], { timeout: 180_000 });
}

after(async () => {
  if (skip) return;
  await asNobody('down', '--name', name).catch(() => {});
  rmSync(home, { recursive: true, force: true });
});

test('without root, podnet up runs the cluster in its own namespaces and forwards 127.0.0.1 in', { skip }, async (t) => {
  if (!(await nobodyCanRun())) return t.skip('nobody cannot read the checkout or create user namespaces here');
  const up = await asNobody('up', '--name', name, '--port', port, '--ui-port', '0');
  assert.match(up.stdout, /rootless/);
  const kubectl = async (...args: string[]) => (await pexec(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { timeout: 60_000 })).stdout;
  await kubectl('run', 'probe', '--image=podnet/echo', '--port=80');
  let ip = '';
  for (let i = 0; i < 300 && !ip; i++) {
    ip = (await kubectl('get', 'pod', 'probe', '-o', 'jsonpath={.status.phase}/{.status.podIP}')).trim();
    if (!ip.startsWith('Running/') || ip === 'Running/') ip = '';
    else break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.match(ip, /^Running\/10\.244\.\d+\.\d+$/);
  const out = await kubectl('exec', 'probe', '--', 'curl', '-s', '--max-time', '3', `http://${ip.split('/')[1]}/`);
  assert.match(out, /Pod: probe/);
  const hostNetns = (await run('ip', ['netns', 'list'])).stdout;
  assert.ok(!hostNetns.includes(`pn-${name}-`), 'the cluster namespaces are private to podnet');

  await asNobody('down', '--name', name);
  const deadline = Date.now() + 10_000;
  let left = '';
  do {
    left = (await run('ps', ['-u', '65534', '-o', 'stat=,args='])).stdout.split('\n').filter((l) => l.trim() && !l.startsWith('Z')).join('\n');
    if (!left) break;
    await new Promise((r) => setTimeout(r, 200));
  } while (Date.now() < deadline);
  assert.equal(left, '', 'no process of the cluster is left');
});
