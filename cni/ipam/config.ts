// IPAM configuration (host-local's shape): `ranges: [[{subnet, rangeStart?, rangeEnd?, gateway?}]]`
// or the `subnet` shorthand, plus `dataDir`. Parsed once into IP value types.
import { parseCIDR, parseIP, tryParseCIDR, tryParseIP, nthIP, cidrSize, cidrContains, formatCIDR, formatIP, type CIDR, type IP } from '../../api/ip.js';
import { CniError, CniCode } from '../spec.js';

export interface IpRange {
  readonly subnet: CIDR;
  readonly start: IP;
  readonly end: IP;
  readonly gateway: IP;
  /** Stable id for the cursor file: the subnet with '/' replaced. */
  readonly id: string;
  /** As written, for messages: "10.244.1.0/24". */
  readonly text: string;
}

export interface IpamConfig {
  /** One range set per address family; one address is allocated from each set. */
  readonly rangeSets: readonly (readonly IpRange[])[];
  readonly dataDir: string;
  readonly routes: readonly { dst: string; gw?: string }[];
}

export const DEFAULT_DATA_DIR = '/var/lib/cni/networks';

type RawRange = { subnet?: unknown; rangeStart?: unknown; rangeEnd?: unknown; gateway?: unknown };

function parseRange(raw: RawRange, where: string): IpRange {
  const subnet = typeof raw.subnet === 'string' ? tryParseCIDR(raw.subnet) : undefined;
  if (!subnet) throw new CniError(CniCode.InvalidConfig, `ipam: ${where}.subnet ${JSON.stringify(raw.subnet)} is not a CIDR`);
  const size = cidrSize(subnet);
  if (size < 4n && subnet.family === 4) throw new CniError(CniCode.InvalidConfig, `ipam: ${where}.subnet "${formatCIDR(subnet)}" is too small`);
  const ipIn = (v: unknown, field: string, dflt: IP): IP => {
    if (v === undefined) return dflt;
    const ip = typeof v === 'string' ? tryParseIP(v) : undefined;
    if (!ip || !cidrContains(subnet, ip)) throw new CniError(CniCode.InvalidConfig, `ipam: ${where}.${field} ${JSON.stringify(v)} is not an address in "${formatCIDR(subnet)}"`);
    return ip;
  };
  // Like host-local: the network address is never handed out, nor (IPv4) the broadcast address.
  const first = nthIP(subnet, 1);
  const last = nthIP(subnet, subnet.family === 4 ? size - 2n : size - 1n);
  const start = ipIn(raw.rangeStart, 'rangeStart', first);
  const end = ipIn(raw.rangeEnd, 'rangeEnd', last);
  const gateway = ipIn(raw.gateway, 'gateway', first);
  if (start.value > end.value) throw new CniError(CniCode.InvalidConfig, `ipam: ${where}: rangeStart ${formatIP(start)} is after rangeEnd ${formatIP(end)}`);
  const text = formatCIDR(subnet);
  return { subnet, start, end, gateway, id: text.replace(/[/:]/g, '_'), text };
}

/** Parses the `ipam` object of a plugin configuration. */
export function parseIpamConfig(ipam: Record<string, unknown> | undefined): IpamConfig {
  if (!ipam) throw new CniError(CniCode.InvalidConfig, 'ipam: the configuration has no "ipam" section');
  let sets: RawRange[][];
  if (Array.isArray(ipam['ranges'])) sets = ipam['ranges'] as RawRange[][];
  else if (typeof ipam['subnet'] === 'string') sets = [[{ subnet: ipam['subnet'], rangeStart: ipam['rangeStart'], rangeEnd: ipam['rangeEnd'], gateway: ipam['gateway'] }]];
  else throw new CniError(CniCode.InvalidConfig, 'ipam: the configuration needs "ranges" or "subnet"');
  if (sets.length === 0 || sets.some((s) => !Array.isArray(s) || s.length === 0)) throw new CniError(CniCode.InvalidConfig, 'ipam: "ranges" must be a non-empty list of non-empty range sets');
  const rangeSets = sets.map((set, i) => set.map((r, j) => parseRange(r, `ranges[${i}][${j}]`)));
  const routes = Array.isArray(ipam['routes']) ? (ipam['routes'] as { dst: string; gw?: string }[]) : [];
  for (const r of routes) parseCIDR(r.dst);
  if (routes.some((r) => r.gw !== undefined)) routes.forEach((r) => r.gw && parseIP(r.gw));
  const dataDir = typeof ipam['dataDir'] === 'string' ? ipam['dataDir'] : DEFAULT_DATA_DIR;
  return { rangeSets, dataDir, routes };
}
