// Test helpers shared by the apiserver's tests and the storage suite: a server on port 0 with a
// throwaway PKI, token and kubeconfig, and a runner for the real kubectl binaries.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Storage } from '../storage/types.js';
import { generatePki, writeKubeconfig, type Pki } from './pki.js';
import { startApiServer, type ApiServer, type ApiServerOptions } from './server.js';

export const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

export function kubectlPath(version: string): string | undefined {
  const p = join(KUBECTL_DIR, `kubectl.${version}`);
  return existsSync(p) ? p : undefined;
}

let sharedPki: Pki | undefined;
/** One PKI per test process: RSA key generation in JavaScript takes a second or two. */
export function testPki(): Pki {
  sharedPki ??= generatePki();
  return sharedPki;
}

export interface TestServer {
  readonly api: ApiServer;
  readonly dir: string;
  readonly kubeconfig: string;
  readonly token: string;
  readonly caPem: string;
  close(): Promise<void>;
}

export async function startTestServer(storage: Storage, extra: Partial<ApiServerOptions> = {}): Promise<TestServer> {
  const pki = testPki();
  const dir = mkdtempSync(join(tmpdir(), 'pn-apiserver-'));
  const token = 'test-token-' + Math.random().toString(36).slice(2);
  const api = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, tls: { cert: pki.certPem, key: pki.keyPem }, token, ...extra });
  const kubeconfig = join(dir, 'kubeconfig');
  writeKubeconfig(kubeconfig, { server: api.url, caPem: pki.caPem, token, name: 'test' });
  return {
    api,
    dir,
    kubeconfig,
    token,
    caPem: pki.caPem,
    close: async () => {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function kubectlRunner(binary: string, server: TestServer, env: Record<string, string> = {}) {
  const cache = join(server.dir, `cache-${binary.split('.').slice(-2).join('.')}`);
  const base = ['--kubeconfig', server.kubeconfig, '--cache-dir', cache];
  const run = (args: string[], opts: { stdin?: string; env?: Record<string, string> } = {}): Promise<RunResult> =>
    new Promise((resolve) => {
      const child = execFile(binary, [...base, ...args], { env: { ...process.env, HOME: server.dir, ...env, ...opts.env }, timeout: 60_000 }, (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr) });
      });
      if (opts.stdin !== undefined) child.stdin!.end(opts.stdin);
      else child.stdin?.end();
    });
  const spawnKubectl = (args: string[]): ChildProcess => spawn(binary, [...base, ...args], { env: { ...process.env, HOME: server.dir, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return { run, spawn: spawnKubectl };
}

/** Resolves with everything read so far once `pattern` appears on the child's stdout. */
export function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    let err = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString();
      if (pattern.test(text)) {
        child.stdout!.off('data', onData);
        resolve(text);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.once('exit', (code) => {
      if (!pattern.test(text)) reject(new Error(`kubectl exited (${code}) before printing ${pattern}: ${text}${err}`));
    });
  });
}
