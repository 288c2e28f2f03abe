// The decision: may a connection from `src` to `dst` on (protocol, port) pass? Both the source's
// egress and the destination's ingress must allow it. A side with no selecting policy is open;
// a selected side allows only what the union of its policies' rules allows. Pure: the analyzer
// explains with it, and the enforcer's conformance test holds the kernel to it.
import { cidrContains, tryParseIP, type IP } from '../api/ip.js';
import { matches } from '../api/labels.js';
import type { CompiledPolicy, Peer, PortMatch, Rule } from './compile.js';
import { describePeer, describePort } from './compile.js';
import type { Direction, PodView, Protocol } from './model.js';
import { selectingPolicies, type World } from './world.js';

/** A pod, or an address outside the pod network (or not known to be a pod). */
export type Endpoint = { readonly pod: PodView } | { readonly ip: string };

export interface RuleRef {
  /** Policy name (it is always in the selected pod's namespace). */
  readonly policy: string;
  readonly rule: number;
  /** Index in from/to; undefined when the rule has no from/to (matches every peer). */
  readonly peer?: number;
  /** Index in ports; undefined when the rule has no ports (matches every port). */
  readonly port?: number;
}

export interface RuleMiss {
  readonly policy: string;
  readonly rule: number;
  readonly peerMatched: boolean;
  readonly portMatched: boolean;
}

export interface SideDecision {
  readonly direction: Direction;
  /** The pod whose policies decide this side; undefined when that end is not a pod. */
  readonly pod?: string;
  readonly isolated: boolean;
  /** Names of the policies selecting the pod for this direction. */
  readonly policies: readonly string[];
  readonly allowed: boolean;
  /** Every rule (and peer, port) that allows the connection. */
  readonly allowedBy: readonly RuleRef[];
  /** For a denied side: why each rule failed. */
  readonly misses: readonly RuleMiss[];
  readonly reason: string;
}

export interface Decision {
  readonly allowed: boolean;
  readonly egress: SideDecision;
  readonly ingress: SideDecision;
}

export function endpointIP(e: Endpoint): string {
  return 'pod' in e ? (e.pod.ips[0] ?? '') : e.ip;
}

export function endpointName(e: Endpoint): string {
  return 'pod' in e ? e.pod.key : e.ip;
}

/** An IP that belongs to a (non-hostNetwork) pod is that pod. */
export function resolveEndpoint(world: World, e: Endpoint): Endpoint {
  if ('pod' in e) return e;
  const pod = world.podByIP.get(tryParseIP(e.ip) ? e.ip : '');
  return pod ? { pod } : e;
}

function ipsOf(e: Endpoint): readonly IP[] {
  if ('pod' in e) return e.pod.parsedIPs;
  const ip = tryParseIP(e.ip);
  return ip ? [ip] : [];
}

/** Does `peer` (of a policy in `policyNamespace`) match the other end of the connection? */
export function peerMatches(world: World, peer: Peer, policyNamespace: string, other: Endpoint): boolean {
  if (peer.kind === 'ipBlock') {
    // Choice (documented in README): pod IPs are matchable by ipBlock, like most CNIs behave.
    return ipsOf(other).some((ip) => cidrContains(peer.cidr, ip) && !peer.except.some((e) => cidrContains(e, ip)));
  }
  if (!('pod' in other) || other.pod.hostNetwork) return false;
  const pod = other.pod;
  if (!peer.namespaces) {
    if (pod.namespace !== policyNamespace) return false;
  } else {
    const ns = world.namespaces.get(pod.namespace);
    if (!ns || !matches(peer.namespaces, ns.labels)) return false;
  }
  return matches(peer.pods, pod.labels);
}

/** Does a port entry match (protocol, port)? Named ports resolve against the destination pod. */
export function portMatches(pm: PortMatch, protocol: Protocol, port: number, dst: Endpoint): boolean {
  if (pm.protocol !== protocol) return false;
  if (pm.kind === 'all') return true;
  if (pm.kind === 'range') return port >= pm.from && port <= pm.to;
  if (!('pod' in dst)) return false;
  return dst.pod.ports.some((c) => c.name === pm.name && c.protocol === protocol && c.port === port);
}

function firstIndex<T>(list: readonly T[] | undefined, pred: (t: T) => boolean): number | undefined | -1 {
  if (!list) return undefined;
  const i = list.findIndex(pred);
  return i;
}

function side(world: World, direction: Direction, subject: Endpoint, other: Endpoint, dst: Endpoint, protocol: Protocol, port: number): SideDecision {
  const conn = `${protocol} port ${port}`;
  if (!('pod' in subject)) {
    const what = direction === 'Egress' ? 'source' : 'destination';
    return { direction, isolated: false, policies: [], allowed: true, allowedBy: [], misses: [], reason: `${what} ${subject.ip} is not a pod: no ${direction.toLowerCase()} policy applies` };
  }
  const pod = subject.pod;
  const pols = selectingPolicies(world, pod, direction);
  if (pols.length === 0) {
    const reason = pod.hostNetwork ? `${pod.key} uses the host network: policies do not apply` : `no policy selects ${pod.key} for ${direction}: ${direction.toLowerCase()} is open`;
    return { direction, pod: pod.key, isolated: false, policies: [], allowed: true, allowedBy: [], misses: [], reason };
  }
  const allowedBy: RuleRef[] = [];
  const misses: RuleMiss[] = [];
  for (const pol of pols) {
    const rules: readonly Rule[] = (direction === 'Ingress' ? pol.ingress : pol.egress) ?? [];
    for (const r of rules) {
      const peer = firstIndex(r.peers, (p) => peerMatches(world, p, pol.namespace, other));
      const pm = firstIndex(r.ports, (p) => portMatches(p, protocol, port, dst));
      if (peer !== -1 && pm !== -1) {
        allowedBy.push({ policy: pol.name, rule: r.index, ...(peer !== undefined ? { peer } : {}), ...(pm !== undefined ? { port: pm } : {}) });
      } else {
        misses.push({ policy: pol.name, rule: r.index, peerMatched: peer !== -1, portMatched: pm !== -1 });
      }
    }
  }
  const names = pols.map((p) => p.name);
  const selected = `selected by ${names.map((n) => `"${n}"`).join(', ')} (${direction})`;
  const preposition = direction === 'Ingress' ? 'from' : 'to';
  if (allowedBy.length > 0) {
    const a = allowedBy[0]!;
    const pol = pols.find((p) => p.name === a.policy)!;
    const rule = ((direction === 'Ingress' ? pol.ingress : pol.egress) ?? [])[a.rule]!;
    const peerText = a.peer === undefined ? `any ${direction === 'Ingress' ? 'source' : 'destination'}` : describePeer(rule.peers![a.peer]!, pol.namespace);
    const portText = a.port === undefined ? 'any port' : describePort(rule.ports![a.port]!);
    const reason = `${selected}; "${a.policy}" ${direction.toLowerCase()} rule ${a.rule} allows ${conn} ${preposition} ${endpointName(other)} (peer: ${peerText}; ports: ${portText})`;
    return { direction, pod: pod.key, isolated: true, policies: names, allowed: true, allowedBy, misses: [], reason };
  }
  let why: string;
  if (misses.length === 0) why = `no ${direction.toLowerCase()} rules: all ${direction.toLowerCase()} denied`;
  else
    why = `no rule allows ${conn} ${preposition} ${endpointName(other)}: ` +
      misses
        .map((m) => {
          const pol = pols.find((p) => p.name === m.policy)!;
          const rule = ((direction === 'Ingress' ? pol.ingress : pol.egress) ?? [])[m.rule]!;
          const parts: string[] = [];
          if (!m.peerMatched) parts.push(`peer does not match (${rule.peers!.map((p) => describePeer(p, pol.namespace)).join(' or ')})`);
          if (!m.portMatched) parts.push(`port does not match (${rule.ports!.map(describePort).join(', ')})`);
          return `"${m.policy}" rule ${m.rule}: ${parts.join(', ')}`;
        })
        .join('; ');
  return { direction, pod: pod.key, isolated: true, policies: names, allowed: false, allowedBy: [], misses, reason: `${selected}; ${why}` };
}

/** Decides one connection. IP endpoints that belong to pods are treated as those pods. */
export function decide(world: World, src: Endpoint, dst: Endpoint, protocol: Protocol, port: number): Decision {
  const s = resolveEndpoint(world, src);
  const d = resolveEndpoint(world, dst);
  if ('pod' in s && 'pod' in d && s.pod.key === d.pod.key) {
    // A pod reaching itself stays on its own loopback: no policy sees it (upstream's AllowLoopback).
    const open = (direction: Direction): SideDecision => ({ direction, pod: s.pod.key, isolated: false, policies: [], allowed: true, allowedBy: [], misses: [], reason: `${s.pod.key} reaches itself over loopback: policies do not apply` });
    return { allowed: true, egress: open('Egress'), ingress: open('Ingress') };
  }
  const egress = side(world, 'Egress', s, d, d, protocol, port);
  const ingress = side(world, 'Ingress', d, s, d, protocol, port);
  return { allowed: egress.allowed && ingress.allowed, egress, ingress };
}

function sideAllows(world: World, direction: Direction, subject: Endpoint, other: Endpoint, dst: Endpoint, protocol: Protocol, port: number): boolean {
  if (!('pod' in subject)) return true;
  const pols = selectingPolicies(world, subject.pod, direction);
  if (pols.length === 0) return true;
  for (const pol of pols) {
    for (const r of (direction === 'Ingress' ? pol.ingress : pol.egress) ?? []) {
      if (r.peers && !r.peers.some((p) => peerMatches(world, p, pol.namespace, other))) continue;
      if (r.ports && !r.ports.some((p) => portMatches(p, protocol, port, dst))) continue;
      return true;
    }
  }
  return false;
}

/**
 * The verdict of `decide` without building reasons, for matrices. `loopback: false` evaluates
 * the policies even when both ends are the same pod (the analyzer's equivalence classes need it).
 */
export function allows(world: World, src: Endpoint, dst: Endpoint, protocol: Protocol, port: number, opts: { loopback?: boolean } = {}): boolean {
  if (opts.loopback !== false && 'pod' in src && 'pod' in dst && src.pod.key === dst.pod.key) return true;
  return sideAllows(world, 'Egress', src, dst, dst, protocol, port) && sideAllows(world, 'Ingress', dst, src, dst, protocol, port);
}
