// ClusterIP and NodePort allocation at Service admission. The allocator holds what is in use in
// memory; at start it is rebuilt from the stored Services (so allocations survive a restart), and
// every write reserves first and either commits or undoes, so a failed store write leaks nothing.
//
// Like the upstream allocators, a range is split in two bands: values asked for by name should come
// from the lower one, so dynamic allocation picks at random from the upper band first and falls back
// to the lower band only when the upper one is full. The cluster is single-stack: its Services get
// the family of the service range, and ipFamilies/ipFamilyPolicy are defaulted and checked as the
// upstream registry does on a single-stack cluster.
import type { FieldError } from '../api/errors.js';
import { cidrContains, cidrSize, formatCIDR, formatIP, nthIP, parseCIDR, tryParseIP, type CIDR } from '../api/ip.js';
import type { Service, ServicePort } from '../api/types.js';
import { index, invalid } from '../api/validation/field.js';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE: [number, number] = [30000, 32767];
/** kube-dns' well-known address: handed out only when a Service asks for it. */
const RESERVED_OFFSETS = new Set([10n]);

export interface Reservation {
  /** The Service with its allocations filled in. */
  readonly service: Service;
  /** Keep the new allocations and free what the old version held and the new one does not. */
  commit(): void;
  /** Free what this reservation took (the store write failed). */
  undo(): void;
}

function invalidField(field: string, value: string, detail: string): FieldError {
  return { reason: 'FieldValueInvalid', field, message: `Invalid value: ${value}: ${detail}` };
}

type Family = 'IPv4' | 'IPv6';

/**
 * Size of the lower ("static") band of a range of `size` values: the upstream formula,
 * min(max(min, size / step), max).
 */
function staticBand(size: bigint, step: bigint, lo: bigint, hi: bigint): bigint {
  const band = size / step;
  return band < lo ? lo : band > hi ? hi : band;
}

/** A uniformly random bigint in [0, n). */
function randomBelow(n: bigint): bigint {
  if (n <= 0n) return 0n;
  if (n <= 2n ** 48n) return BigInt(Math.floor(Math.random() * Number(n)));
  let r = 0n;
  for (let i = 0; i < 4; i++) r = (r << 32n) | BigInt(Math.floor(Math.random() * 2 ** 32));
  return r % n;
}

/**
 * Walks [lo, hi] (inclusive) once, starting at a random value, in the upper band
 * [bandStart, hi] first and then in [lo, bandStart): the first `free` value wins.
 */
function pickFree(lo: bigint, hi: bigint, bandStart: bigint, free: (v: bigint) => boolean): bigint | undefined {
  const scan = (a: bigint, b: bigint): bigint | undefined => {
    if (b < a) return undefined;
    const n = b - a + 1n;
    const start = randomBelow(n);
    for (let i = 0n; i < n; i++) {
      const v = a + ((start + i) % n);
      if (free(v)) return v;
    }
    return undefined;
  };
  const band = bandStart > lo && bandStart <= hi ? bandStart : lo;
  return scan(band, hi) ?? scan(lo, band - 1n);
}

export class ServiceAllocator {
  readonly cidr: CIDR;
  private readonly ips = new Map<string, string>(); // ip → owner "ns/name"
  private readonly ports = new Map<number, string>(); // nodePort → owner
  /** The single family this cluster's Services are given: the service range's. */
  readonly family: Family;

  constructor(
    serviceCIDR = DEFAULT_SERVICE_CIDR,
    readonly nodePortRange: [number, number] = DEFAULT_NODE_PORT_RANGE,
  ) {
    this.cidr = parseCIDR(serviceCIDR, { strict: true });
    this.family = this.cidr.family === 6 ? 'IPv6' : 'IPv4';
  }

  /** The first address of the range: the `kubernetes` Service's ClusterIP. */
  firstIP(): string {
    return formatIP(nthIP(this.cidr, 1));
  }

  /** Marks what an already stored Service holds (rebuilding state at start). */
  restore(svc: Service): void {
    const owner = ownerOf(svc);
    for (const ip of clusterIPsOf(svc)) this.ips.set(ip, owner);
    for (const port of nodePortsOf(svc)) this.ports.set(port, owner);
  }

  release(svc: Service): void {
    const owner = ownerOf(svc);
    for (const ip of clusterIPsOf(svc)) if (this.ips.get(ip) === owner) this.ips.delete(ip);
    for (const port of nodePortsOf(svc)) if (this.ports.get(port) === owner) this.ports.delete(port);
  }

  /**
   * Fills in spec.clusterIP(s), nodePorts and healthCheckNodePort for `svc` (a create when `old` is
   * undefined). Throws a list of FieldErrors when a requested value is taken or out of range.
   */
  reserve(svc: Service, old?: Service): Reservation | FieldError[] {
    const owner = ownerOf(svc);
    const next: Service = structuredClone(svc);
    const spec = (next.spec ??= {});
    const type = spec.type ?? 'ClusterIP';
    const taken: { ips: string[]; ports: number[] } = { ips: [], ports: [] };
    const errors: FieldError[] = [];
    const undo = () => {
      for (const ip of taken.ips) this.ips.delete(ip);
      for (const p of taken.ports) this.ports.delete(p);
    };

    if (type === 'ExternalName') {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    } else {
      const familyErrors = this.initFamilies(next, old);
      if (familyErrors.length > 0) return familyErrors;
      const requested = spec.clusterIP || spec.clusterIPs?.[0] || old?.spec?.clusterIP || '';
      if (requested === 'None') {
        spec.clusterIP = 'None';
        spec.clusterIPs = ['None'];
      } else if (requested) {
        const err = this.take(requested, owner, taken);
        if (err) errors.push(invalidField('spec.clusterIPs', `[]string{"${requested}"}`, `failed to allocate IP ${requested}: ${err}`));
        spec.clusterIP = requested;
        spec.clusterIPs = [requested];
      } else {
        const ip = this.allocateIP(owner);
        if (!ip) errors.push(invalidField('spec.clusterIPs', '[]string{}', `failed to allocate a serviceIP: range is full (${formatCIDR(this.cidr)})`));
        else {
          taken.ips.push(ip);
          spec.clusterIP = ip;
          spec.clusterIPs = [ip];
        }
      }
    }

    const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const oldPorts = new Set(old ? nodePortsOf(old) : []);
    const ports: ServicePort[] = spec.ports ?? [];
    // Ports with the same number (53/TCP and 53/UDP) share one node port, as upstream allocates them.
    const byPort = new Map<number, number>();
    ports.forEach((port, i) => {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        delete port.nodePort;
        return;
      }
      if (port.nodePort) {
        byPort.set(port.port, byPort.get(port.port) ?? port.nodePort);
        if (taken.ports.includes(port.nodePort) || oldPorts.has(port.nodePort) && this.ports.get(port.nodePort) === owner) return;
        const err = this.takePort(port.nodePort, owner, taken);
        if (err) errors.push(invalidField(`spec.ports[${i}].nodePort`, String(port.nodePort), err));
      } else if (wantsNodePorts) {
        const shared = byPort.get(port.port) ?? ports.slice(i + 1).find((q) => q.port === port.port && q.nodePort)?.nodePort;
        if (shared !== undefined) {
          port.nodePort = shared;
          return;
        }
        const p = this.allocatePort(owner, taken);
        if (p === undefined) errors.push(invalidField(`spec.ports[${i}].nodePort`, '0', 'range is full'));
        else byPort.set(port.port, (port.nodePort = p));
      }
    });

    const local = spec.externalTrafficPolicy === 'Local' && type === 'LoadBalancer';
    if (!local) delete spec.healthCheckNodePort;
    else if (spec.healthCheckNodePort) {
      const hc = spec.healthCheckNodePort;
      if (!(oldPorts.has(hc) && this.ports.get(hc) === owner) && !taken.ports.includes(hc)) {
        const err = this.takePort(hc, owner, taken);
        if (err) errors.push(invalidField('spec.healthCheckNodePort', String(hc), err));
      }
    } else {
      const p = this.allocatePort(owner, taken);
      if (p === undefined) errors.push(invalidField('spec.healthCheckNodePort', '0', 'range is full'));
      else spec.healthCheckNodePort = p;
    }

    if (errors.length > 0) {
      undo();
      return errors;
    }
    return {
      service: next,
      commit: () => {
        if (!old) return;
        const keepIPs = new Set(clusterIPsOf(next));
        const keepPorts = new Set(nodePortsOf(next));
        for (const ip of clusterIPsOf(old)) if (!keepIPs.has(ip) && this.ips.get(ip) === owner) this.ips.delete(ip);
        for (const p of nodePortsOf(old)) if (!keepPorts.has(p) && this.ports.get(p) === owner) this.ports.delete(p);
      },
      undo,
    };
  }

  private take(ipText: string, owner: string, taken: { ips: string[] }): string | undefined {
    const ip = tryParseIP(ipText);
    if (!ip || !cidrContains(this.cidr, ip)) {
      return `the provided IP (${ipText}) is not in the valid range. The range of valid IPs is ${formatCIDR(this.cidr)}`;
    }
    const text = formatIP(ip);
    const holder = this.ips.get(text);
    if (holder === owner) return undefined;
    if (holder !== undefined) return 'provided IP is already allocated';
    this.ips.set(text, owner);
    taken.ips.push(text);
    return undefined;
  }

  private allocateIP(owner: string): string | undefined {
    // Offsets 1 .. size-2 (IPv4 keeps network and broadcast out; offset 1 is the kubernetes Service).
    const size = cidrSize(this.cidr);
    const last = this.family === 'IPv4' ? size - 2n : size - 1n;
    if (last < 2n) return undefined;
    const band = staticBand(size, 16n, 16n, 256n);
    const idx = pickFree(2n, last, band + 1n, (i) => !RESERVED_OFFSETS.has(i) && !this.ips.has(formatIP(nthIP(this.cidr, i))));
    if (idx === undefined) return undefined;
    const text = formatIP(nthIP(this.cidr, idx));
    this.ips.set(text, owner);
    return text;
  }

  /**
   * Defaults and checks ipFamilyPolicy and ipFamilies the way the upstream registry does on a
   * single-stack cluster: no policy means SingleStack (or the old object's; RequireDualStack for a
   * headless Service without a selector, which may name both families), families are inferred from
   * clusterIPs, and asking for dual-stack or for the other family is an error naming the field.
   */
  private initFamilies(svc: Service, old: Service | undefined): FieldError[] {
    const spec = svc.spec!;
    const headlessNoSelector = spec.clusterIP === 'None' && Object.keys(spec.selector ?? {}).length === 0;
    spec.ipFamilyPolicy ??= old?.spec?.ipFamilyPolicy ?? (headlessNoSelector ? 'RequireDualStack' : 'SingleStack');
    const families = (spec.ipFamilies ??= []) as Family[];
    const errors: FieldError[] = [];
    if (spec.ipFamilyPolicy === 'SingleStack') {
      if ((spec.clusterIPs ?? []).length === 2) errors.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
      if (families.length === 2) errors.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
    const ips = spec.clusterIPs ?? (spec.clusterIP ? [spec.clusterIP] : []);
    for (let i = 0; i < ips.length && ips[i] !== 'None'; i++) {
      if (i < families.length) continue;
      const fam: Family = tryParseIP(ips[i]!)?.family === 6 ? 'IPv6' : 'IPv4';
      if (fam !== this.family) errors.push(invalid(index('spec.clusterIPs', i), ips, `${fam} is not configured on this cluster`));
      else families.push(fam);
    }
    if (errors.length > 0) return errors;
    if (headlessNoSelector) {
      if (families.length === 0) families.push(this.family);
      if (families.length < 2 && spec.ipFamilyPolicy !== 'SingleStack') families.push(families[0] === 'IPv4' ? 'IPv6' : 'IPv4');
      return [];
    }
    if (spec.ipFamilyPolicy === 'RequireDualStack') errors.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy, 'this cluster is not configured for dual-stack services'));
    families.forEach((f, i) => {
      if (f !== this.family) errors.push(invalid(index('spec.ipFamilies', i), f, 'not configured on this cluster'));
    });
    if (errors.length > 0) return errors;
    if (families.length === 0) families.push(this.family);
    return [];
  }

  private takePort(port: number, owner: string, taken: { ports: number[] }): string | undefined {
    const [lo, hi] = this.nodePortRange;
    if (port < lo || port > hi) return `provided port is not in the valid range. The range of valid ports is ${lo}-${hi}`;
    const holder = this.ports.get(port);
    if (holder !== undefined && holder !== owner) return 'provided port is already allocated';
    this.ports.set(port, owner);
    taken.ports.push(port);
    return undefined;
  }

  private allocatePort(owner: string, taken: { ports: number[] }): number | undefined {
    const [lo, hi] = this.nodePortRange;
    const band = staticBand(BigInt(hi - lo + 1), 32n, 16n, 128n);
    const p = pickFree(BigInt(lo), BigInt(hi), BigInt(lo) + band, (v) => !this.ports.has(Number(v)));
    if (p === undefined) return undefined;
    this.ports.set(Number(p), owner);
    taken.ports.push(Number(p));
    return Number(p);
  }
}

function ownerOf(svc: Service): string {
  return `${svc.metadata?.namespace ?? ''}/${svc.metadata?.name ?? ''}`;
}

function clusterIPsOf(svc: Service): string[] {
  const ips = new Set<string>();
  for (const ip of [svc.spec?.clusterIP, ...(svc.spec?.clusterIPs ?? [])]) {
    const parsed = ip && ip !== 'None' ? tryParseIP(ip) : undefined;
    if (parsed) ips.add(formatIP(parsed));
  }
  return [...ips];
}

function nodePortsOf(svc: Service): number[] {
  const ports = (svc.spec?.ports ?? []).map((p) => p.nodePort).filter((p): p is number => typeof p === 'number' && p > 0);
  if (svc.spec?.healthCheckNodePort) ports.push(svc.spec.healthCheckNodePort);
  return ports;
}
