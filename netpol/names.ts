// Every name the enforcer writes into the kernel, in one place.
import { createHash } from 'node:crypto';

export const FAMILY = 'inet';
export const TABLE = 'podnet-netpol';
/** Only written when br_netfilter does not hand bridged frames to the inet hooks (see README). */
export const BRIDGE_FAMILY = 'bridge';
export const FORWARD_CHAIN = 'forward';
export const PREROUTING_CHAIN = 'prerouting';
export const INGRESS_MAP = { 4: 'ingress-v4', 6: 'ingress-v6' } as const;
export const EGRESS_MAP = { 4: 'egress-v4', 6: 'egress-v6' } as const;
export const KNOWN_SET = { 4: 'known-v4', 6: 'known-v6' } as const;
export const GUARD_SET = { 4: 'guard-v4', 6: 'guard-v6' } as const;
export const UNKNOWN_COUNTER = 'drop-unknown';
export const LOG_PREFIX = 'podnet-drop:';

export function shortHash(text: string, len = 12): string {
  return createHash('sha256').update(text).digest('hex').slice(0, len);
}

export function podChainName(podKey: string, direction: 'Ingress' | 'Egress'): string {
  return `${direction === 'Ingress' ? 'in' : 'eg'}-${shortHash(podKey)}`;
}

export function dropCounterName(podKey: string, direction: 'Ingress' | 'Egress'): string {
  return `drop-${podChainName(podKey, direction)}`;
}

export function setName(family: 4 | 6, elements: readonly string[]): string {
  return `ips-${shortHash(elements.join(','))}-v${family}`;
}
