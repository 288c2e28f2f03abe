// Links, addresses, routes, neighbours and FDB entries inside named network namespaces.
// Every verb is idempotent ("replace", or "exists" treated as success) and every delete tolerates
// "already gone". `ns` undefined means the caller's own namespace: only the CNI plugin uses that,
// because the runtime starts it inside the node's namespace.
import { createHash } from 'node:crypto';
import { run, runOk } from './exec.js';
import { PodnetError } from '../api/errors.js';

/** The kernel's limit on interface names (IFNAMSIZ - 1). */
export const MAX_LINK_NAME = 15;

/** A link name derived from `key` by hashing, `prefix` + hex, at most 15 characters. */
export function linkName(prefix: string, key: string): string {
  if (prefix.length > 11) throw new RangeError(`host: link name prefix "${prefix}" is too long`);
  const hex = createHash('sha256').update(key).digest('hex');
  return prefix + hex.slice(0, MAX_LINK_NAME - prefix.length);
}

/** A locally administered unicast MAC derived from `key`, stable across restarts. */
export function macFor(key: string): string {
  const b = createHash('sha256').update(key).digest();
  const bytes = [0x0a, b[0]!, b[1]!, b[2]!, b[3]!, b[4]!];
  return bytes.map((x) => x.toString(16).padStart(2, '0')).join(':');
}

function ipArgs(ns: string | undefined, args: readonly string[]): string[] {
  return ns ? ['-n', ns, ...args] : [...args];
}

function ip(ns: string | undefined, args: readonly string[]): Promise<string> {
  return runOk('ip', ipArgs(ns, args));
}

const GONE = /Cannot find device|does not exist|No such (file|device|process)|not found|Cannot find/i;

export interface LinkInfo {
  readonly ifname: string;
  readonly ifindex: number;
  readonly mtu: number;
  readonly address: string;
  readonly operstate: string;
  readonly flags: readonly string[];
  readonly master?: string;
  readonly kind?: string;
}

/** The link as `ip -j -d link show` reports it, or undefined when it does not exist. */
export async function getLink(ns: string | undefined, name: string): Promise<LinkInfo | undefined> {
  const r = await run('ip', ipArgs(ns, ['-j', '-d', 'link', 'show', 'dev', name]));
  if (r.code !== 0) {
    if (GONE.test(r.stderr)) return undefined;
    throw new PodnetError('HOST_COMMAND_FAILED', `host: cannot read link "${name}"${ns ? ` in netns "${ns}"` : ''}: ${r.stderr.trim()}`);
  }
  const raw = (JSON.parse(r.stdout) as Record<string, unknown>[])[0];
  if (!raw) return undefined;
  const info = raw['linkinfo'] as { info_kind?: string } | undefined;
  return {
    ifname: String(raw['ifname']),
    ifindex: Number(raw['ifindex']),
    mtu: Number(raw['mtu']),
    address: String(raw['address'] ?? ''),
    operstate: String(raw['operstate'] ?? ''),
    flags: (raw['flags'] as string[] | undefined) ?? [],
    master: raw['master'] as string | undefined,
    kind: info?.info_kind,
  };
}

/** All links in the namespace. */
export async function listLinks(ns: string | undefined): Promise<LinkInfo[]> {
  const out = await ip(ns, ['-j', '-d', 'link', 'show']);
  return (JSON.parse(out) as Record<string, unknown>[]).map((raw) => ({
    ifname: String(raw['ifname']),
    ifindex: Number(raw['ifindex']),
    mtu: Number(raw['mtu']),
    address: String(raw['address'] ?? ''),
    operstate: String(raw['operstate'] ?? ''),
    flags: (raw['flags'] as string[] | undefined) ?? [],
    master: raw['master'] as string | undefined,
    kind: (raw['linkinfo'] as { info_kind?: string } | undefined)?.info_kind,
  }));
}

/**
 * Several `ip` commands in one process (`ip -batch -`), for hot paths like CNI ADD where process
 * start-up dominates. Each command is an argv without "ip"; arguments must not contain spaces.
 * Stops at the first failing command and throws with ip's error text.
 */
export async function ipBatch(ns: string | undefined, commands: readonly (readonly string[])[]): Promise<void> {
  if (commands.length === 0) return;
  for (const c of commands) for (const a of c) if (/\s/.test(a) || a === '') throw new TypeError(`host: invalid ip batch argument ${JSON.stringify(a)}`);
  await runOk('ip', ipArgs(ns, ['-batch', '-']), { input: commands.map((c) => c.join(' ')).join('\n') + '\n' });
}

export async function linkUp(ns: string | undefined, name: string): Promise<void> {
  await ip(ns, ['link', 'set', 'dev', name, 'up']);
}

export async function setMtu(ns: string | undefined, name: string, mtu: number): Promise<void> {
  await ip(ns, ['link', 'set', 'dev', name, 'mtu', String(mtu)]);
}

/** Deletes a link; succeeds when it is already gone (or its namespace is). */
export async function deleteLink(ns: string | undefined, name: string): Promise<void> {
  const r = await run('ip', ipArgs(ns, ['link', 'del', 'dev', name]));
  if (r.code !== 0 && !GONE.test(r.stderr) && !/Invalid netns|Cannot open network namespace/i.test(r.stderr)) {
    throw new PodnetError('HOST_COMMAND_FAILED', `host: cannot delete link "${name}"${ns ? ` in netns "${ns}"` : ''}: ${r.stderr.trim()}`);
  }
}

export interface LinkOptions {
  readonly mtu?: number;
  /** MAC address for the link (for a veth: side a). */
  readonly mac?: string;
}

/**
 * A veth pair with end `a` in `nsA` and end `b` in `nsB`, both up. An existing `a` whose peer is
 * missing (half of an interrupted create) is replaced.
 */
export async function ensureVeth(a: string, nsA: string | undefined, b: string, nsB: string, opts: LinkOptions & { macB?: string } = {}): Promise<void> {
  const existingA = await getLink(nsA, a);
  if (existingA) {
    if (await getLink(nsB, b)) {
      await linkUp(nsA, a);
      await linkUp(nsB, b);
      return;
    }
    await deleteLink(nsA, a);
  }
  const args = ['link', 'add', a];
  if (opts.mtu) args.push('mtu', String(opts.mtu));
  if (opts.mac) args.push('address', opts.mac);
  args.push('type', 'veth', 'peer', 'name', b);
  if (opts.mtu) args.push('mtu', String(opts.mtu));
  if (opts.macB) args.push('address', opts.macB);
  args.push('netns', nsB);
  await ip(nsA, args);
  await linkUp(nsA, a);
  await linkUp(nsB, b);
}

async function ensureLink(ns: string | undefined, name: string, typeArgs: readonly string[], opts: LinkOptions): Promise<void> {
  if (!(await getLink(ns, name))) {
    const args = ['link', 'add', name];
    if (opts.mtu) args.push('mtu', String(opts.mtu));
    if (opts.mac) args.push('address', opts.mac);
    const r = await run('ip', ipArgs(ns, [...args, 'type', ...typeArgs]));
    if (r.code !== 0 && !/File exists/i.test(r.stderr)) {
      throw new PodnetError('HOST_COMMAND_FAILED', `host: cannot create link "${name}"${ns ? ` in netns "${ns}"` : ''}: ${r.stderr.trim()}`);
    }
  } else if (opts.mtu) {
    await setMtu(ns, name, opts.mtu);
  }
  await linkUp(ns, name);
}

/** A Linux bridge, up, with `addr` (CIDR notation, e.g. "10.244.1.1/24") when given. */
export async function ensureBridge(ns: string | undefined, name: string, opts: LinkOptions & { addr?: string } = {}): Promise<void> {
  await ensureLink(ns, name, ['bridge'], opts);
  if (opts.addr) await ensureAddr(ns, name, opts.addr);
}

export interface VxlanOptions extends LinkOptions {
  readonly vni: number;
  /** Local underlay address (source of encapsulated packets). */
  readonly local: string;
  /** Underlay device. */
  readonly dev: string;
  /** UDP port; 8472 like flannel (the Linux default, not IANA's 4789). */
  readonly port?: number;
}

/** A VXLAN device without learning: peers are programmed with FDB + neighbour entries. */
export async function ensureVxlan(ns: string | undefined, name: string, opts: VxlanOptions): Promise<void> {
  await ensureLink(ns, name, ['vxlan', 'id', String(opts.vni), 'local', opts.local, 'dev', opts.dev, 'dstport', String(opts.port ?? 8472), 'nolearning'], opts);
}

export async function setMaster(ns: string | undefined, link: string, bridge: string): Promise<void> {
  await ip(ns, ['link', 'set', 'dev', link, 'master', bridge]);
}

/** Hairpin mode on a bridge port, so a pod can reach itself through a Service (DNAT back to itself). */
export async function setHairpin(ns: string | undefined, port: string, on: boolean): Promise<void> {
  await ip(ns, ['link', 'set', 'dev', port, 'type', 'bridge_slave', 'hairpin', on ? 'on' : 'off']);
}

/** Adds an address (CIDR notation) to a link; an existing identical address is success. */
export async function ensureAddr(ns: string | undefined, dev: string, cidr: string): Promise<void> {
  await ip(ns, ['addr', 'replace', cidr, 'dev', dev]);
}

export async function deleteAddr(ns: string | undefined, dev: string, cidr: string): Promise<void> {
  const r = await run('ip', ipArgs(ns, ['addr', 'del', cidr, 'dev', dev]));
  if (r.code !== 0 && !GONE.test(r.stderr) && !/Cannot assign requested address/i.test(r.stderr)) {
    throw new PodnetError('HOST_COMMAND_FAILED', `host: cannot delete address ${cidr} from "${dev}": ${r.stderr.trim()}`);
  }
}

/** Addresses on a link in CIDR notation ("10.244.1.5/24"), global scope only; [] when the link is missing. */
export async function listAddrs(ns: string | undefined, dev: string): Promise<string[]> {
  const r = await run('ip', ipArgs(ns, ['-j', 'addr', 'show', 'dev', dev]));
  if (r.code !== 0) return [];
  const links = JSON.parse(r.stdout) as { addr_info?: { local: string; prefixlen: number; scope: string }[] }[];
  return (links[0]?.addr_info ?? []).filter((a) => a.scope === 'global').map((a) => `${a.local}/${a.prefixlen}`);
}

export interface RouteOptions {
  readonly via?: string;
  readonly dev?: string;
  /** Gateway is reachable on `dev` even though no address covers it (VXLAN peers). */
  readonly onlink?: boolean;
  readonly src?: string;
  readonly mtu?: number;
}

/** Installs or replaces the route to `dst` ("default" or a CIDR). */
export async function ensureRoute(ns: string | undefined, dst: string, opts: RouteOptions): Promise<void> {
  if (!opts.via && !opts.dev) throw new TypeError(`host: route to "${dst}" needs via or dev`);
  const args = ['route', 'replace', dst];
  if (opts.via) args.push('via', opts.via);
  if (opts.dev) args.push('dev', opts.dev);
  if (opts.onlink) args.push('onlink');
  if (opts.src) args.push('src', opts.src);
  if (opts.mtu) args.push('mtu', String(opts.mtu));
  await ip(ns, args);
}

/** A multipath (ECMP) route to `dst` over several gateways; one gateway is a plain route. */
export async function ensureMultipathRoute(ns: string | undefined, dst: string, vias: readonly string[]): Promise<void> {
  if (vias.length === 0) throw new TypeError(`host: multipath route to "${dst}" needs at least one gateway`);
  if (vias.length === 1) return ensureRoute(ns, dst, { via: vias[0] });
  await ip(ns, ['route', 'replace', dst, ...vias.flatMap((v) => ['nexthop', 'via', v])]);
}

export async function deleteRoute(ns: string | undefined, dst: string): Promise<void> {
  const r = await run('ip', ipArgs(ns, ['route', 'del', dst]));
  if (r.code !== 0 && !GONE.test(r.stderr)) {
    throw new PodnetError('HOST_COMMAND_FAILED', `host: cannot delete route ${dst}: ${r.stderr.trim()}`);
  }
}

export interface RouteInfo {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
}

export async function listRoutes(ns: string | undefined): Promise<RouteInfo[]> {
  const out = await ip(ns, ['-j', 'route', 'show']);
  return (JSON.parse(out) as RouteInfo[]).map((r) => ({ dst: r.dst, gateway: r.gateway, dev: r.dev }));
}

/** A permanent neighbour entry (VXLAN peer's overlay address → its device MAC). */
export async function ensureNeigh(ns: string | undefined, dev: string, addr: string, mac: string): Promise<void> {
  await ip(ns, ['neigh', 'replace', addr, 'lladdr', mac, 'dev', dev, 'nud', 'permanent']);
}

/** A forwarding entry on a VXLAN device: frames for `mac` are sent to underlay address `dst`. */
export async function ensureFdb(ns: string | undefined, dev: string, mac: string, dst: string): Promise<void> {
  await runOk('bridge', ipArgs(ns, ['fdb', 'replace', mac, 'dev', dev, 'dst', dst, 'self', 'permanent']));
}
