// ClusterIP and NodePort allocation at Service admission. The allocator holds what is in use in
// memory; at start it is rebuilt from the stored Services (so allocations survive a restart), and
// every write reserves first and either commits or undoes, so a failed store write leaks nothing.
import type { FieldError } from '../api/errors.js';
import { cidrContains, cidrSize, formatCIDR, formatIP, nthIP, parseCIDR, tryParseIP, type CIDR } from '../api/ip.js';
import type { Service, ServicePort } from '../api/types.js';

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

export class ServiceAllocator {
  readonly cidr: CIDR;
  private readonly ips = new Map<string, string>(); // ip → owner "ns/name"
  private readonly ports = new Map<number, string>(); // nodePort → owner
  private nextIndex = 2n;

  constructor(
    serviceCIDR = DEFAULT_SERVICE_CIDR,
    readonly nodePortRange: [number, number] = DEFAULT_NODE_PORT_RANGE,
  ) {
    this.cidr = parseCIDR(serviceCIDR, { strict: true });
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
      if (spec.clusterIP !== 'None') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
    }

    const wantsNodePorts = type === 'NodePort' || (type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
    const oldPorts = new Set(old ? nodePortsOf(old) : []);
    (spec.ports ?? []).forEach((port: ServicePort, i: number) => {
      if (type === 'ClusterIP' || type === 'ExternalName') {
        delete port.nodePort;
        return;
      }
      if (port.nodePort) {
        if (taken.ports.includes(port.nodePort) || oldPorts.has(port.nodePort) && this.ports.get(port.nodePort) === owner) return;
        const err = this.takePort(port.nodePort, owner, taken);
        if (err) errors.push(invalidField(`spec.ports[${i}].nodePort`, String(port.nodePort), err));
      } else if (wantsNodePorts) {
        const p = this.allocatePort(owner, taken);
        if (p === undefined) errors.push(invalidField(`spec.ports[${i}].nodePort`, '0', 'range is full'));
        else port.nodePort = p;
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
    const size = cidrSize(this.cidr);
    for (let tries = 0n; tries < size - 2n; tries++) {
      if (this.nextIndex >= size - 1n) this.nextIndex = 2n;
      const idx = this.nextIndex++;
      if (RESERVED_OFFSETS.has(idx)) continue;
      const text = formatIP(nthIP(this.cidr, idx));
      if (!this.ips.has(text)) {
        this.ips.set(text, owner);
        return text;
      }
    }
    return undefined;
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
    for (let p = lo; p <= hi; p++) {
      if (!this.ports.has(p)) {
        this.ports.set(p, owner);
        taken.ports.push(p);
        return p;
      }
    }
    return undefined;
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
