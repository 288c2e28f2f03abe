// `podnet up --demo`: applies examples/demo and says what to try.
import { join } from 'node:path';
import { loadManifests } from '../api/manifest.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { KubeClient } from '../client/kube.js';
import { applyObjects } from './apply.js';
import { clusterPaths, packageRoot } from './paths.js';
import { readStatus } from './daemonctl.js';
import type { CommandIO } from './io.js';

export const DEMO_DIR = join(packageRoot(), 'examples', 'demo');

export async function applyDemo(name: string, io: CommandIO): Promise<number> {
  const paths = clusterPaths(name);
  const client = new KubeClient(loadKubeconfig(paths.kubeconfig));
  const objects = loadManifests([DEMO_DIR]).map((o) => o.object);
  io.out('');
  io.out(`Applying the demo (${objects.length} objects from ${DEMO_DIR}):`);
  const { applied, errors } = await applyObjects(client, objects, 'podnet-demo');
  for (const a of applied) io.out(`  ${a} applied`);
  for (const e of errors) io.err(`  error: ${e}`);
  const status = readStatus(paths);
  const ingress = status?.published?.find((p) => p.service.startsWith('podnet-ingress/'));
  const k = `kubectl --kubeconfig ${paths.kubeconfig}`;
  io.out('');
  io.out('Try:');
  io.out(`  ${k} get pods,svc,endpointslices,ingress,networkpolicy -n shop -o wide`);
  io.out(`  podnet reach -n shop --port 8080          # who may talk to whom (predicted)`);
  io.out(`  podnet reach -n shop --live --compare     # the same, measured with real connections`);
  io.out(`  podnet explain --from shop/frontend --to shop/db-0:5432   # why Frontend → Database is blocked`);
  io.out(`  ${k} exec -n shop deploy/user -- wget -qO- http://order:8080/hostname   # DNS + Service`);
  if (ingress) io.out(`  curl -H 'Host: shop.localtest' ${ingress.url}/api/hostname     # internet → LB → Ingress → backend`);
  if (status?.ui) io.out(`  open ${status.ui}                          # the live map`);
  return errors.length ? 1 : 0;
}
