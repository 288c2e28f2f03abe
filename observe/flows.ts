// Pure conversions from what the kernel reports to flow records: a conntrack NEW/DESTROY event is a
// forwarded connection (conntrack confirms only packets every filter accepted); a traced first
// packet that ended in `drop` is a rejected or dropped one, with the rule that did it.
import type { ConntrackRecord } from './conntrack.js';
import type { AddressIndex } from './enrich.js';
import type { TraceRecord } from './nfttrace.js';
import type { Flow, FlowProtocol } from './types.js';

const PROTOCOLS: Record<string, FlowProtocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP', icmp: 'ICMP' };

function protocolOf(p: string | undefined): FlowProtocol {
  return PROTOCOLS[(p ?? '').toLowerCase()] ?? 'TCP';
}

/** `podnet-drop:<ns>/<pod>:<direction>:` as the netpol enforcer logs drops. */
const DROP_PREFIX = /podnet-drop:([^/":]+)\/([^":]+):(ingress|egress):?([^"]*)"/i;

export function flowFromConntrack(node: string, rec: ConntrackRecord, index: AddressIndex, startedMs?: number): Flow | undefined {
  if (rec.type === 'UPDATE') return undefined;
  const protocol = protocolOf(rec.proto);
  const service = index.service(rec.orig.dst, rec.orig.dport, protocol);
  // After DNAT the reply comes from the endpoint: that is the real destination.
  const dstIP = rec.reply?.src ?? rec.orig.dst;
  const dstPort = rec.reply?.sport ?? rec.orig.dport;
  const base = {
    time: new Date(rec.timeMs).toISOString(),
    node,
    src: index.endpoint(rec.orig.src, rec.orig.sport),
    dst: index.endpoint(dstIP, dstPort),
    ...(service ? { service } : {}),
    protocol,
    verdict: 'forwarded' as const,
  };
  if (rec.type === 'NEW') return { ...base, event: 'new' };
  const bytes = (rec.orig.bytes ?? 0) + (rec.reply?.bytes ?? 0);
  const packets = (rec.orig.packets ?? 0) + (rec.reply?.packets ?? 0);
  return {
    ...base,
    event: 'end',
    ...(rec.orig.bytes !== undefined ? { bytes, packets } : {}),
    ...(startedMs !== undefined ? { durationMs: Math.max(0, rec.timeMs - startedMs) } : {}),
  };
}

export function flowFromTrace(node: string, rec: TraceRecord, index: AddressIndex, nowMs: number): Flow | undefined {
  if (rec.verdict === 'accept' || !rec.packet.saddr || !rec.packet.daddr) return undefined;
  const p = rec.packet;
  const protocol = protocolOf(p.proto);
  const service = index.service(p.daddr!, p.dport, protocol);
  const step = rec.dropStep!;
  const logged = DROP_PREFIX.exec(step.text);
  let reason: string;
  let policy: string | undefined;
  let direction: 'ingress' | 'egress' | undefined;
  const src = index.endpoint(p.saddr!, p.sport);
  // The Service is the address dialled (first packet); the destination is where DNAT sent it.
  const last = rec.lastPacket.daddr ? rec.lastPacket : p;
  const dst = index.endpoint(last.daddr!, last.dport);
  const podKey = (e: typeof src) => (e.pod ? `${e.namespace}/${e.pod}` : e.ip);
  if (logged) {
    direction = logged[3]!.toLowerCase() as 'ingress' | 'egress';
    const extra = logged[4]!.trim();
    policy = extra ? `${logged[1]}/${extra}` : undefined;
    reason = `denied by NetworkPolicy (${direction} of ${logged[1]}/${logged[2]})`;
  } else if (/netpol/i.test(step.table)) {
    // The enforcer's per-pod chains are in-<hash> / eg-<hash>; its drop counter says which.
    const dir = /\bdrop-(in|eg)-|^(in|eg)-/.exec(`${step.chain} ${step.text}`);
    const which = dir?.[1] ?? dir?.[2];
    if (which) {
      direction = which === 'in' ? 'ingress' : 'egress';
      reason = `denied by NetworkPolicy (${direction} of ${podKey(direction === 'ingress' ? dst : src)})`;
    } else {
      reason = /drop-unknown/.test(step.text) ? 'dropped by NetworkPolicy: pod address not synced yet' : `dropped by ${step.family} ${step.table} ${step.chain}`;
    }
  } else if (rec.verdict === 'reject' && service) {
    reason = `Service ${service.namespace}/${service.name} has no endpoints for port ${service.port}`;
  } else {
    const comment = /comment "([^"]+)"/.exec(step.text)?.[1];
    reason = `${rec.verdict === 'reject' ? 'rejected' : 'dropped'} by ${step.family} ${step.table} ${step.chain}${comment ? ` (${comment})` : ''}`;
  }
  return {
    time: new Date(nowMs).toISOString(),
    node,
    event: 'new',
    src,
    dst,
    ...(service ? { service } : {}),
    protocol,
    verdict: rec.verdict === 'reject' ? 'rejected' : 'dropped',
    ...(policy ? { policy } : {}),
    ...(direction ? { direction } : {}),
    reason,
  };
}
