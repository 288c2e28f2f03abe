// Benchmark child: podnet's DNS server on a Corefile and a manifest file; prints READY when up.
import { readFileSync } from 'node:fs';
import { fileSource } from '../../client/file.js';
import { serveDns } from '../../dns/server.js';

async function main(): Promise<void> {
  const [corefile, objects] = process.argv.slice(2);
  if (!corefile || !objects) throw new Error('usage: serve.ts COREFILE OBJECTS.yaml');
  const server = await serveDns({ corefile: readFileSync(corefile, 'utf8'), source: fileSource([objects]), log: () => undefined });
  process.stdout.write(`READY ${server.addresses()[0]!.udp.port}\n`);
  process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
