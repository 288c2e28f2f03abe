// A real control plane for controller tests: podnet's apiserver over in-memory storage, a client
// and informers over HTTP, the controllers and the fake kubelet. `until` waits for a condition
// by re-checking it on every cache change (no sleeping), failing after a generous deadline.
import { startApiServer, type ApiServer } from '../../apiserver/server.js';
import { startTestServer, type TestServer } from '../../apiserver/testkit.js';
import { loadKubeconfig } from '../../client/kubeconfig.js';
import type { KubeObject } from '../../api/types.js';
import { kubeSource } from '../../client/kubesource.js';
import { KubeClient } from '../../client/rest.js';
import { R, type ObjectSource, type ResourceRef } from '../../client/source.js';
import { MemoryStorage } from '../../storage/memory.js';
import type { ControllerConfig } from '../config.js';
import { startControllers, type ControllerManager } from '../controllers.js';
import { fakeKubelet, type FakeKubelet } from './fakekubelet.js';

export interface TestCluster {
  api: ApiServer;
  /** With `secure: true`: the https server with token, CA and kubeconfig (for real kubectl). */
  server?: TestServer;
  client: KubeClient;
  /** The test's own view of the cluster (separate from the controllers'). */
  view: ObjectSource;
  manager: ControllerManager;
  kubelet: FakeKubelet;
  list<T = KubeObject>(ref: ResourceRef, ns?: string): T[];
  until<T>(what: string, check: () => T | undefined | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

const WATCHED: ResourceRef[] = [R.pods, R.services, R.endpointslices, R.endpoints, R.nodes, R.deployments, R.replicasets, R.statefulsets, R.daemonsets, R.events, R.namespaces];

export async function startTestCluster(
  opts: { nodes?: { name: string; zone?: string; labels?: Record<string, string> }[]; config?: Partial<ControllerConfig>; secure?: boolean } = {},
): Promise<TestCluster> {
  // secure: https + bearer token + CA, reached through a kubeconfig file like any user would.
  const server = opts.secure ? await startTestServer(new MemoryStorage()) : undefined;
  const api = server?.api ?? (await startApiServer({ storage: new MemoryStorage(), listen: { host: '127.0.0.1', port: 0 } }));
  const client = new KubeClient(server ? loadKubeconfig(server.kubeconfig) : { server: api.url });
  for (const n of opts.nodes ?? []) {
    await client.create(R.nodes, {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, ...(n.zone ? { 'topology.kubernetes.io/zone': n.zone } : {}), ...n.labels } },
    });
    const node = await client.get<KubeObject>(R.nodes, undefined, n.name);
    await client.updateStatus(R.nodes, { ...node!, status: { conditions: [{ type: 'Ready', status: 'True' }], addresses: [{ type: 'InternalIP', address: '172.18.0.10' }] } });
  }
  const view = kubeSource(client);
  const informers = WATCHED.map((r) => view.informer(r));
  await view.start();
  let kubelet!: FakeKubelet;
  const manager = await startControllers({
    client,
    source: kubeSource(client),
    config: opts.config,
    extra: (ctx) => [(kubelet = fakeKubelet(ctx))],
  });
  const until = <T>(what: string, check: () => T | undefined | false, timeoutMs = 20_000): Promise<T> =>
    new Promise((resolve, reject) => {
      const offs: (() => void)[] = [];
      const finish = (fn: () => void) => {
        clearTimeout(timer);
        for (const o of offs) o();
        fn();
      };
      const test = () => {
        let v: T | undefined | false;
        try {
          v = check();
        } catch (err) {
          return finish(() => reject(err));
        }
        if (v !== undefined && v !== false) finish(() => resolve(v as T));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`timed out waiting for: ${what}`))), timeoutMs);
      for (const inf of informers) offs.push(inf.onChange(test));
      test();
    });
  return {
    api,
    server,
    client,
    view,
    manager,
    kubelet,
    list: <T>(ref: ResourceRef, ns?: string) => view.informer(ref).list(ns) as unknown as T[],
    until,
    async close() {
      manager.stop();
      view.stop();
      manager.context.source.stop();
      await manager.context.record.flush();
      client.close();
      if (server) await server.close();
      else await api.close();
    },
  };
}
