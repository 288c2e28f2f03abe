// `podnet apiserver`: only the apiserver, in the foreground, on a storage of your choice.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from './args.js';
import { clusterPaths } from './paths.js';
import type { CommandIO } from './io.js';
import { openStorage } from '../storage/open.js';
import { startApiServer } from '../apiserver/server.js';
import { ensurePki, writeKubeconfig } from '../apiserver/pki.js';

export async function apiserverCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags } = parseArgs(argv, {
    name: { type: 'string', default: 'podnet', help: 'cluster name (state directory)' },
    store: { type: 'string', default: 'sqlite', help: 'sqlite | memory | etcd://HOST:PORT' },
    port: { type: 'number', default: 6443, help: 'port on 127.0.0.1' },
    insecure: { type: 'boolean', default: false, help: 'plain HTTP without authentication' },
  });
  const paths = clusterPaths(String(flags.name));
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const spec = flags.store === 'sqlite' ? `sqlite:${paths.store}` : flags.store === 'memory' ? 'memory:' : String(flags.store);
  const storage = await openStorage(spec);
  const pki = flags.insecure ? undefined : await ensurePki(paths.pki);
  const token = flags.insecure ? undefined : 'podnet-' + Math.random().toString(36).slice(2);
  const api = await startApiServer({
    storage,
    listen: { host: '127.0.0.1', port: Number(flags.port) },
    ...(pki ? { tls: { cert: pki.certPem, key: pki.keyPem } } : {}),
    ...(token ? { token } : {}),
  });
  const kubeconfig = join(paths.dir, 'kubeconfig.apiserver');
  writeKubeconfig(kubeconfig, { server: api.url, caPem: pki?.caPem, token, name: String(flags.name) });
  io.out(`apiserver serving at ${api.url} (storage ${spec})`);
  io.out(`kubeconfig: ${kubeconfig}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await api.close();
  await storage.close();
  return 0;
}
