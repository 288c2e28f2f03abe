// Network namespaces podnet creates (named, under /run/netns), and sysctls inside them only.
// Nothing here touches the host's own namespace: every sysctl write names a namespace.
import { run, runOk } from './exec.js';
import { PodnetError } from '../api/errors.js';

const NETNS_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/;

function checkName(name: string): string {
  if (!NETNS_NAME.test(name)) throw new TypeError(`host: invalid netns name "${name}"`);
  return name;
}

/** Names of all named network namespaces, optionally only those starting with `prefix`. */
export async function listNetns(prefix = ''): Promise<string[]> {
  const out = await runOk('ip', ['-j', 'netns', 'list']);
  const list = out.trim() ? (JSON.parse(out) as { name: string }[]) : [];
  return list.map((n) => n.name).filter((n) => n.startsWith(prefix)).sort();
}

export async function netnsExists(name: string): Promise<boolean> {
  return (await listNetns(checkName(name))).includes(name);
}

/** Creates the namespace (lo up) unless it exists; safe to call concurrently for different names. */
export async function ensureNetns(name: string): Promise<void> {
  checkName(name);
  const r = await run('ip', ['netns', 'add', name]);
  if (r.code !== 0 && !/File exists/i.test(r.stderr)) {
    throw new PodnetError('HOST_NETNS_FAILED', `host: cannot create netns "${name}": ${r.stderr.trim()}`);
  }
  await runOk('ip', ['link', 'set', 'lo', 'up'], { netns: name });
}

/** Deletes the namespace; succeeds when it is already gone. */
export async function deleteNetns(name: string): Promise<void> {
  checkName(name);
  const r = await run('ip', ['netns', 'delete', name]);
  if (r.code !== 0 && !/No such file|not found|does not exist/i.test(r.stderr)) {
    throw new PodnetError('HOST_NETNS_FAILED', `host: cannot delete netns "${name}": ${r.stderr.trim()}`);
  }
}

/** Pids of processes whose network namespace is `name` (`ip netns pids`). */
export async function netnsPids(name: string): Promise<number[]> {
  const r = await run('ip', ['netns', 'pids', checkName(name)]);
  if (r.code !== 0) return [];
  return r.stdout.split(/\s+/).filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}

/** Writes a sysctl inside `netns` (never the host's): e.g. `net.ipv4.ip_forward`, "1". */
export async function setSysctl(netns: string, key: string, value: string): Promise<void> {
  if (!/^[a-z0-9_.\/-]+$/i.test(key)) throw new TypeError(`host: invalid sysctl key "${key}"`);
  await runOk('sysctl', ['-q', '-w', `${key}=${value}`], { netns: checkName(netns) });
}

/** Path of a named namespace, as CNI_NETNS expects it. */
export function netnsPath(name: string): string {
  return `/var/run/netns/${checkName(name)}`;
}

/** The name of a namespace given its /var/run/netns or /run/netns path; undefined for other paths. */
export function netnsNameFromPath(path: string): string | undefined {
  const m = /^\/(?:var\/)?run\/netns\/([^/]+)$/.exec(path);
  return m && NETNS_NAME.test(m[1]!) ? m[1] : undefined;
}
