// networking.k8s.io/v1 NetworkPolicy (upstream pkg/apis/networking/validation).
import type { NetworkPolicy } from '../types.js';
import type { NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1.js';
import { cidrContainsCIDR, tryParseCIDR } from '../ip.js';
import { child, forbidden, goText, index, invalid, notSupported, required, type FieldError } from './field.js';
import { validateLabelSelector, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { CIDR_ERROR, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';

const POLICY_TYPES = ['Ingress', 'Egress'];

function validateNetworkPolicyPort(port: NetworkPolicyPort, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (port.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(port.protocol)) {
    errs.push(notSupported(child(path, 'protocol'), port.protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const p = port.port;
  if (typeof p === 'number') {
    errs.push(...isValidPortNum(p).map((msg) => invalid(child(path, 'port'), p, msg)));
    if (port.endPort !== undefined) {
      if (port.endPort < p) errs.push(invalid(child(path, 'endPort'), port.endPort, 'must be greater than or equal to `port`'));
      errs.push(...isValidPortNum(port.endPort).map((msg) => invalid(child(path, 'endPort'), port.endPort, msg)));
    }
  } else if (typeof p === 'string') {
    if (port.endPort !== undefined) errs.push(invalid(child(path, 'endPort'), port.endPort, 'may not be specified when `port` is non-numeric'));
    errs.push(...isValidPortName(p).map((msg) => invalid(child(path, 'port'), p, msg)));
  } else if (port.endPort !== undefined) {
    errs.push(invalid(child(path, 'endPort'), port.endPort, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

function validatePeer(peer: NetworkPolicyPeer, path: string): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  if (peer.podSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.podSelector, child(path, 'podSelector')));
  }
  if (peer.namespaceSelector) {
    n++;
    errs.push(...validateLabelSelector(peer.namespaceSelector, child(path, 'namespaceSelector')));
  }
  if (peer.ipBlock) {
    n++;
    const bp = child(path, 'ipBlock');
    const cidrText = peer.ipBlock.cidr ?? '';
    if (!cidrText) errs.push(required(child(bp, 'cidr')));
    else {
      const cidr = tryParseCIDR(cidrText);
      if (!cidr) errs.push(invalid(child(bp, 'cidr'), cidrText, CIDR_ERROR));
      else
        (peer.ipBlock.except ?? []).forEach((ex, i) => {
          const ep = index(child(bp, 'except'), i);
          const exc = tryParseCIDR(ex);
          if (!exc) errs.push(invalid(ep, ex, CIDR_ERROR));
          else if (exc.family !== cidr.family || !cidrContainsCIDR(cidr, exc) || exc.prefix <= cidr.prefix) {
            errs.push(invalid(ep, ex, 'must be a strict subset of `cidr`'));
          }
        });
    }
  }
  if (n === 0) errs.push(required(path, 'must specify a peer'));
  else if (n > 1 && peer.ipBlock) errs.push(forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

export function validateNetworkPolicy(np: NetworkPolicy): FieldError[] {
  const errs = validateObjectMeta(np.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = np.spec ?? ({} as NonNullable<NetworkPolicy['spec']>);
  errs.push(...validateLabelSelector(spec.podSelector, 'spec.podSelector'));
  (spec.ingress ?? []).forEach((rule, i) => {
    const rp = index('spec.ingress', i);
    (rule.ports ?? []).forEach((p, j) => errs.push(...validateNetworkPolicyPort(p, index(child(rp, 'ports'), j))));
    (rule.from ?? []).forEach((p, j) => errs.push(...validatePeer(p, index(child(rp, 'from'), j))));
  });
  (spec.egress ?? []).forEach((rule, i) => {
    const rp = index('spec.egress', i);
    (rule.ports ?? []).forEach((p, j) => errs.push(...validateNetworkPolicyPort(p, index(child(rp, 'ports'), j))));
    (rule.to ?? []).forEach((p, j) => errs.push(...validatePeer(p, index(child(rp, 'to'), j))));
  });
  const types = spec.policyTypes ?? [];
  if (types.length > 2) {
    errs.push(invalid('spec.policyTypes', goText(`[]networking.PolicyType{${types.map((t) => JSON.stringify(t)).join(', ')}}`), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(notSupported(index('spec.policyTypes', i), t, POLICY_TYPES));
  });
  return errs;
}

export function validateNetworkPolicyUpdate(np: NetworkPolicy, old: NetworkPolicy): FieldError[] {
  return [...validateObjectMetaUpdate(np.metadata, old.metadata), ...validateNetworkPolicy(np)];
}
