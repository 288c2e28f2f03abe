// The kubelet's side of CNI: attach a pod's netns to the node's network and detach it. The
// default driver runs the plugins of the node's first *.conflist per the CNI spec (ADD in order with
// prevResult, DEL in reverse), inside the node's netns, where the bridge lives.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodnetError } from '../api/errors.js';
import { run } from '../host/exec.js';
import { netnsPath } from '../host/netns.js';

export interface Attachment {
  /** The pod uid: CNI_CONTAINERID. */
  readonly containerId: string;
  /** The pod's netns name. */
  readonly netns: string;
  readonly ifname: string;
  readonly podName: string;
  readonly podNamespace: string;
}

export interface PodNetworkDriver {
  /** Runs ADD; resolves with the pod's IPs (address without prefix). */
  add(a: Attachment): Promise<{ ips: string[] }>;
  /** Runs DEL; succeeds when there is nothing to remove. */
  del(a: Attachment): Promise<void>;
}

interface ConfList {
  cniVersion: string;
  name: string;
  plugins: ({ type: string } & Record<string, unknown>)[];
}

export interface CniExecOptions {
  /** The node's netns (plugins run there). */
  readonly nodeNetns: string;
  readonly confDir: string;
  /** Where ADD results are kept for DEL (the runtime must persist them). */
  readonly cacheDir: string;
  readonly binDirs?: readonly string[];
}

const repoBin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin');
export const DEFAULT_CNI_PATH = [path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'bin'), repoBin, '/usr/lib/cni', '/opt/cni/bin'];

function loadConfList(dir: string): ConfList {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.conflist')).sort() : [];
  if (!files.length) throw new PodnetError('KUBELET_CNI_NO_CONFIG', `kubelet: no *.conflist in CNI conf dir "${dir}"`);
  return JSON.parse(fs.readFileSync(path.join(dir, files[0]!), 'utf8')) as ConfList;
}

function findPlugin(type: string, dirs: readonly string[]): string {
  for (const d of dirs) {
    const p = path.join(d, type);
    if (fs.existsSync(p)) return p;
  }
  throw new PodnetError('KUBELET_CNI_NO_PLUGIN', `kubelet: CNI plugin "${type}" not found in ${JSON.stringify(dirs)}`);
}

export function cniExecDriver(o: CniExecOptions): PodNetworkDriver {
  const dirs = o.binDirs ?? DEFAULT_CNI_PATH;
  const cachePath = (a: Attachment) => path.join(o.cacheDir, `${a.containerId}-${a.ifname}.json`);

  async function exec(cmd: 'ADD' | 'DEL', a: Attachment, conf: ConfList, plugin: ConfList['plugins'][number], prevResult: unknown): Promise<unknown> {
    const bin = findPlugin(plugin.type, dirs);
    const input = JSON.stringify({ ...plugin, cniVersion: conf.cniVersion, name: conf.name, ...(prevResult ? { prevResult } : {}) });
    const env = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: cmd,
      CNI_CONTAINERID: a.containerId,
      CNI_NETNS: netnsPath(a.netns),
      CNI_IFNAME: a.ifname,
      // IgnoreUnknown: the reference plugins reject CNI_ARGS keys they do not know otherwise.
      CNI_ARGS: `IgnoreUnknown=1;K8S_POD_NAMESPACE=${a.podNamespace};K8S_POD_NAME=${a.podName};K8S_POD_INFRA_CONTAINER_ID=${a.containerId}`,
      CNI_PATH: dirs.join(':'),
    };
    const r = await run(bin, [], { netns: o.nodeNetns, input, env, timeoutMs: 30_000 });
    if (r.code !== 0) {
      let msg = r.stderr.trim() || r.stdout.trim();
      try {
        const e = JSON.parse(r.stdout) as { code?: number; msg?: string; details?: string };
        msg = `${e.msg ?? ''}${e.details ? `: ${e.details}` : ''} (CNI code ${e.code})`;
      } catch {
        // not a CNI error object
      }
      throw new PodnetError('KUBELET_CNI_FAILED', `kubelet: CNI ${cmd} of plugin "${plugin.type}" for pod "${a.podNamespace}/${a.podName}" failed: ${msg}`);
    }
    return r.stdout.trim() ? JSON.parse(r.stdout) : prevResult;
  }

  return {
    async add(a) {
      const conf = loadConfList(o.confDir);
      let result: unknown;
      const done: ConfList['plugins'] = [];
      try {
        for (const p of conf.plugins) {
          result = await exec('ADD', a, conf, p, result);
          done.push(p);
        }
      } catch (e) {
        // A failed ADD leaves nothing behind: DEL what was added, in reverse.
        for (const p of [...conf.plugins].reverse()) await exec('DEL', a, conf, p, result).catch(() => {});
        throw e;
      }
      fs.mkdirSync(o.cacheDir, { recursive: true });
      fs.writeFileSync(cachePath(a), JSON.stringify(result));
      const ips = ((result as { ips?: { address: string }[] })?.ips ?? []).map((i) => i.address.split('/')[0]!);
      return { ips };
    },
    async del(a) {
      const conf = loadConfList(o.confDir);
      let prev: unknown;
      try {
        prev = JSON.parse(fs.readFileSync(cachePath(a), 'utf8'));
      } catch {
        prev = undefined;
      }
      const errors: string[] = [];
      for (const p of [...conf.plugins].reverse()) {
        await exec('DEL', a, conf, p, prev).catch((e: Error) => errors.push(e.message));
      }
      fs.rmSync(cachePath(a), { force: true });
      if (errors.length) throw new PodnetError('KUBELET_CNI_FAILED', errors.join('; '));
    },
  };
}
