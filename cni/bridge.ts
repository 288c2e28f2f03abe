// podnet-cni's behaviour, like the reference bridge plugin: a bridge (default cni0) in the
// namespace the plugin runs in (the node's) holding the gateway address, a veth pair with `ifname`
// in the pod's namespace and a hashed host-side name on the bridge (hairpin on), the IPAM address
// and a default route via the gateway in the pod.
import { parseIP, parseCIDR } from '../api/ip.js';
import { netnsNameFromPath } from '../host/netns.js';
import { existsSync } from 'node:fs';
import { linkName, getLink, listLinks, ensureBridge, ipBatch, deleteLink, listAddrs } from '../host/link.js';
import { CniError, CniCode, VALID_ATTACHMENTS_KEY, type NetConf, type CniResult, type Attachment } from './spec.js';
import type { CniEnv } from './env.js';
import { UndoStack } from './undo.js';
import { BUILTIN_IPAM, ipamAdd, ipamDel, ipamGC, ipamHasFree, parseIpamConfig, storeFor } from './ipam/ipam.js';
import { execDelegate } from './delegate.js';

export interface BridgeConf {
  readonly bridge: string;
  readonly mtu?: number;
  readonly isGateway: boolean;
  readonly hairpinMode: boolean;
}

export function parseBridgeConf(conf: NetConf): BridgeConf {
  const bridge = conf['bridge'] ?? 'cni0';
  if (typeof bridge !== 'string' || !/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new CniError(CniCode.InvalidConfig, `invalid bridge name ${JSON.stringify(bridge)}`);
  const mtu = conf['mtu'];
  if (mtu !== undefined && (typeof mtu !== 'number' || !Number.isInteger(mtu) || mtu < 576 || mtu > 65535)) throw new CniError(CniCode.InvalidConfig, `invalid mtu ${JSON.stringify(mtu)}`);
  return { bridge, mtu: mtu as number | undefined, isGateway: conf['isGateway'] !== false, hairpinMode: conf['hairpinMode'] !== false };
}

/** The host-side veth name for an attachment: stable, ≤ 15 characters. */
export function hostVethName(containerID: string, ifname: string): string {
  return linkName('veth', `${containerID}/${ifname}`);
}

function podNetns(env: CniEnv): string {
  const name = netnsNameFromPath(env.netns);
  if (!name) throw new CniError(CniCode.InvalidEnvironment, `CNI_NETNS "${env.netns}" is not a named namespace under /var/run/netns`);
  return name;
}

function hostFailure(e: unknown): CniError {
  if (e instanceof CniError) return e;
  return new CniError(CniCode.HostFailure, e instanceof Error ? e.message : String(e));
}

async function runIpam(command: string, conf: NetConf, env: CniEnv): Promise<CniResult | undefined> {
  const ipam = conf.ipam!;
  if (ipam.type === BUILTIN_IPAM) {
    const cfg = parseIpamConfig(ipam);
    const store = storeFor(cfg, conf.name);
    if (command === 'ADD') return { cniVersion: conf.cniVersion, ...(await ipamAdd(store, cfg, env.containerID, env.ifname)) };
    if (command === 'DEL') await ipamDel(store, env.containerID, env.ifname);
    return undefined;
  }
  return execDelegate(ipam.type, command, conf, process.env);
}

export async function cmdAdd(conf: NetConf, env: CniEnv): Promise<CniResult> {
  const bc = parseBridgeConf(conf);
  if (!conf.ipam?.type) throw new CniError(CniCode.InvalidConfig, 'the configuration has no "ipam.type"');
  if (conf.ipam.type === BUILTIN_IPAM) parseIpamConfig(conf.ipam);
  const podNs = podNetns(env);
  if (!existsSync(env.netns)) throw new CniError(CniCode.UnknownContainer, `the namespace "${env.netns}" does not exist`);
  const undo = new UndoStack();
  try {
    const ipam = await runIpam('ADD', conf, env);
    undo.push(() => runIpam('DEL', conf, env));
    const ips = ipam?.ips ?? [];
    if (ips.length === 0) throw new CniError(CniCode.InvalidConfig, `IPAM plugin "${conf.ipam.type}" returned no addresses`);
    const hostVeth = hostVethName(env.containerID, env.ifname);
    // Process start-up dominates ADD, so the host side is one read and one `ip -batch`, the pod
    // side one batch: ~5 processes instead of ~16.
    const links = new Map((await listLinks(undefined)).map((l) => [l.ifname, l]));
    if (!links.has(bc.bridge)) await ensureBridge(undefined, bc.bridge, { mtu: bc.mtu });
    const mtu = bc.mtu ? ['mtu', String(bc.mtu)] : [];
    const host: string[][] = [['link', 'set', 'dev', bc.bridge, 'up']];
    if (bc.isGateway) for (const ip of ips) if (ip.gateway) host.push(['addr', 'replace', `${ip.gateway}/${parseCIDR(ip.address).prefix}`, 'dev', bc.bridge]);
    // A host veth left from an earlier ADD of the same attachment is replaced, with its peer.
    if (links.has(hostVeth)) host.push(['link', 'del', 'dev', hostVeth]);
    host.push(['link', 'add', hostVeth, ...mtu, 'type', 'veth', 'peer', 'name', env.ifname, ...mtu, 'netns', podNs]);
    host.push(['link', 'set', 'dev', hostVeth, 'master', bc.bridge]);
    if (bc.hairpinMode) host.push(['link', 'set', 'dev', hostVeth, 'type', 'bridge_slave', 'hairpin', 'on']);
    host.push(['link', 'set', 'dev', hostVeth, 'up']);
    undo.push(() => deleteLink(undefined, hostVeth));
    await ipBatch(undefined, host);
    const routes = [...(ipam?.routes ?? [])];
    if (bc.isGateway) {
      for (const ip of ips) {
        if (!ip.gateway) continue;
        const dflt = parseIP(ip.gateway).family === 4 ? '0.0.0.0/0' : '::/0';
        if (!routes.some((r) => r.dst === dflt)) routes.push({ dst: dflt, gw: ip.gateway });
      }
    }
    const pod: string[][] = [['link', 'set', 'dev', 'lo', 'up'], ['link', 'set', 'dev', env.ifname, 'up']];
    for (const ip of ips) pod.push(['addr', 'replace', ip.address, 'dev', env.ifname]);
    for (const r of routes) pod.push(['route', 'replace', r.dst === '0.0.0.0/0' || r.dst === '::/0' ? 'default' : r.dst, 'via', (r.gw ?? ips[0]!.gateway)!, 'dev', env.ifname]);
    await ipBatch(podNs, pod);
    const [after, podLink] = await Promise.all([listLinks(undefined), getLink(podNs, env.ifname)]);
    const mac = (name: string) => after.find((l) => l.ifname === name)?.address;
    return {
      cniVersion: conf.cniVersion,
      interfaces: [
        { name: bc.bridge, mac: mac(bc.bridge) },
        { name: hostVeth, mac: mac(hostVeth) },
        { name: env.ifname, mac: podLink?.address, sandbox: env.netns },
      ],
      ips: ips.map((ip) => ({ address: ip.address, gateway: ip.gateway, interface: 2 })),
      routes,
      dns: (conf.dns as CniResult['dns']) ?? {},
    };
  } catch (e) {
    await undo.unwind();
    throw hostFailure(e);
  }
}

/** DEL is idempotent: a missing namespace, link or allocation is success. */
export async function cmdDel(conf: NetConf, env: CniEnv): Promise<void> {
  if (!conf.ipam?.type) throw new CniError(CniCode.InvalidConfig, 'the configuration has no "ipam.type"');
  const errors: string[] = [];
  await runIpam('DEL', conf, env).catch((e: Error) => errors.push(e.message));
  await deleteLink(undefined, hostVethName(env.containerID, env.ifname)).catch((e: Error) => errors.push(e.message));
  if (errors.length) throw new CniError(CniCode.HostFailure, errors.join('; '));
}

/** CHECK: the attachment still looks like prevResult says (links, addresses, allocation). */
export async function cmdCheck(conf: NetConf, env: CniEnv): Promise<void> {
  const bc = parseBridgeConf(conf);
  const prev = conf.prevResult;
  if (!prev) throw new CniError(CniCode.InvalidConfig, 'CHECK needs "prevResult"');
  const podNs = podNetns(env);
  const fail = (msg: string) => {
    throw new CniError(CniCode.CheckFailed, msg);
  };
  if (!(await getLink(undefined, bc.bridge))) fail(`bridge "${bc.bridge}" does not exist`);
  const hostVeth = hostVethName(env.containerID, env.ifname);
  const hv = await getLink(undefined, hostVeth);
  if (!hv) fail(`host veth "${hostVeth}" does not exist`);
  if (hv?.master !== bc.bridge) fail(`host veth "${hostVeth}" is not on bridge "${bc.bridge}"`);
  if (!(await getLink(podNs, env.ifname))) fail(`interface "${env.ifname}" does not exist in "${env.netns}"`);
  const have = new Set(await listAddrs(podNs, env.ifname));
  for (const ip of prev.ips ?? []) if (!have.has(ip.address)) fail(`interface "${env.ifname}" in "${env.netns}" lacks address ${ip.address}`);
  if (conf.ipam?.type === BUILTIN_IPAM) {
    const held = await storeFor(parseIpamConfig(conf.ipam), conf.name).getByID(env.containerID, env.ifname);
    for (const ip of prev.ips ?? []) if (!held.includes(ip.address.split('/')[0]!)) fail(`IPAM holds no allocation of ${ip.address} for ${env.containerID}/${env.ifname}`);
  }
}

/**
 * GC: release IPAM allocations of attachments the runtime no longer knows, and delete their host
 * veths. Only attachments this network's IPAM knew are touched (several networks may share a bridge).
 */
export async function cmdGC(conf: NetConf): Promise<void> {
  const valid = (conf[VALID_ATTACHMENTS_KEY] ?? []) as Attachment[];
  if (!Array.isArray(valid)) throw new CniError(CniCode.InvalidConfig, `"${VALID_ATTACHMENTS_KEY}" must be a list`);
  if (conf.ipam?.type === BUILTIN_IPAM) {
    const released = await ipamGC(storeFor(parseIpamConfig(conf.ipam), conf.name), valid);
    for (const a of released) await deleteLink(undefined, hostVethName(a.containerID, a.ifname));
  } else if (conf.ipam?.type) {
    await execDelegate(conf.ipam.type, 'GC', conf, process.env);
  }
}

/** STATUS: ready to ADD unless the IPAM range is full. */
export async function cmdStatus(conf: NetConf): Promise<void> {
  if (conf.ipam?.type !== BUILTIN_IPAM) return;
  const cfg = parseIpamConfig(conf.ipam);
  if (!(await ipamHasFree(storeFor(cfg, conf.name), cfg))) {
    throw new CniError(CniCode.NotAvailable, `no free address left in ${cfg.rangeSets.flat().map((r) => `"${r.text}"`).join(', ')}`);
  }
}
