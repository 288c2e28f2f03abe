// Heap (after GC) of the objects and of the DNS server's record table for N Services.
// Run with --expose-gc; prints one JSON line. Used by run.ts.
import { parseManifest } from '../../api/manifest.js';
import { MemorySource } from '../../client/memory.js';
import { serveDns } from '../../dns/server.js';
import { objectsYaml } from './fixtures.js';

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 10_000);
  const gc = (globalThis as unknown as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  const base = process.memoryUsage().heapUsed;
  const source = new MemorySource();
  for (const { object } of parseManifest(objectsYaml(n))) source.apply(object);
  gc();
  const objects = process.memoryUsage().heapUsed;
  const server = await serveDns({ corefile: '.:0 {\n bind 127.0.0.1\n kubernetes cluster.local in-addr.arpa ip6.arpa\n}', source, log: () => undefined });
  gc();
  const withServer = process.memoryUsage().heapUsed;
  const names = server.chains()[0]!.kubernetes!.recordTable().size;
  await server.close();
  const mib = (x: number) => Number((x / 1048576).toFixed(1));
  process.stdout.write(`${JSON.stringify({ services: n, names, objectsMiB: mib(objects - base), serverMiB: mib(withServer - objects) })}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
