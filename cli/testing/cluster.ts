// What every end-to-end test needs to drive a real cluster: its own $PODNET_HOME, a random name
// and port, `podnet` and the real kubectl 1.33 bound to that cluster, and polling for a state
// that arrives asynchronously. Tests keep their own assertions; this only removes the plumbing.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rootTestsEnabled } from '../../host/exec.js';
import { packageRoot } from '../paths.js';

const pexec = promisify(execFile);

export const KUBECTL = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

/** Why an end-to-end test cannot run here, or false when it can. */
export function clusterSkip(): string | false {
  if (!rootTestsEnabled()) return 'needs root';
  if (!existsSync(KUBECTL)) return 'kubectl 1.33 not installed';
  return false;
}

export interface PipedResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface TestCluster {
  readonly name: string;
  readonly home: string;
  readonly env: NodeJS.ProcessEnv;
  readonly kubeconfig: string;
  /** The apiserver port, chosen at random so parallel test files do not collide. */
  readonly port: string;
  readonly bin: string;
  /** Runs `podnet ARGS…` with this cluster's $PODNET_HOME; rejects on a non-zero exit. */
  podnet(...args: string[]): Promise<string>;
  /** Runs the real kubectl against this cluster; rejects on a non-zero exit. */
  kubectl(...args: string[]): Promise<string>;
  /** kubectl with `input` on a pipe (not a terminal), as `printf … | kubectl …` does. */
  kubectlPiped(args: readonly string[], input: string): Promise<PipedResult>;
  /** `podnet down` (errors ignored; skipped when `down` is false) and removal of the home folder; for `after`. */
  destroy(down?: boolean): Promise<void>;
}

export interface TestClusterOptions {
  /** Prefix of the cluster name (a letter: cluster names become namespace names). */
  readonly prefix?: string;
  readonly podnetTimeoutMs?: number;
  readonly kubectlTimeoutMs?: number;
}

export function testCluster(opts: TestClusterOptions = {}): TestCluster {
  const name = `${opts.prefix ?? 't'}${Math.random().toString(36).slice(2, 8)}`;
  const home = mkdtempSync(join(tmpdir(), 'podnet-e2e-'));
  const env = { ...process.env, PODNET_HOME: home };
  const bin = join(packageRoot(), 'bin', 'podnet');
  const kubeconfig = join(home, 'clusters', name, 'kubeconfig');
  const port = String(20000 + Math.floor(Math.random() * 20000));
  const podnetTimeout = opts.podnetTimeoutMs ?? 180_000;
  const kubectlTimeout = opts.kubectlTimeoutMs ?? 60_000;
  const podnet = async (...args: string[]) => (await pexec(process.execPath, [bin, ...args], { env, timeout: podnetTimeout })).stdout;
  const kubectl = async (...args: string[]) => (await pexec(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { timeout: kubectlTimeout })).stdout;
  const kubectlPiped = (args: readonly string[], input: string) =>
    new Promise<PipedResult>((resolve, reject) => {
      const child = spawn(KUBECTL, ['--kubeconfig', kubeconfig, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), kubectlTimeout);
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code: code ?? 1, stdout, stderr });
      });
      child.stdin.end(input);
    });
  const destroy = async (down = true) => {
    if (down) await podnet('down', '--name', name).catch(() => {});
    rmSync(home, { recursive: true, force: true });
  };
  return { name, home, env, kubeconfig, port, bin, podnet, kubectl, kubectlPiped, destroy };
}

/** Polls `fn` until it returns a value (not undefined); its last error is in the timeout message. */
export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 60_000, intervalMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
