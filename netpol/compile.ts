// NetworkPolicy → CompiledPolicy: selectors compiled once, CIDRs parsed once, ports normalised,
// policyTypes inferred. Everything later (decisions, nft plans, lint) reads only this form.
import { tryParseCIDR, formatCIDR, cidrContainsCIDR, type CIDR } from '../api/ip.js';
import { compileSelector, formatSelector, type Selector } from '../api/labels.js';
import { PodnetError } from '../api/errors.js';
import type { NetworkPolicy, networking } from '../api/types.js';
import { parseProtocol, type Protocol } from './model.js';

export type PortMatch =
  | { readonly protocol: Protocol; readonly kind: 'all' }
  | { readonly protocol: Protocol; readonly kind: 'range'; readonly from: number; readonly to: number }
  | { readonly protocol: Protocol; readonly kind: 'named'; readonly name: string };

export interface PodPeer {
  readonly kind: 'pods';
  /** undefined = the policy's own namespace. */
  readonly namespaces?: Selector;
  readonly pods: Selector;
}

export interface IPBlockPeer {
  readonly kind: 'ipBlock';
  readonly cidr: CIDR;
  readonly except: readonly CIDR[];
}

export type Peer = PodPeer | IPBlockPeer;

export interface Rule {
  readonly index: number;
  /** undefined = every source/destination (rule without from/to). */
  readonly peers?: readonly Peer[];
  /** undefined = every port and protocol. */
  readonly ports?: readonly PortMatch[];
}

export interface CompiledPolicy {
  readonly namespace: string;
  readonly name: string;
  readonly key: string;
  readonly podSelector: Selector;
  /** undefined when the policy is not of type Ingress. */
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
}

/** Compiles one policy; throws PodnetError NETPOL_INVALID_POLICY naming the policy and field. */
export function compilePolicy(np: NetworkPolicy): CompiledPolicy {
  const namespace = np.metadata?.namespace ?? 'default';
  const name = np.metadata?.name ?? '';
  const key = `${namespace}/${name}`;
  const fail = (field: string, why: string): never => {
    throw new PodnetError('NETPOL_INVALID_POLICY', `netpol: cannot use NetworkPolicy "${key}": ${field}: ${why}`);
  };
  const spec: networking.NetworkPolicySpec = np.spec ?? ({} as networking.NetworkPolicySpec);
  const sel = (s: Parameters<typeof compileSelector>[0], field: string): Selector => {
    try {
      return compileSelector(s);
    } catch (e) {
      return fail(field, (e as Error).message);
    }
  };
  const types = spec.policyTypes ?? ['Ingress', ...((spec.egress?.length ?? 0) > 0 ? ['Egress'] : [])];
  for (const t of types) if (t !== 'Ingress' && t !== 'Egress') fail('spec.policyTypes', `unsupported value "${t}"`);

  const peers = (list: readonly networking.NetworkPolicyPeer[] | undefined, field: string): Peer[] | undefined => {
    if (!list || list.length === 0) return undefined;
    return list.map((p, i): Peer => {
      const f = `${field}[${i}]`;
      if (p.ipBlock) {
        if (p.podSelector || p.namespaceSelector) fail(f, 'ipBlock may not be combined with podSelector or namespaceSelector');
        const cidr = tryParseCIDR(p.ipBlock.cidr) ?? fail(`${f}.ipBlock.cidr`, `invalid CIDR "${p.ipBlock.cidr}"`);
        const except = (p.ipBlock.except ?? []).map((e, j) => tryParseCIDR(e) ?? fail(`${f}.ipBlock.except[${j}]`, `invalid CIDR "${e}"`));
        return { kind: 'ipBlock', cidr, except };
      }
      if (!p.podSelector && !p.namespaceSelector) fail(f, 'must specify a peer');
      return {
        kind: 'pods',
        ...(p.namespaceSelector ? { namespaces: sel(p.namespaceSelector, `${f}.namespaceSelector`) } : {}),
        pods: sel(p.podSelector ?? {}, `${f}.podSelector`),
      };
    });
  };
  const ports = (list: readonly networking.NetworkPolicyPort[] | undefined, field: string): PortMatch[] | undefined => {
    if (!list || list.length === 0) return undefined;
    return list.map((p, i): PortMatch => {
      const f = `${field}[${i}]`;
      const protocol = parseProtocol(p.protocol) ?? fail(`${f}.protocol`, `unsupported value "${p.protocol}"`);
      if (p.port === undefined || p.port === null) return { protocol, kind: 'all' };
      const n = typeof p.port === 'number' ? p.port : /^[0-9]+$/.test(p.port) ? Number(p.port) : undefined;
      if (n === undefined) {
        if (p.endPort !== undefined) fail(`${f}.endPort`, 'may not be specified when port is a named port');
        return { protocol, kind: 'named', name: String(p.port) };
      }
      const to = p.endPort ?? n;
      if (n < 1 || n > 65535 || to < n || to > 65535) fail(f, `invalid port range ${n}-${to}`);
      return { protocol, kind: 'range', from: n, to };
    });
  };
  const rules = (list: readonly (networking.NetworkPolicyIngressRule | networking.NetworkPolicyEgressRule)[] | undefined, dir: 'ingress' | 'egress'): Rule[] =>
    (list ?? []).map((r, i) => {
      const peerList = 'from' in r ? r.from : 'to' in r ? r.to : undefined;
      const p = peers(peerList, `spec.${dir}[${i}].${dir === 'ingress' ? 'from' : 'to'}`);
      const q = ports(r.ports, `spec.${dir}[${i}].ports`);
      return { index: i, ...(p ? { peers: p } : {}), ...(q ? { ports: q } : {}) };
    });
  return {
    namespace,
    name,
    key,
    podSelector: sel(spec.podSelector ?? {}, 'spec.podSelector'),
    ...(types.includes('Ingress') ? { ingress: rules(spec.ingress, 'ingress') } : {}),
    ...(types.includes('Egress') ? { egress: rules(spec.egress, 'egress') } : {}),
  };
}

export function describePeer(peer: Peer, policyNamespace: string): string {
  if (peer.kind === 'ipBlock') {
    const ex = peer.except.length ? ` except ${peer.except.map(formatCIDR).join(', ')}` : '';
    return `ipBlock ${formatCIDR(peer.cidr)}${ex}`;
  }
  const pods = peer.pods.requirements.length === 0 ? 'all pods' : `pods with ${formatSelector(peer.pods)}`;
  if (!peer.namespaces) return `${pods} in namespace ${policyNamespace}`;
  if (peer.namespaces.requirements.length === 0) return `${pods} in all namespaces`;
  return `${pods} in namespaces with ${formatSelector(peer.namespaces)}`;
}

export function describePort(p: PortMatch): string {
  if (p.kind === 'all') return `${p.protocol} (all ports)`;
  if (p.kind === 'named') return `${p.protocol} port "${p.name}"`;
  return p.from === p.to ? `${p.protocol} port ${p.from}` : `${p.protocol} ports ${p.from}-${p.to}`;
}

/** True when an except CIDR lies (at least partly) outside its ipBlock: upstream rejects it, lint reports it. */
export function exceptOutside(peer: IPBlockPeer): CIDR[] {
  return peer.except.filter((e) => !cidrContainsCIDR(peer.cidr, e));
}
