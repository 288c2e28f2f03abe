// Choosing node podCIDRs: the first subnet of the cluster CIDR no node holds yet. Pure; the
// controller derives "held" from every Node it sees, so a restart never hands out a duplicate.
import { cidrContainsCIDR, cidrSize, formatCIDR, nthSubnet, parseCIDR, tryParseCIDR } from '../../api/ip.js';
import { PodnetError } from '../../api/errors.js';

export function nextFreeSubnet(clusterCIDR: string, maskSize: number, held: ReadonlySet<string>): string | undefined {
  const cluster = parseCIDR(clusterCIDR);
  if (maskSize < cluster.prefix) {
    throw new PodnetError('IPAM_BAD_CONFIG', `nodeipam: node mask size ${maskSize} is shorter than the cluster CIDR "${clusterCIDR}"`);
  }
  const heldInCluster = new Set<string>();
  for (const h of held) {
    const c = tryParseCIDR(h);
    if (c && c.family === cluster.family && cidrContainsCIDR(cluster, c)) heldInCluster.add(formatCIDR(c));
  }
  const count = cidrSize(cluster) >> BigInt((cluster.family === 4 ? 32 : 128) - maskSize);
  // Node counts stay small; a linear scan keeps the choice obvious (lowest free subnet first).
  const limit = count > 65536n ? 65536 : Number(count);
  for (let i = 0; i < limit; i++) {
    const s = formatCIDR(nthSubnet(cluster, maskSize, i));
    if (!heldInCluster.has(s)) return s;
  }
  return undefined;
}
