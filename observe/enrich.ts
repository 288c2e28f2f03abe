// Turns addresses into names: a pod (ns, name, labels) by its IP, a Service by the address and port
// a client dialled (ClusterIP, external/LoadBalancer IP, or any node address with a NodePort).
// Rebuilt from the informers' current objects on each change; lookups are map reads.
import type { Pod, Service } from '../api/types.js';
import type { FlowEndpoint, FlowService } from './types.js';

export interface AddressIndex {
  endpoint(ip: string, port?: number): FlowEndpoint;
  service(ip: string, port: number | undefined, protocol: string): FlowService | undefined;
  /** The node a pod runs on, for deduplicating flows seen on both nodes. */
  nodeOfPod(ip: string): string | undefined;
}

interface PodEntry {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly node?: string;
}

/** `nodeAddrs`: [address, node name] pairs (InternalIPs, bridge gateways). */
export function buildAddressIndex(pods: readonly Pod[], services: readonly Service[], nodeAddrs: readonly (readonly [string, string])[] = []): AddressIndex {
  const byIP = new Map<string, PodEntry>();
  for (const p of pods) {
    if (p.spec?.hostNetwork) continue;
    const phase = p.status?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') continue;
    const ips = (p.status?.podIPs ?? []).map((x) => x.ip).concat(p.status?.podIP ? [p.status.podIP] : []);
    for (const ip of ips) {
      if (!ip) continue;
      byIP.set(ip, {
        name: p.metadata?.name ?? '',
        namespace: p.metadata?.namespace ?? 'default',
        labels: p.metadata?.labels ?? {},
        ...(p.spec?.nodeName ? { node: p.spec.nodeName } : {}),
      });
    }
  }
  // key `ip/port/PROTO` → Service; NodePorts by `port/PROTO`.
  const byAddr = new Map<string, FlowService>();
  const byNodePort = new Map<string, FlowService>();
  for (const s of services) {
    const ns = s.metadata?.namespace ?? 'default';
    const name = s.metadata?.name ?? '';
    const addrs = [
      ...(s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : [])),
      ...(s.spec?.externalIPs ?? []),
      ...(s.status?.loadBalancer?.ingress ?? []).map((i) => i.ip ?? ''),
    ].filter((a) => a && a !== 'None');
    for (const p of s.spec?.ports ?? []) {
      const proto = p.protocol ?? 'TCP';
      for (const ip of addrs) byAddr.set(`${ip}/${p.port}/${proto}`, { namespace: ns, name, ip, port: p.port });
      if (p.nodePort) byNodePort.set(`${p.nodePort}/${proto}`, { namespace: ns, name, ip: '', port: p.nodePort });
    }
  }
  const nodeByIP = new Map(nodeAddrs);
  return {
    endpoint(ip, port) {
      const p = byIP.get(ip);
      const base = port === undefined ? { ip } : { ip, port };
      if (p) return { ...base, pod: p.name, namespace: p.namespace, labels: p.labels };
      const node = nodeByIP.get(ip);
      if (node) return { ...base, identity: `node:${node}` };
      return base;
    },
    service(ip, port, protocol) {
      if (port === undefined) return undefined;
      const proto = protocol.toUpperCase();
      const hit = byAddr.get(`${ip}/${port}/${proto}`);
      if (hit) return hit;
      if (byIP.has(ip)) return undefined;
      const np = byNodePort.get(`${port}/${proto}`);
      return np ? { ...np, ip } : undefined;
    },
    nodeOfPod(ip) {
      return byIP.get(ip)?.node;
    },
  };
}
