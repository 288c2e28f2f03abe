// One backend's measurements in a process of its own, so that its RSS is its own. Prints one JSON
// line: { storage, http | httpSkipped, rssMB }.
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { MemoryStorage } from '../../storage/memory.js';
import { openStorage } from '../../storage/open.js';
import type { Storage } from '../../storage/types.js';
import { rawSqliteCommitsPerSec } from './peer.js';
import { benchHttp, loadApiServer, type HttpBenchOptions } from './http_bench.js';
import { benchStorage, type StorageBenchOptions } from './storage_bench.js';
import { rssMB } from './stats.js';

export interface WorkerInput {
  /** memory | sqlite:<dir> | etcd://host:port */
  readonly backend: string;
  /** For sqlite: the synchronous pragma. */
  readonly sync?: 'FULL' | 'NORMAL';
  readonly storage: Omit<StorageBenchOptions, 'prefix'>;
  readonly http: HttpBenchOptions;
}

async function fresh(backend: string, tag: string, sync: 'FULL' | 'NORMAL' = 'FULL'): Promise<{ storage: Storage; done: () => Promise<void> }> {
  if (backend === 'memory') {
    const storage = new MemoryStorage();
    return { storage, done: () => storage.close() };
  }
  if (backend.startsWith('sqlite:')) {
    const path = `${backend.slice('sqlite:'.length)}/${tag}.db`;
    const storage = await openStorage(`sqlite:${path}?sync=${sync.toLowerCase()}`);
    return {
      storage,
      done: async () => {
        await storage.close();
        for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      },
    };
  }
  const storage = await openStorage(`${backend}?prefix=/pn-bench-${tag}-${randomBytes(3).toString('hex')}`);
  return { storage, done: () => storage.close() };
}

const input = JSON.parse(process.argv[2]!) as WorkerInput;
const peer = input.backend.startsWith('sqlite:')
  ? rawSqliteCommitsPerSec(`${input.backend.slice('sqlite:'.length)}/peer.db`, input.sync ?? 'FULL', input.storage.creates)
  : undefined;
const s = await fresh(input.backend, 'storage', input.sync);
const storage = await benchStorage(s.storage, { ...input.storage, prefix: '/bench/' });
await s.done();

const start = await loadApiServer();
let http: unknown;
let httpSkipped: string | undefined;
if (typeof start === 'string') {
  httpSkipped = start;
} else {
  const h = await fresh(input.backend, 'http', input.sync);
  try {
    http = await benchHttp(start, h.storage, input.http);
  } catch (err) {
    httpSkipped = `the HTTP run failed: ${(err as Error).message}`;
  } finally {
    await h.done();
  }
}
process.stdout.write(`${JSON.stringify({ storage, peer, http, httpSkipped, rssMB: rssMB() })}\n`);
// The etcd client's gRPC channel can keep the loop alive after close; the result is out, so leave.
process.exit(0);
