// End to end, as root, the troubleshooting recipe of the seeds: on a `podnet up` cluster with a
// Deployment and Service `web`, `kubectl run -i --rm debug --image=busybox -- sh` fed through a
// pipe resolves `web` through cluster DNS, fetches it through the Service, and sees its own
// hostname; the pod is gone afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rootTestsEnabled } from '../host/exec.js';
import { packageRoot } from '../cli/paths.js';

const pexec = promisify(execFile);
const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const skip = !rootTestsEnabled() ? 'needs root' : !existsSync(KUBECTL) ? 'kubectl 1.33 not installed' : false;

const name = `t${Math.random().toString(36).slice(2, 8)}`;
const home = mkdtempSync(join(tmpdir(), 'podnet-recipe-'));
const env = { ...process.env, PODNET_HOME: home };
const bin = join(packageRoot(), 'bin', 'podnet');
const kubeconfig = join(home, 'clusters', name, 'kubeconfig');
const port = String(20000 + Math.floor(Math.random() * 20000));

async function podnet(...args: string[]): Promise<string> {
  const { stdout } = await pexec(process.execPath, [bin, ...args], { env, timeout: 180_000 });
  return stdout;
}

async function kubectl(...args: string[]): Promise<string> {
  const { stdout } = await pexec(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { timeout: 90_000 });
  return stdout;
}

/** kubectl with `input` on a pipe (not a terminal), as `printf … | kubectl …` does. */
function kubectlPiped(args: string[], input: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(input);
  });
}

before(async () => {
  if (skip) return;
  await podnet('up', '--name', name, '--nodes', '2', '--port', port, '--ui-port', '0');
});

after(async () => {
  if (skip) return;
  await podnet('down', '--name', name).catch(() => {});
  rmSync(home, { recursive: true, force: true });
});

test('kubectl run -i --rm debug --image=busybox -- sh: nslookup web, wget http://web, hostname', { skip }, async () => {
  // `podnet up` returns before CoreDNS is Ready (as kind does); the recipe needs it.
  await kubectl('-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=90s');
  await kubectl('create', 'deployment', 'web', '--image=nginx', '--replicas=2');
  await kubectl('expose', 'deployment', 'web', '--port=80');
  await kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
  const clusterIP = (await kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const pods = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(' ');
  const r = await kubectlPiped(['run', '-i', '--rm', 'debug', '--image=busybox', '--restart=Never', '--', 'sh'], 'nslookup web\nwget -qO- -T 5 http://web\nhostname\nexit\n');
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  assert.match(r.stdout, new RegExp(`Name:\\s+web\\.default\\.svc\\.cluster\\.local\\nAddress: ${clusterIP.replace(/\./g, '\\.')}\\n`), r.stdout);
  const served = /^Hostname: (\S+)$/m.exec(r.stdout)?.[1];
  assert.ok(served && pods.includes(served), `wget reached a web pod through the Service: ${r.stdout}`);
  assert.match(r.stdout, /^debug$/m, 'the debug pod has its own hostname');
  assert.match(r.stdout, /pod "debug" deleted/);
  assert.doesNotMatch(r.stderr, /couldn't attach/);
  // --rm asks for the delete and returns; the pod goes after its grace period.
  await kubectl('wait', '--for=delete', 'pod/debug', '--timeout=60s');
});
