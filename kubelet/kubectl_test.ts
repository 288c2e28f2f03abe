// Root end-to-end with the real apiserver and real kubectl: the kubelet reads pods through the
// client's informers and writes status, Events, the Node and the final delete through kubeWriter;
// kubectl's logs and exec reach the kubelet through the apiserver's PodStreams.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PodStreams } from '../apiserver/podstreams.js';
import { kubectlPath, kubectlRunner, startTestServer, waitForOutput, type TestServer } from '../apiserver/testkit.js';
import { KubeClient, kubeSource } from '../client/kube.js';
import { rootTestsEnabled } from '../host/exec.js';
import { stopAllRelays } from '../host/relay.js';
import { netnsExists } from '../host/netns.js';
import { MemoryStorage } from '../storage/memory.js';
import { startKubelet, type Kubelet } from './kubelet.js';
import { kubeWriter } from './kubewriter.js';
import { makeTestNode, type TestNode } from './testing.js';

const binary = kubectlPath('1.33') ?? kubectlPath('1.30');

const POD = `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: default }
spec:
  nodeName: n1
  terminationGracePeriodSeconds: 2
  containers:
  - name: web
    image: registry.k8s.io/e2e-test-images/agnhost:2.47
    args: [netexec, --http-port=8080]
    ports: [{ containerPort: 8080 }]
    readinessProbe: { httpGet: { path: /healthz, port: 8080 }, periodSeconds: 1 }
`;

describe('kubelet behind the apiserver, driven by kubectl', { skip: !rootTestsEnabled() || !binary ? 'needs root and kubectl 1.33' : false }, () => {
  let t: TestNode;
  let server: TestServer;
  let k: Kubelet | undefined;
  let source: ReturnType<typeof kubeSource> | undefined;
  let client: KubeClient | undefined;
  let kubectl: ReturnType<typeof kubectlRunner>;
  const ok = async (...args: string[]) => {
    const r = await kubectl.run(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };

  before(async () => {
    t = await makeTestNode();
    // The apiserver starts before the kubelet exists, so it gets streams that forward to it.
    const streams: PodStreams = {
      logs: (...a) => k!.podStreams.logs(...a),
      exec: (req) => k!.podStreams.exec(req),
      portForward: (...a) => k!.podStreams.portForward(...a),
    };
    server = await startTestServer(new MemoryStorage(), { podStreams: streams });
    client = new KubeClient({ server: server.api.url, token: server.token, caPem: server.caPem });
    source = kubeSource(client);
    k = await startKubelet({ node: t.node, source, writer: kubeWriter(client, 'n1'), stateDir: t.stateDir, clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', podnetBin: 'bin/podnet', cluster: t.cluster, nodeResolvConf: t.resolvConf });
    kubectl = kubectlRunner(binary!, server);
  });
  after(async () => {
    await k?.stop({ removePods: true }).catch(() => {});
    source?.stop();
    client?.close();
    await server?.close();
    await stopAllRelays().catch(() => {});
    await t?.cleanup();
  });

  test('apply → Ready with an IP; logs, exec and graceful delete work through kubectl', async () => {
    const applied = await kubectl.run(['apply', '-f', '-'], { stdin: POD });
    assert.equal(applied.code, 0, applied.stderr);
    await ok('wait', '--for=condition=Ready', 'pod/web', '--timeout=60s');
    const ip = await ok('get', 'pod', 'web', '-o', 'jsonpath={.status.podIP}');
    assert.match(ip, /^10\.244\.1\.\d+$/);
    assert.match(await ok('get', 'pod', 'web'), /web\s+1\/1\s+Running\s+0/);
    assert.match(await ok('get', 'node', 'n1'), /n1\s+Ready/);
    assert.equal(await ok('exec', 'web', '--', 'cat', '/etc/resolv.conf'), 'search default.svc.cluster.local svc.cluster.local cluster.local example.test\nnameserver 10.96.0.10\noptions ndots:5\n');
    assert.equal(await ok('exec', 'web', '--', 'curl', '-s', `http://${ip}:8080/hostname`), 'web');
    assert.equal(await ok('exec', 'web', '--', 'hostname'), 'web\n', 'the pod has its own UTS namespace');
    assert.match(await ok('logs', 'web'), /serving on 8080/);
    const netns = k!.podNetns('default', 'web')!;
    await ok('delete', 'pod', 'web', '--wait=true', '--timeout=60s');
    assert.equal(await netnsExists(netns), false);
    const events = await ok('get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'jsonpath={.items[*].reason}');
    assert.match(events, /Started/);
    assert.match(events, /Killing/);
  });
  test('kubectl run -i --rm busybox -- sh attaches to the shell', async () => {
    const r = await kubectl.run(['run', 'debug', '-i', '--rm', '--restart=Never', '--image=busybox', '--overrides={"spec":{"nodeName":"n1"}}', '--', 'sh'], { stdin: 'echo attached-$((40+2))\nexit 0\n' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /attached-42/);
    assert.match(r.stdout, /pod "debug" deleted/);
  });
  test('kubectl run -i --rm exits with the container exit code and prints the output once', async () => {
    const r = await kubectl.run(['run', 'debug2', '-i', '--rm', '--restart=Never', '--image=busybox', '--overrides={"spec":{"nodeName":"n1"}}', '--', 'sh'], { stdin: 'echo once-$((40+2))\nexit 3\n' });
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout.match(/once-42/g)?.length, 1, r.stdout);
    assert.doesNotMatch(r.stderr, /couldn't attach/);
    assert.match(r.stderr + r.stdout, /pod default\/debug2 terminated \(Error\)/);
  });
  test('kubectl port-forward reaches the pod port', async () => {
    const applied = await kubectl.run(['apply', '-f', '-'], { stdin: POD.replace('name: web,', 'name: pf,') });
    assert.equal(applied.code, 0, applied.stderr);
    await ok('wait', '--for=condition=Ready', 'pod/pf', '--timeout=60s');
    const child = kubectl.spawn(['port-forward', 'pod/pf', ':8080']);
    try {
      const out = await waitForOutput(child, /Forwarding from 127\.0\.0\.1:(\d+)/);
      const port = /127\.0\.0\.1:(\d+)/.exec(out)![1];
      assert.equal(await (await fetch(`http://127.0.0.1:${port}/hostname`)).text(), 'pf');
    } finally {
      child.kill('SIGTERM');
    }
  });
});
