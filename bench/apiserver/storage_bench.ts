// Storage-level measurements for one store: creates/s (sequential and 16 concurrent), listing
// 10k keys, and how long a write takes to reach a watcher.
import type { Storage } from '../../storage/types.js';
import { percentile, rate, serviceJSON, timeMs } from './stats.js';

export interface StorageBenchOptions {
  readonly creates: number;
  readonly listSize: number;
  readonly watchWrites: number;
  /** Keys are created under this prefix, so a shared etcd can hold several runs. */
  readonly prefix: string;
}

export interface StorageBenchResult {
  readonly createsPerSecSeq: number;
  readonly createsPerSec16: number;
  readonly list10kMs: number;
  readonly watchP50Ms: number;
  readonly watchP99Ms: number;
  /** From the write being acknowledged to the watcher holding the event (0 when the event came first). */
  readonly afterAckP99Ms: number;
}

export async function benchStorage(s: Storage, o: StorageBenchOptions): Promise<StorageBenchResult> {
  const create = (key: string) => async () => {
    const r = await s.txn([{ type: 'put', key, value: serviceJSON(key.slice(-12)), expectRevision: 0 }]);
    if (!r.succeeded) throw new Error(`bench: create of "${key}" failed`);
  };
  const createsPerSecSeq = await rate(o.creates, 1, (i) => create(`${o.prefix}seq/${i}`)());
  const createsPerSec16 = await rate(o.creates, 16, (i) => create(`${o.prefix}conc/${i}`)());

  // Filling the list prefix is set-up, not measured: 100 keys per transaction.
  for (let i = 0; i < o.listSize; i += 100) {
    const ops = [];
    for (let j = i; j < Math.min(o.listSize, i + 100); j++) ops.push({ type: 'put' as const, key: `${o.prefix}list/${String(j).padStart(6, '0')}`, value: serviceJSON(String(j)) });
    await s.txn(ops);
  }
  const list10kMs = await timeMs(5, async () => {
    const got = await s.list(`${o.prefix}list/`);
    if (got.items.length !== o.listSize) throw new Error(`bench: listed ${got.items.length} of ${o.listSize} keys`);
  });

  const latencies = await watchLatencies(s, `${o.prefix}watch/`, o.watchWrites);
  return { createsPerSecSeq, createsPerSec16, list10kMs, watchP50Ms: percentile(latencies.total, 50), watchP99Ms: percentile(latencies.total, 99), afterAckP99Ms: percentile(latencies.afterAck, 99) };
}

/** Time from calling txn() to the watcher receiving that write, one write at a time. */
async function watchLatencies(s: Storage, prefix: string, writes: number): Promise<{ total: number[]; afterAck: number[] }> {
  const waiting = new Map<string, (t: number) => void>();
  const handle = s.watch(prefix, await s.currentRevision(), (ev) => waiting.get(ev.kv.key)?.(performance.now()));
  try {
    const total: number[] = [];
    const afterAck: number[] = [];
    for (let i = 0; i < writes; i++) {
      const key = `${prefix}${i}`;
      const arrived = new Promise<number>((resolve) => waiting.set(key, resolve));
      const start = performance.now();
      await s.txn([{ type: 'put', key, value: serviceJSON(String(i)) }]);
      const acked = performance.now();
      const at = await arrived;
      total.push(at - start);
      afterAck.push(Math.max(0, at - acked));
      waiting.delete(key);
    }
    return { total, afterAck };
  } finally {
    handle.close();
  }
}
