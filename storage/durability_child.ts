// Writer for durability_test: creates COUNT keys one transaction at a time and prints each key
// only after its txn() resolved, i.e. after the store acknowledged it. The test kills this process
// with SIGKILL part-way and then checks that every printed key is in the store.
import { writeSync } from 'node:fs';
import { openStorage } from './open.js';

const [spec, count, prefix] = process.argv.slice(2) as [string, string, string];
const store = await openStorage(spec);
for (let i = 0; i < Number(count); i++) {
  const key = `${prefix}k${String(i).padStart(5, '0')}`;
  const r = await store.txn([{ type: 'put', key, value: new TextEncoder().encode(`value-${i}`), expectRevision: 0 }]);
  if (!r.succeeded) throw new Error(`durability writer: create of "${key}" failed`);
  // writeSync: the line must leave this process before the next write can start.
  writeSync(1, `${key}\n`);
}
writeSync(1, 'DONE\n');
await store.close();
