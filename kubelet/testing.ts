// Root-test fixture: a node netns with a CNI conf using the reference bridge + host-local plugins
// (what the topology builds for real), under a unique `pn-t<random>-` prefix, removed afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ensureNetns, listNetns, deleteNetns, netnsPids } from '../host/netns.js';
import { stopDialer } from '../host/relay.js';
import type { NodeNetworkLike } from './types.js';

export interface TestNode {
  readonly cluster: string;
  readonly node: NodeNetworkLike;
  readonly stateDir: string;
  readonly resolvConf: string;
  cleanup(): Promise<void>;
}

export async function makeTestNode(podCIDR = '10.244.1.0/24'): Promise<TestNode> {
  const cluster = `t${randomBytes(3).toString('hex')}`;
  const prefix = `pn-${cluster}-`;
  const netns = `${prefix}n1`;
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}`));
  const confDir = path.join(stateDir, 'net.d');
  fs.mkdirSync(confDir);
  fs.writeFileSync(
    path.join(confDir, '10-test.conflist'),
    JSON.stringify({
      cniVersion: '1.0.0',
      name: `${prefix}net`,
      plugins: [{ type: 'bridge', bridge: 'cni0', isGateway: true, ipMasq: false, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: podCIDR }]], dataDir: path.join(stateDir, 'ipam') } }],
    }),
  );
  const resolvConf = path.join(stateDir, 'node-resolv.conf');
  fs.writeFileSync(resolvConf, 'nameserver 203.0.113.53\nsearch example.test\n');
  await ensureNetns(netns);
  const gw = podCIDR.replace(/\.0\/24$/, '.1');
  return {
    cluster,
    stateDir,
    resolvConf,
    node: { name: 'n1', netns, ip: gw, podCIDR, cniConfDir: confDir },
    async cleanup() {
      await stopDialer(netns).catch(() => {});
      for (const ns of await listNetns(prefix)) {
        for (const pid of await netnsPids(ns)) {
          try {
            process.kill(pid, 'SIGKILL');
          } catch {
            // gone
          }
        }
        await deleteNetns(ns);
        fs.rmSync(path.join('/etc/netns', ns), { recursive: true, force: true });
      }
      fs.rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
