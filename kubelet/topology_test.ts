// The cluster network on a real kernel: 3 nodes with host-gw and with vxlan, pods attached through
// the CNI runtime + podnet-cni (and once with Debian's reference plugins), traffic between them.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { rootTestsEnabled, run, runOk } from '../host/exec.js';
import { realNft } from '../host/nft.js';
import { ensureNetns, listNetns } from '../host/netns.js';
import { dialInNetns, stopDialer } from '../host/relay.js';
import { startInNetns, type NetnsProcess } from '../host/netproc.js';
import { nodeArgv } from '../host/entry.js';
import { cniRuntime, resultIPs } from '../cni/runtime.js';
import { pluginBinDir, REFERENCE_PLUGIN_DIR } from '../cni/testutil.js';
import { ensureClusterNetwork, teardownCluster, type ClusterNetwork, type NodeNetwork } from './topology.js';
import type { Backend } from './topology_plan.js';

const skip = !rootTestsEnabled();
const bin = skip ? '' : pluginBinDir();
after(() => (bin ? rmSync(bin, { recursive: true, force: true }) : undefined));

async function readAll(sock: Socket): Promise<string> {
  let s = '';
  for await (const chunk of sock) s += String(chunk);
  return s;
}

interface Harness {
  readonly cluster: string;
  readonly stateDir: string;
  net?: ClusterNetwork;
  readonly procs: NetnsProcess[];
  readonly podNetns: string[];
}

function harness(): Harness {
  return { cluster: `t${randomBytes(3).toString('hex')}`, stateDir: skip ? '' : mkdtempSync(join(tmpdir(), 'pn-topo-test-')), procs: [], podNetns: [] };
}

async function cleanup(h: Harness): Promise<void> {
  for (const p of h.procs) await p.stop();
  for (const ns of [...h.podNetns, ...(h.net?.nodes.map((n) => n.netns) ?? [])]) await stopDialer(ns);
  await teardownCluster(h.cluster, h.stateDir);
  rmSync(h.stateDir, { recursive: true, force: true });
}

/** A pod namespace on `node`, attached through the node's conf dir; returns its IP. */
async function addPod(h: Harness, node: NodeNetwork, name: string): Promise<{ netns: string; ip: string }> {
  const netns = `pn-${h.cluster}-pod-${name}`;
  await ensureNetns(netns);
  h.podNetns.push(netns);
  const rt = cniRuntime({ confDir: node.cniConfDir, cacheDir: node.cniCacheDir, netns: node.netns, binDirs: [bin, REFERENCE_PLUGIN_DIR] });
  const result = await rt.add({ containerID: name, netns, ifname: 'eth0', args: { K8S_POD_NAME: name } });
  return { netns, ip: resultIPs(result)[0]! };
}

async function whoami(h: Harness, netns: string, name: string): Promise<void> {
  h.procs.push(await startInNetns(netns, [...nodeArgv(new URL('../host/whoami_main.js', import.meta.url)), name, '8080']));
}

async function ask(fromNetns: string, ip: string, port = 8080): Promise<string> {
  return readAll(await dialInNetns(fromNetns, ip, port));
}

function podToPodSuite(backend: Backend, cni: 'podnet' | 'reference', nodeCount: number, opts: { manyPods?: boolean; internet?: boolean } = {}) {
  describe(`${nodeCount} nodes, ${backend}, ${cni} CNI`, { skip }, () => {
    const h = harness();
    const pods: { netns: string; ip: string; node: string }[] = [];
    before(async () => {
      const nodes = Array.from({ length: nodeCount }, (_, i) => ({ name: `node${i + 1}`, podCIDR: `10.244.${i + 1}.0/24` }));
      h.net = await ensureClusterNetwork({ cluster: h.cluster, nodes, backend, stateDir: h.stateDir, cni });
      // A second call adopts what exists instead of failing or duplicating.
      h.net = await ensureClusterNetwork({ cluster: h.cluster, nodes, backend, stateDir: h.stateDir, cni });
      for (const n of h.net.nodes) {
        const p = await addPod(h, n, `${n.name}-a`);
        pods.push({ ...p, node: n.name });
        await whoami(h, p.netns, `${n.name}-a`);
      }
    });
    after(() => cleanup(h));

    test('a pod on node 1 reaches pods on the other nodes by IP, and they see its pod IP (no NAT)', async () => {
      const [client, ...servers] = pods;
      assert.match(client!.ip, /^10\.244\.1\./);
      for (const s of servers) assert.equal(await ask(client!.netns, s.ip), `${s.node}-a ${client!.ip}\n`);
    });

    test('every node reaches every pod', async () => {
      for (const n of h.net!.nodes) for (const p of pods) assert.match(await ask(n.netns, p.ip), new RegExp(`^${p.node}-a `));
    });

    if (opts.internet) {
      test('a pod reaches the internet masqueraded as its node, and resolves names through the upstream DNS', async () => {
        const client = pods[0]!;
        const sock = await dialInNetns(client.netns, h.net!.internet.httpIP, 80);
        sock.end('GET /hello HTTP/1.0\r\nHost: example.com\r\n\r\n');
        const reply = await readAll(sock);
        assert.match(reply, /^HTTP\/1\.1 200/);
        assert.match(reply, /internet example.com \(203\.0\.113\.10\) says hello to 172\.18\.0\.2: GET \/hello/);
        for (const transport of ['+notcp', '+tcp']) {
          const dig = await runOk('dig', [transport, '+time=2', '+tries=1', '@203.0.113.53', 'www.example.com', 'A'], { netns: client.netns });
          assert.match(dig, /status: NOERROR/);
          assert.match(dig, /www\.example\.com\.\s+300\s+IN\s+CNAME\s+example\.com\.\n.*example\.com\.\s+300\s+IN\s+A\s+203\.0\.113\.10/s);
        }
        assert.match(await runOk('dig', ['+time=2', '+tries=1', '@203.0.113.53', 'nothing.example.com'], { netns: client.netns }), /status: NXDOMAIN/);
        assert.equal(h.net!.internet.names['www.example.com'], '203.0.113.10');
      });
    }

    if (opts.internet) {
      test('a pod reaches a same-node pod through a DNATed virtual IP and the reply is un-DNATed (bridge netfilter)', async () => {
        const node1 = h.net!.nodes[0]!;
        const client = await addPod(h, node1, 'node1-client');
        const backend = pods[0]!;
        await realNft.apply(node1.netns, `table ip pn-test-vip {\n  chain pre {\n    type nat hook prerouting priority dstnat;\n    ip daddr 10.96.0.99 tcp dport 80 dnat to ${backend.ip}:8080\n  }\n}\n`);
        try {
          assert.equal(await ask(client.netns, '10.96.0.99', 80), `node1-a ${client.ip}\n`);
        } finally {
          await realNft.deleteTable(node1.netns, 'ip', 'pn-test-vip');
        }
      });

      test('the internet reaches a LoadBalancer IP through the underlay\'s routes to the nodes, without NAT', async () => {
        const lbIP = '172.18.255.210';
        for (const n of h.net!.nodes) {
          // Stands in for kube-proxy's DNAT: each node answers on the LB IP itself.
          await runOk('ip', ['addr', 'replace', `${lbIP}/32`, 'dev', 'lo'], { netns: n.netns });
          await whoami(h, n.netns, n.name);
        }
        const reply = await ask(h.net!.internet.netns, lbIP);
        assert.match(reply, /^node[1-3] 198\.51\.100\.2\n$/);
      });
    }

    if (opts.manyPods) {
      test('100 pods (100 CNI ADDs) come up across the nodes with unique IPs', async () => {
        const ips: string[] = [];
        const nodes = h.net!.nodes;
        const queue = Array.from({ length: 100 }, (_, i) => i);
        await Promise.all(
          Array.from({ length: 8 }, async () => {
            for (let i = queue.shift(); i !== undefined; i = queue.shift()) ips.push((await addPod(h, nodes[i % nodes.length]!, `many${i}`)).ip);
          }),
        );
        assert.equal(ips.length, 100);
        assert.equal(new Set(ips).size, 100);
        for (const ip of ips) assert.match(ip, /^10\.244\.[1-3]\.\d+$/);
      });
    }
  });
}

podToPodSuite('host-gw', 'podnet', 3, { manyPods: true, internet: true });
podToPodSuite('vxlan', 'podnet', 3, { internet: true });
podToPodSuite('host-gw', 'reference', 2);

test('teardownCluster leaves no namespace, /etc/netns entry or topology file, and spares a cluster whose name extends it', { skip }, async () => {
  const h = harness();
  const other = { cluster: `${h.cluster}-x`, stateDir: mkdtempSync(join(tmpdir(), 'pn-topo-test-')) };
  try {
    await ensureClusterNetwork({ cluster: h.cluster, nodes: [{ name: 'node1', podCIDR: '10.244.1.0/24' }], backend: 'bridge', stateDir: h.stateDir });
    await ensureClusterNetwork({ cluster: other.cluster, nodes: [{ name: 'node1', podCIDR: '10.244.1.0/24' }], backend: 'bridge', stateDir: other.stateDir });
    await addPod(h, (await ensureClusterNetwork({ cluster: h.cluster, nodes: [{ name: 'node1', podCIDR: '10.244.1.0/24' }], backend: 'bridge', stateDir: h.stateDir })).nodes[0]!, 'p1');
    assert.deepEqual(await listNetns(`pn-${h.cluster}-`), [`pn-${h.cluster}-inet`, `pn-${h.cluster}-net`, `pn-${h.cluster}-node1`, `pn-${h.cluster}-pod-p1`, `pn-${other.cluster}-inet`, `pn-${other.cluster}-net`, `pn-${other.cluster}-node1`].sort());
    await teardownCluster(h.cluster, h.stateDir);
    const left = (await listNetns(`pn-${h.cluster}-`)).sort();
    assert.deepEqual(left, [`pn-${other.cluster}-inet`, `pn-${other.cluster}-net`, `pn-${other.cluster}-node1`].sort(), 'only the other cluster keeps its namespaces');
    assert.deepEqual(readdirSync(h.stateDir), []);
    assert.equal(existsSync(`/etc/netns/pn-${h.cluster}-node1`), false);
    const pids = await run('pgrep', ['-f', `${h.stateDir}`]);
    assert.equal(pids.stdout.trim(), '');
  } finally {
    await teardownCluster(h.cluster, h.stateDir).catch(() => undefined);
    await teardownCluster(other.cluster, other.stateDir).catch(() => undefined);
    rmSync(h.stateDir, { recursive: true, force: true });
    rmSync(other.stateDir, { recursive: true, force: true });
  }
});
