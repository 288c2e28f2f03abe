// hostPort, portmap-style: DNAT from the node's address to the pod, in a table of our own in the
// node's netns (`ip podnet-hostport`), rewritten as a whole in one nft transaction.
import type { Nft } from '../host/nft.js';

export const HOSTPORT_TABLE = 'podnet-hostport';

export interface HostPortMapping {
  readonly hostPort: number;
  readonly hostIP?: string;
  readonly protocol: 'tcp' | 'udp';
  readonly podIP: string;
  readonly containerPort: number;
  /** "ns/name", for the rule comment. */
  readonly pod: string;
}

function rule(m: HostPortMapping): string {
  const dst = m.hostIP && m.hostIP !== '0.0.0.0' ? `ip daddr ${m.hostIP}` : 'fib daddr type local';
  return `${dst} ${m.protocol} dport ${m.hostPort} dnat to ${m.podIP}:${m.containerPort} comment "${m.pod.replace(/"/g, '')}"`;
}

/** The whole table; the leading `table`+`delete table` make one transaction replace it. */
export function planHostPorts(maps: readonly HostPortMapping[]): string {
  const rules = maps.map((m) => `    ${rule(m)}`).join('\n');
  return [
    `table ip ${HOSTPORT_TABLE}`,
    `delete table ip ${HOSTPORT_TABLE}`,
    `table ip ${HOSTPORT_TABLE} {`,
    '  chain prerouting {',
    '    type nat hook prerouting priority -110; policy accept;',
    rules,
    '  }',
    '  chain output {',
    '    type nat hook output priority -110; policy accept;',
    rules,
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority 100; policy accept;',
    // Hairpin: a pod reaching its own hostPort must see the reply come back from the node.
    ...maps.map((m) => `    ip saddr ${m.podIP} ip daddr ${m.podIP} ${m.protocol} dport ${m.containerPort} masquerade`),
    '  }',
    '}',
    '',
  ].filter((l) => l !== '').join('\n') + '\n';
}

export async function applyHostPorts(nft: Nft, netns: string, maps: readonly HostPortMapping[]): Promise<void> {
  if (maps.length === 0) return nft.deleteTable(netns, 'ip', HOSTPORT_TABLE);
  await nft.apply(netns, planHostPorts(maps));
}
