// The kubelet's CNI runtime, like libcni: reads the node's conf dir (first *.conflist by name),
// runs its plugins in order with prevResult for ADD, in reverse for DEL, CHECK and GC with the
// cached result / valid attachments, STATUS. Plugins run inside the node's namespace (`netns`),
// because that is where the bridge they attach pods to lives.
import { promises as fs } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodnetError } from '../api/errors.js';
import { run } from '../host/exec.js';
import { netnsPath } from '../host/netns.js';
import { findPlugin } from './delegate.js';
import { VALID_ATTACHMENTS_KEY, type CniResult, type Attachment } from './spec.js';

export interface PluginConf {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface ConfList {
  readonly cniVersion: string;
  readonly name: string;
  readonly plugins: readonly PluginConf[];
  readonly disableCheck?: boolean;
  readonly disableGC?: boolean;
}

export interface CniRuntimeOptions {
  readonly confDir: string;
  /** Where ADD results are cached for DEL/CHECK (libcni keeps them in /var/lib/cni/results). */
  readonly cacheDir: string;
  /** Namespace the plugins run in (the node's); undefined = this process's namespace. */
  readonly netns?: string;
  /** Plugin search path; defaults to DEFAULT_CNI_PATH. */
  readonly binDirs?: readonly string[];
}

export interface RuntimeAttachment {
  readonly containerID: string;
  /** The pod's namespace name (CNI_NETNS becomes /var/run/netns/<name>). */
  readonly netns: string;
  readonly ifname?: string;
  /** CNI_ARGS pairs, e.g. K8S_POD_NAMESPACE, K8S_POD_NAME. */
  readonly args?: Readonly<Record<string, string>>;
}

export interface CniRuntime {
  add(a: RuntimeAttachment): Promise<CniResult>;
  del(a: RuntimeAttachment): Promise<void>;
  check(a: RuntimeAttachment): Promise<void>;
  gc(valid: readonly Attachment[]): Promise<void>;
  status(): Promise<void>;
  confList(): Promise<ConfList>;
}

const here = dirname(fileURLToPath(import.meta.url));
/** podnet's bin/ (from source or from dist/), then Debian's and the conventional plugin dirs. */
export const DEFAULT_CNI_PATH: readonly string[] = [join(here, '..', 'bin'), join(here, '..', '..', 'bin'), '/usr/lib/cni', '/opt/cni/bin'];

/** Loads the first *.conflist (by name) of a conf dir. */
export async function loadConfList(confDir: string): Promise<ConfList> {
  const files = (await fs.readdir(confDir).catch(() => [] as string[])).filter((f) => f.endsWith('.conflist')).sort();
  if (files.length === 0) throw new PodnetError('CNI_NO_CONFIG', `cni: no *.conflist in "${confDir}"`);
  const path = join(confDir, files[0]!);
  let conf: ConfList;
  try {
    conf = JSON.parse(await fs.readFile(path, 'utf8')) as ConfList;
  } catch (e) {
    throw new PodnetError('CNI_BAD_CONFIG', `cni: cannot parse "${path}": ${(e as Error).message}`);
  }
  if (typeof conf.name !== 'string' || !Array.isArray(conf.plugins) || conf.plugins.length === 0) {
    throw new PodnetError('CNI_BAD_CONFIG', `cni: "${path}" needs "name" and a non-empty "plugins" list`);
  }
  return conf;
}

/** The pod's addresses (without prefix) from an ADD result. */
export function resultIPs(result: CniResult): string[] {
  return (result.ips ?? []).map((ip) => ip.address.split('/')[0]!);
}

const versionAtLeast = (v: string, min: string) => {
  const a = v.split('.').map(Number);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
  return true;
};

export function cniRuntime(opts: CniRuntimeOptions): CniRuntime {
  const dirs = opts.binDirs ?? DEFAULT_CNI_PATH;
  const cachePath = (list: ConfList, a: RuntimeAttachment) => join(opts.cacheDir, 'results', `${list.name}-${a.containerID}-${a.ifname ?? 'eth0'}`);

  async function exec(command: string, list: ConfList, plugin: PluginConf, a: RuntimeAttachment | undefined, extra: Record<string, unknown>): Promise<CniResult | undefined> {
    const bin = findPlugin(plugin.type, dirs);
    if (!bin) throw new PodnetError('CNI_NO_PLUGIN', `cni: plugin "${plugin.type}" not found in [${dirs.join(' ')}]`);
    const input = JSON.stringify({ ...plugin, cniVersion: list.cniVersion, name: list.name, ...extra });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin',
      CNI_COMMAND: command,
      CNI_PATH: dirs.join(':'),
    };
    if (a) {
      env['CNI_CONTAINERID'] = a.containerID;
      env['CNI_NETNS'] = netnsPath(a.netns);
      env['CNI_IFNAME'] = a.ifname ?? 'eth0';
      // IgnoreUnknown=1: plugins reject CNI_ARGS keys they do not know otherwise (as kubelet/containerd send it).
      const args = Object.entries(a.args ?? {});
      env['CNI_ARGS'] = args.length ? [['IgnoreUnknown', '1'], ...args].map(([k, v]) => `${k}=${v}`).join(';') : '';
    }
    const r = await run(bin, [], { netns: opts.netns, input, env, timeoutMs: 60_000 });
    if (r.code !== 0) {
      let err: { code?: number; msg?: string; details?: string } = {};
      try {
        err = JSON.parse(r.stdout) as typeof err;
      } catch {
        // not a CNI error object
      }
      const msg = err.msg ?? ((r.stderr || r.stdout).trim() || `exit ${r.code}`);
      throw new PodnetError('CNI_PLUGIN_FAILED', `cni: ${command} of plugin "${plugin.type}"${a ? ` for ${a.containerID}` : ''} failed: ${msg}${err.details ? ` (${err.details})` : ''}`, {
        details: { cniCode: err.code, msg: err.msg, pluginDetails: err.details, plugin: plugin.type, command },
      });
    }
    return r.stdout.trim() ? (JSON.parse(r.stdout) as CniResult) : undefined;
  }

  async function readCache(list: ConfList, a: RuntimeAttachment): Promise<CniResult | undefined> {
    const text = await fs.readFile(cachePath(list, a), 'utf8').catch(() => undefined);
    return text ? (JSON.parse(text) as CniResult) : undefined;
  }

  async function delAll(list: ConfList, a: RuntimeAttachment, prev: CniResult | undefined): Promise<string[]> {
    const errors: string[] = [];
    for (const p of [...list.plugins].reverse()) {
      await exec('DEL', list, p, a, prev ? { prevResult: prev } : {}).catch((e: Error) => errors.push(e.message));
    }
    return errors;
  }

  return {
    confList: () => loadConfList(opts.confDir),
    async add(a) {
      const list = await loadConfList(opts.confDir);
      let result: CniResult | undefined;
      try {
        for (const p of list.plugins) result = (await exec('ADD', list, p, a, result ? { prevResult: result } : {})) ?? result;
      } catch (e) {
        // Leave nothing behind: libcni's callers DEL after a failed ADD; we do it for them.
        await delAll(list, a, result);
        throw e;
      }
      if (!result) throw new PodnetError('CNI_PLUGIN_FAILED', `cni: ADD for ${a.containerID} returned no result`);
      await fs.mkdir(join(opts.cacheDir, 'results'), { recursive: true });
      const tmp = `${cachePath(list, a)}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(result));
      await fs.rename(tmp, cachePath(list, a));
      return result;
    },
    async del(a) {
      const list = await loadConfList(opts.confDir);
      const errors = await delAll(list, a, await readCache(list, a));
      if (errors.length) throw new PodnetError('CNI_PLUGIN_FAILED', errors.join('; '));
      await fs.rm(cachePath(list, a), { force: true });
    },
    async check(a) {
      const list = await loadConfList(opts.confDir);
      if (list.disableCheck) return;
      const prev = await readCache(list, a);
      if (!prev) throw new PodnetError('CNI_NO_RESULT', `cni: no cached ADD result for ${a.containerID}/${a.ifname ?? 'eth0'}`);
      for (const p of list.plugins) await exec('CHECK', list, p, a, { prevResult: prev });
    },
    async gc(valid) {
      const list = await loadConfList(opts.confDir);
      if (list.disableGC || !versionAtLeast(list.cniVersion, '1.1.0')) return;
      for (const p of list.plugins) await exec('GC', list, p, undefined, { [VALID_ATTACHMENTS_KEY]: valid });
      const keep = new Set(valid.map((v) => `${list.name}-${v.containerID}-${v.ifname}`));
      for (const f of await fs.readdir(join(opts.cacheDir, 'results')).catch(() => [] as string[])) {
        if (f.startsWith(`${list.name}-`) && !keep.has(f)) await fs.rm(join(opts.cacheDir, 'results', f), { force: true });
      }
    },
    async status() {
      const list = await loadConfList(opts.confDir);
      if (!versionAtLeast(list.cniVersion, '1.1.0')) return;
      for (const p of list.plugins) await exec('STATUS', list, p, undefined, {});
    },
  };
}
