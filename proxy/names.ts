// Every name the proxy owns in the kernel, in one place. Per-object names follow kube-proxy's
// nftables mode: `<prefix>-<HASH>-<ns>/<svc>/<proto>/<port>` where HASH is the first 8 base32
// characters of sha256 over the rest, so two objects whose readable parts collide after
// truncation still get distinct chains.
import { createHash } from 'node:crypto';

export const FAMILY = 'ip';
export const TABLE = 'podnet-proxy';

/** Base chains (name = type-hook) and helper chains, as in kube-proxy's nftables mode. */
export const CHAIN = {
  filterPrerouting: 'filter-prerouting',
  filterInput: 'filter-input',
  filterForward: 'filter-forward',
  filterOutput: 'filter-output',
  filterOutputPostDnat: 'filter-output-post-dnat',
  natPrerouting: 'nat-prerouting',
  natOutput: 'nat-output',
  natPostrouting: 'nat-postrouting',
  services: 'services',
  masquerading: 'masquerading',
  markForMasquerade: 'mark-for-masquerade',
  rejectChain: 'reject-chain',
  endpointsCheck: 'endpoints-check',
  firewallCheck: 'firewall-check',
  clusterIPsCheck: 'cluster-ips-check',
  nodePorts: 'nodeports',
} as const;

export const MAP = {
  serviceIPs: 'service-ips',
  serviceNodePorts: 'service-nodeports',
  noEndpointServices: 'no-endpoint-services',
  noEndpointNodePorts: 'no-endpoint-nodeports',
  firewallIPs: 'firewall-ips',
  /** Global layout: keys of `Local` external addresses → selector for pods and the node itself. */
  serviceIPsInternal: 'service-ips-internal',
} as const;

export const SET = {
  clusterIPs: 'cluster-ips',
  /** Global layout: external addresses (`Cluster` policy) whose traffic is masqueraded. */
  masqExternal: 'masq-external',
  /** Global layout: `endpoint . endpoint` pairs, a pod reaching itself through a Service. */
  hairpin: 'hairpin',
} as const;

/**
 * Global layout: the map `ip . proto . port . index` → endpoint `ip . port` of one protocol;
 * `internal` holds the cluster endpoints behind `service-ips-internal`.
 */
export function backendsMap(proto: string, internal = false): string {
  return `${internal ? 'backends-internal' : 'backends'}-${proto}`;
}

/** Global layout: the chain that picks one of N endpoints of a protocol. */
export function selectorChain(proto: string, n: number, internal = false): string {
  return `${internal ? 'select-internal' : 'select'}-${proto}-${n}`;
}

/** The conntrack mark bit that asks `masquerading` to SNAT; private to this table. */
export const MASQ_MARK = 0x4000;

/** kube-proxy's iptables chain names (for `mode: 'iptables'`). */
export const IPT = {
  services: 'KUBE-SERVICES',
  externalServices: 'KUBE-EXTERNAL-SERVICES',
  nodePorts: 'KUBE-NODEPORTS',
  postrouting: 'KUBE-POSTROUTING',
  markMasq: 'KUBE-MARK-MASQ',
  firewall: 'KUBE-PROXY-FIREWALL',
} as const;

function base32(buf: Buffer): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of buf) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

const hashes = new Map<string, string>();

/** First 8 base32 characters of sha256(text); memoised, since every sync names every chain. */
export function hash8(text: string): string {
  let h = hashes.get(text);
  if (h === undefined) {
    if (hashes.size >= 1_000_000) hashes.clear();
    h = base32(createHash('sha256').update(text).digest()).slice(0, 8);
    hashes.set(text, h);
  }
  return h;
}

/** `ns/svc/proto/portName` — the readable part of every per-service-port name. */
export function servicePortBase(namespace: string, name: string, proto: string, portName: string): string {
  return `${namespace}/${name}/${proto}/${portName}`;
}

/** nftables allows 256 characters per chain name; keep well under. */
export function chainName(prefix: string, base: string): string {
  return `${prefix}-${hash8(base)}-${base}`.slice(0, 200);
}

export function endpointChainBase(serviceBase: string, ip: string, port: number): string {
  return `${serviceBase}__${ip}/${port}`;
}

/** iptables chain names are limited to 28 characters: `KUBE-SVC-` + 16 hash characters. */
export function iptChain(prefix: 'KUBE-SVC' | 'KUBE-EXT' | 'KUBE-SEP' | 'KUBE-FW', base: string): string {
  return `${prefix}-${base32(createHash('sha256').update(base).digest()).slice(0, 16).toUpperCase()}`;
}

/** A stable 32-bit seed per service, so hashing schedulers map clients the same way after a restart. */
export function seedOf(base: string): number {
  return createHash('sha256').update(base).digest().readUInt32BE(0);
}
