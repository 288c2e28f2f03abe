// Against podnet's real apiserver through a kubeconfig source: the controller routes objects
// created through the API, writes status.loadBalancer with updateStatus and records Events,
// and real kubectl shows the address.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startTestServer, kubectlPath, kubectlRunner, type TestServer } from '../apiserver/testkit.js';
import type { Ingress, KubeObject } from '../api/types.js';
import { openSource } from '../client/spec.js';
import type { KubeClient } from '../client/rest.js';
import { R, type ObjectSource } from '../client/source.js';
import { MemoryStorage } from '../storage/memory.js';
import { clientWriter } from './cli.js';
import { serveIngress, type IngressServer } from './server.js';
import { echoServer, ingress, request, serviceFor, type Echo } from './testing.js';

let api: TestServer;
let echo: Echo;
let source: ObjectSource;
let client: KubeClient;
let server: IngressServer | undefined;

before(async () => {
  api = await startTestServer(new MemoryStorage());
  echo = await echoServer('in-cluster');
  const opened = await openSource(`kubeconfig:${api.kubeconfig}`);
  source = opened.source;
  client = opened.client!;
});
after(async () => {
  await server?.close();
  source?.stop();
  client?.close();
  await echo?.close();
  await api?.close();
});

function refOf(o: KubeObject) {
  return o.kind === 'Service' ? R.services : o.kind === 'EndpointSlice' ? R.endpointslices : o.kind === 'IngressClass' ? R.ingressclasses : R.ingresses;
}

test('Ingresses from the apiserver are routed, status.loadBalancer is written and an Event recorded', async () => {
  const objs: KubeObject[] = [
    { apiVersion: 'networking.k8s.io/v1', kind: 'IngressClass', metadata: { name: 'podnet' }, spec: { controller: 'podnet.dev/ingress' } },
    // The apiserver refuses loopback endpoints, and nothing may be sent off this machine, so the
    // Service has no endpoints: a matched route answers 503, an unmatched host 404.
    serviceFor('web', [echo])[0]!,
    ingress('web', [{ host: 'kube.example', paths: [{ path: '/', service: 'web' }] }], { className: 'podnet', annotations: { 'nginx.ingress.kubernetes.io/unknown-thing': 'x' } }),
  ];
  for (const o of objs) await client.create(refOf(o), o);
  const ingresses = source.informer<Ingress & KubeObject>(R.ingresses);
  const addressed = new Promise<void>((resolve) => {
    const check = () => { if (ingresses.get('default', 'web')?.status?.loadBalancer?.ingress?.[0]?.ip === '172.18.255.210') resolve(); };
    ingresses.onChange(check);
  });
  server = await serveIngress({ source, listen: { host: '127.0.0.1', port: 0 }, className: 'podnet', statusAddress: '172.18.255.210', writer: clientWriter(client), accessLog: false });
  await addressed;
  assert.equal((await request(server.ports().http, '/', { host: 'kube.example' })).status, 503);
  assert.equal((await request(server.ports().http, '/', { host: 'other.example' })).status, 404);

  // Events are written asynchronously by the recorder; the informer tells us when it lands.
  const events = source.informer(R.events);
  await new Promise<void>((resolve) => {
    const found = () => events.list().some((e) => (e as { reason?: string }).reason === 'UnsupportedAnnotation');
    if (found()) return resolve();
    const off = events.onChange(() => { if (found()) { off(); resolve(); } });
  });

  const kubectl = kubectlPath('1.31') ?? kubectlPath('1.30') ?? kubectlPath('1.32');
  if (kubectl) {
    const r = await kubectlRunner(kubectl, api).run(['get', 'ingress', 'web', '-o', 'wide']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /172\.18\.255\.210/);
  }
});
