// Endpoints (core/v1) and EndpointSlice (discovery.k8s.io/v1): addresses valid for their type, ports.
import type { EndpointSlice, Endpoints } from '../types.js';
import type { EndpointAddress, EndpointPort } from 'kubernetes-types/core/v1.js';
import { tryParseIP } from '../ip.js';
import { child, duplicate, immutable, index, invalid, notSupported, required, tooMany, type FieldError } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isIPv4, isIPv6, isQualifiedName, isValidIP, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { validateProtocol } from './ports.js';

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const META = { namespaced: true, name: nameIsDNSSubdomain };

/** Upstream ValidateNonSpecialIP: endpoint IPs may not be unspecified, loopback or link-local. */
export function validateNonSpecialIP(value: string, path: string): FieldError[] {
  const ip = tryParseIP(value);
  if (!ip) return [invalid(path, value, 'must be a valid IP address')];
  const v4 = ip.family === 4;
  const errs: FieldError[] = [];
  if (ip.value === 0n) errs.push(invalid(path, value, `may not be unspecified (${value})`));
  if (v4 ? ip.value >> 24n === 127n : ip.value === 1n) errs.push(invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  if (v4 ? ip.value >> 16n === 0xa9fen : ip.value >> 118n === 0x3fan) errs.push(invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  if (v4 ? ip.value >> 8n === 0xe00000n : ip.value >> 112n === 0xff02n) {
    errs.push(invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  }
  return errs;
}

function validateEndpointAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs = isValidIP(a.ip ?? '').map((msg) => invalid(child(path, 'ip'), a.ip ?? '', msg));
  if (a.hostname) errs.push(...isDNS1123Label(a.hostname).map((msg) => invalid(child(path, 'hostname'), a.hostname, msg)));
  if (a.nodeName !== undefined) errs.push(...nameIsDNSSubdomain(a.nodeName, false).map((msg) => invalid(child(path, 'nodeName'), a.nodeName, msg)));
  errs.push(...validateNonSpecialIP(a.ip ?? '', child(path, 'ip')));
  return errs;
}

function validateEndpointPort(p: EndpointPort, requireName: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !p.name) errs.push(required(child(path, 'name')));
  else if (p.name) errs.push(...isDNS1123Label(p.name).map((msg) => invalid(child(path, 'name'), p.name, msg)));
  errs.push(...isValidPortNum(p.port ?? 0).map((msg) => invalid(child(path, 'port'), p.port ?? 0, msg)));
  errs.push(...validateProtocol(p.protocol, child(path, 'protocol')));
  if (p.appProtocol !== undefined) errs.push(...isQualifiedName(p.appProtocol).map((msg) => invalid(child(path, 'appProtocol'), p.appProtocol, msg)));
  return errs;
}

export function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs = validateObjectMeta(ep.metadata, META);
  (ep.subsets ?? []).forEach((ss, i) => {
    const p = index('subsets', i);
    if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0) {
      errs.push(required(p, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(p, 'addresses'), j))));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateEndpointAddress(a, index(child(p, 'notReadyAddresses'), j))));
    const ports = ss.ports ?? [];
    ports.forEach((port, j) => errs.push(...validateEndpointPort(port, ports.length > 1, index(child(p, 'ports'), j))));
  });
  return errs;
}

function isFullyQualifiedDomainName(path: string, value: string): FieldError[] {
  if (!value) return [required(path)];
  const name = value.replace(/\.$/, '');
  const sub = isDNS1123Subdomain(name);
  if (sub.length) return [invalid(path, name, sub.join(','))];
  const labels = name.split('.');
  if (labels.length < 2) return [invalid(path, name, 'should be a domain with at least two segments separated by dots')];
  for (const label of labels) {
    const errs = isDNS1123Label(label);
    if (errs.length) return [invalid(path, label, errs.join(','))];
  }
  return [];
}

export function validateEndpointSlice(slice: EndpointSlice): FieldError[] {
  const errs = validateObjectMeta(slice.metadata, META);
  const type = slice.addressType;
  if (!type) errs.push(required('addressType'));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(notSupported('addressType', type, ADDRESS_TYPES));
  const endpoints = slice.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS) errs.push(tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  else
    endpoints.forEach((ep, i) => {
      const p = index('endpoints', i);
      const ap = child(p, 'addresses');
      const addrs = ep.addresses ?? [];
      if (addrs.length === 0) errs.push(required(ap, 'must contain at least 1 address'));
      else if (addrs.length > MAX_ADDRESSES) errs.push(tooMany(ap, addrs.length, MAX_ADDRESSES));
      addrs.forEach((a, j) => {
        const path = index(ap, j);
        if (type === 'IPv4') {
          if (!isIPv4(a)) errs.push(invalid(path, a, 'must be a valid IPv4 address'));
          else errs.push(...validateNonSpecialIP(a, path));
        } else if (type === 'IPv6') {
          if (!isIPv6(a)) errs.push(invalid(path, a, 'must be a valid IPv6 address'));
          else errs.push(...validateNonSpecialIP(a, path));
        } else if (type === 'FQDN') errs.push(...isFullyQualifiedDomainName(path, a));
      });
      if (ep.nodeName !== undefined) errs.push(...nameIsDNSSubdomain(ep.nodeName, false).map((msg) => invalid(child(p, 'nodeName'), ep.nodeName, msg)));
      if (ep.hostname !== undefined) errs.push(...isDNS1123Label(ep.hostname).map((msg) => invalid(child(p, 'hostname'), ep.hostname, msg)));
    });
  const ports = slice.ports ?? [];
  if (ports.length > MAX_PORTS) errs.push(tooMany('ports', ports.length, MAX_PORTS));
  else {
    const names = new Set<string>();
    ports.forEach((port, i) => {
      const p = index('ports', i);
      const name = port.name ?? '';
      if (name) errs.push(...isDNS1123Label(name).map((msg) => invalid(child(p, 'name'), name, msg)));
      if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      names.add(name);
      errs.push(...validateProtocol(port.protocol, child(p, 'protocol')));
      if (port.port !== undefined && port.port !== null) errs.push(...isValidPortNum(port.port).map((msg) => invalid(child(p, 'port'), port.port, msg)));
      if (port.appProtocol !== undefined) errs.push(...isQualifiedName(port.appProtocol).map((msg) => invalid(child(p, 'appProtocol'), port.appProtocol, msg)));
    });
  }
  return errs;
}

export function validateEndpointSliceUpdate(slice: EndpointSlice, old: EndpointSlice): FieldError[] {
  return [
    ...validateObjectMetaUpdate(slice.metadata, old.metadata),
    ...validateEndpointSlice(slice),
    ...immutable('addressType', slice.addressType, old.addressType, slice.addressType ?? ''),
  ];
}

export function validateEndpointsUpdate(ep: Endpoints, old: Endpoints): FieldError[] {
  return [...validateObjectMetaUpdate(ep.metadata, old.metadata), ...validateEndpoints(ep)];
}
