// `podnet up --demo`: applies examples/demo and says what to try.
import { join } from 'node:path';
import { loadManifests } from '../api/manifest.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { KubeClient } from '../client/kube.js';
import { applyObjects } from './apply.js';
import { clusterPaths, packageRoot } from './paths.js';
import { readStatus } from './daemonctl.js';
import type { CommandIO } from './io.js';
import type { Pod } from '../api/types.js';
import { R } from '../client/source.js';

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
  // Name real pods in the hints (the analyzer works on pods, not Deployments).
  const podNamed = async (app: string): Promise<string> => {
    for (let i = 0; i < 50; i++) {
      const { items } = await client.list<Pod>(R.pods, 'shop', { labelSelector: `app=${app}` });
      const name = items[0]?.metadata?.name;
      if (name) return name;
      await new Promise((r) => setTimeout(r, 100));
    }
    return app;
  };
  const frontend = await podNamed('frontend');
  const user = await podNamed('user');
  const status = readStatus(paths);
  const ingress = status?.published?.find((p) => p.service.startsWith('podnet-ingress/'));
  const k = `kubectl --kubeconfig ${paths.kubeconfig}`;
  const n = name === 'podnet' ? '' : ` --name ${name}`;
  io.out('');
  io.out('Try:');
  io.out(`  ${k} get pods,svc,endpointslices,ingress,networkpolicy -n shop -o wide`);
  io.out(`  podnet reach${n} -n shop --port 8080          # who may talk to whom (predicted)`);
  io.out(`  podnet reach${n} -n shop --live --compare     # the same, measured with real connections`);
  io.out(`  podnet explain${n} --from shop/${frontend} --to shop/db-0:5432   # why Frontend → Database is blocked`);
  io.out(`  podnet exec${n} shop/${user} -- curl -s http://order:8080/hostname   # DNS + Service`);
  if (ingress) io.out(`  curl -H 'Host: shop.localtest' ${ingress.url}/api/hostname     # internet → LB → Ingress → backend`);
  if (status?.ui) io.out(`  open ${status.ui}                          # the live map`);
  return errors.length ? 1 : 0;
}
