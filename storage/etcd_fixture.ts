// A private etcd for tests and benchmarks: free ports on 127.0.0.1, a temporary data dir, stopped
// by pid and removed afterwards. Nothing here touches an etcd the machine may already run.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freeLocalPort as freePort } from '../host/testutil.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EtcdFixture {
  /** etcd://127.0.0.1:PORT, ready for openEtcd/openStorage. */
  readonly url: string;
  readonly pid: number;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdMissing(): string | undefined {
  const probe = spawnSync('etcd', ['--version'], { encoding: 'utf8' });
  return probe.status === 0 ? undefined : 'the etcd binary is not on PATH (apt-get install etcd-server)';
}

export async function startEtcd(): Promise<EtcdFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'pn-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const client = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    'etcd',
    [
      '--name', 'pn-test',
      '--data-dir', dataDir,
      '--listen-client-urls', client,
      '--advertise-client-urls', client,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `pn-test=${peer}`,
      '--initial-cluster-state', 'new',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const stop = async () => {
    await stopChild(child);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitReady(child);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `etcd://127.0.0.1:${clientPort}`, pid: child.pid!, dataDir, stop };
}

function waitReady(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const onData = (chunk: Buffer) => {
      log = (log + chunk.toString('utf8')).slice(-8192);
      if (log.includes('ready to serve client requests')) {
        child.stderr!.off('data', onData);
        // Keep draining stderr so etcd never blocks on a full pipe.
        child.stderr!.resume();
        resolve();
      }
    };
    child.stderr!.on('data', onData);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`storage: etcd exited with ${code} before it was ready:\n${log}`)));
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    process.kill(child.pid!, 'SIGTERM');
  });
}

