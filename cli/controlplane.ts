// The control plane inside the daemon: storage → apiserver (127.0.0.1 + a unix socket for the
// cluster's own processes) → client/informers → controllers.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ClusterPaths } from './paths.js';
import type { ClusterConfig } from './daemonctl.js';
import type { Progress } from './progress.js';
import type { Stoppable } from './daemon.js';
import { PodStreamRouter } from './podrouter.js';
import { startMetricsServer, type MetricsServer } from './metrics_server.js';
import { openStorage } from '../storage/open.js';
import { startApiServer } from '../apiserver/server.js';
import { ensurePki, writeKubeconfig } from '../apiserver/pki.js';
import { KubeClient } from '../client/kube.js';
import { kubeSource } from '../client/kube.js';
import { startControllers } from '../controllers/controllers.js';
import { R, type ObjectSource } from '../client/source.js';
import type { Pod } from '../api/types.js';

export interface ControlPlane {
  readonly url: string;
  readonly client: KubeClient;
  readonly source: ObjectSource;
  readonly router: PodStreamRouter;
  readonly token: string;
  readonly caPem: string;
  readonly metrics: MetricsServer;
}

/** The bearer token is per cluster, generated once and kept with its state (0600). */
function clusterToken(paths: ClusterPaths): string {
  const file = join(paths.pki, 'token');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(paths.pki, { recursive: true, mode: 0o700 });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  return token;
}

export async function startControlPlane(config: ClusterConfig, paths: ClusterPaths, progress: Progress, stack: Stoppable[]): Promise<ControlPlane> {
  const storeSpec = config.store === 'sqlite' ? `sqlite:${paths.store}` : config.store;
  progress(`Opening storage ${storeSpec}`);
  const storage = await openStorage(storeSpec);
  stack.push({ name: 'storage', stop: () => storage.close() });

  progress('Generating the cluster CA and serving certificate');
  const pki = await ensurePki(paths.pki);
  const token = clusterToken(paths);

  let podsInformer: { get(ns: string, name: string): Pod | undefined } | undefined;
  const router = new PodStreamRouter((ns, name) => podsInformer?.get(ns, name)?.spec?.nodeName);
  progress(`Starting the apiserver on https://127.0.0.1:${config.apiPort}`);
  const api = await startApiServer({
    storage,
    listen: { host: '127.0.0.1', port: config.apiPort },
    unixSocket: paths.apiSocket,
    tls: { cert: pki.certPem, key: pki.keyPem },
    token,
    podStreams: router,
    usage: () => router.usage(),
  });
  stack.push({ name: 'apiserver', stop: () => api.close() });
  writeKubeconfig(paths.kubeconfig, { server: api.url, caPem: pki.caPem, token, name: config.name });
  writeKubeconfig(paths.inClusterKubeconfig, { server: 'https://172.18.0.1:6443', caPem: pki.caPem, token, name: config.name });

  const client = new KubeClient({ server: api.url, token, caPem: pki.caPem });
  const source = kubeSource(client);
  const pods = source.informer(R.pods);
  podsInformer = { get: (ns, name) => pods.get(ns, name) as Pod | undefined };

  progress('Starting controllers (workloads, scheduler, node IPAM, EndpointSlices, load balancers)');
  const controllers = await startControllers({ client, source });
  stack.push({ name: 'controllers', stop: () => controllers.stop() });
  await source.start();
  stack.push({ name: 'informers', stop: () => source.stop() });
  const metrics = await startMetricsServer(config.metricsPort ?? 0);
  stack.push({ name: 'metrics', stop: () => metrics.close() });
  metrics.register('apiserver', () => api.metrics());
  metrics.register('controllers', () => controllers.metrics());
  progress(`apiserver ready at ${api.url}`);
  return { url: api.url, client, source, router, token, caPem: pki.caPem, metrics };
}
