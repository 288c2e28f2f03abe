// The node network configurations podnet writes: its own plugin, or Debian's reference plugins.
import { BUILTIN_IPAM } from './ipam/ipam.js';
import type { ConfList } from './runtime.js';

export interface NodeConfOptions {
  readonly podCIDR: string;
  /** IPAM state directory (allocations, cursor, lock). */
  readonly dataDir: string;
  readonly mtu?: number;
  readonly name?: string;
}

/** podnet-cni on bridge cni0 with the built-in host-local style IPAM. */
export function podnetConfList(o: NodeConfOptions): ConfList {
  return {
    cniVersion: '1.1.0',
    name: o.name ?? 'podnet',
    plugins: [
      {
        type: 'podnet-cni',
        bridge: 'cni0',
        isGateway: true,
        hairpinMode: true,
        ...(o.mtu ? { mtu: o.mtu } : {}),
        ipam: { type: BUILTIN_IPAM, ranges: [[{ subnet: o.podCIDR }]], dataDir: o.dataDir },
      },
    ],
  };
}

/** The reference plugins (containernetworking-plugins): bridge + host-local, portmap, loopback. */
export function referenceConfList(o: NodeConfOptions): ConfList {
  return {
    // Debian's plugins (1.1.x) speak up to 1.0.0.
    cniVersion: '1.0.0',
    name: o.name ?? 'podnet-ref',
    plugins: [
      {
        type: 'bridge',
        bridge: 'cni0',
        isGateway: true,
        // Without it the reference bridge gives pods no default route.
        isDefaultGateway: true,
        hairpinMode: true,
        ...(o.mtu ? { mtu: o.mtu } : {}),
        ipam: { type: 'host-local', ranges: [[{ subnet: o.podCIDR }]], dataDir: o.dataDir },
      },
      { type: 'portmap', capabilities: { portMappings: true } },
      // Brings the pod's lo up (kubelet runs it as its own network; chaining it works the same).
      { type: 'loopback' },
    ],
  };
}
