// Root end-to-end: the real topology (two nodes, host-gw, podnet-cni) with one kubelet per node;
// a pod on one node reaches a pod on the other by IP and sees no NAT; dnsPolicy Default gets the
// node's resolv.conf (the fake upstream) and resolves an "internet" name through it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { KubeObject, Pod } from '../api/types.js';
import { MemorySource } from '../client/memory.js';
import { R } from '../client/source.js';
import { rootTestsEnabled } from '../host/exec.js';
import { stopAllRelays } from '../host/relay.js';
import { startKubelet, type Kubelet } from './kubelet.js';
import { memoryWriter } from './memorywriter.js';
import { ensureClusterNetwork, teardownCluster } from './topology.js';

const podnetCniBuilt = fs.existsSync(new URL('../dist/cni/main.js', import.meta.url)) || fs.existsSync(new URL('../cni/main.js', import.meta.url));

describe('kubelets on the real cluster network', { skip: !rootTestsEnabled() || !podnetCniBuilt }, () => {
  const cluster = `t${randomBytes(3).toString('hex')}`;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `pn-${cluster}-`));
  const source = new MemorySource();
  const writer = memoryWriter(source);
  const kubelets: Kubelet[] = [];

  before(async () => {
    const net = await ensureClusterNetwork({ cluster, stateDir, backend: 'host-gw', nodes: [{ name: 'n1', podCIDR: '10.244.1.0/24' }, { name: 'n2', podCIDR: '10.244.2.0/24' }] });
    for (const node of net.nodes) {
      kubelets.push(await startKubelet({ node, source, writer, stateDir, clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', podnetBin: 'bin/podnet', cluster, controlPlane: node.name === 'n1' }));
    }
  });
  after(async () => {
    for (const k of kubelets) await k.stop({ removePods: true }).catch(() => {});
    await stopAllRelays().catch(() => {});
    await teardownCluster(cluster, stateDir);
    fs.rmSync(stateDir, { recursive: true, force: true });
  });

  const running = (name: string) =>
    new Promise<Pod>((resolve) => {
      const check = () => {
        const p = source.informer(R.pods).get('default', name) as Pod | undefined;
        if (p?.status?.phase === 'Running' && p.status.podIP) (off(), resolve(p));
      };
      const off = source.informer(R.pods).onChange(() => setImmediate(check));
      check();
    });

  async function exec(k: Kubelet, pod: string, command: string[]): Promise<string> {
    let out = '';
    const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
    await k.podStreams.exec({ namespace: 'default', pod, command, tty: false, stdout: sink, stderr: sink, signal: AbortSignal.timeout(20_000) });
    return out;
  }

  test('a pod on node 1 reaches a pod on node 2 without NAT; Default DNS uses the node resolv.conf', async () => {
    source.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'server', uid: 'u-server' }, spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.47', args: ['netexec', '--http-port=8080'] }] } } as KubeObject);
    source.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'client', uid: 'u-client' }, spec: { nodeName: 'n1', dnsPolicy: 'Default', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] } } as KubeObject);
    const [server, client] = await Promise.all([running('server'), running('client')]);
    assert.match(server.status?.podIP ?? '', /^10\.244\.2\./);
    assert.match(client.status?.podIP ?? '', /^10\.244\.1\./);
    const seen = await exec(kubelets[0]!, 'client', ['curl', '-s', '--max-time', '5', '--retry', '20', '--retry-connrefused', '--retry-delay', '0', `http://${server.status?.podIP}:8080/clientip`]);
    assert.equal(seen.split(':')[0], client.status?.podIP);
    const resolv = await exec(kubelets[0]!, 'client', ['cat', '/etc/resolv.conf']);
    assert.match(resolv, /nameserver 203\.0\.113\.53/);
    const node1 = source.informer(R.nodes).get(undefined, 'n1') as { metadata?: { labels?: Record<string, string> } };
    assert.equal(node1.metadata?.labels?.['node-role.kubernetes.io/control-plane'], '');
  });
});
