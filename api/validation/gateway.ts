// gateway.networking.k8s.io/v1, lightly: the required fields and value ranges of the CRD schemas
// (GatewayClass, Gateway, HTTPRoute), worded as the apiserver words OpenAPI schema failures.
import type { KubeObject } from '../types.js';
import { child, duplicate, index, invalid, notSupported, required, tooMany, type FieldError } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Subdomain, isWildcardDNS1123Subdomain, nameIsDNSSubdomain } from './names.js';

type Spec = Record<string, unknown>;

function specOf(obj: KubeObject): Spec {
  const s = obj.spec;
  return s && typeof s === 'object' ? (s as Spec) : {};
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

function list(v: unknown): Spec[] {
  return Array.isArray(v) ? (v as Spec[]) : [];
}

function portRange(v: unknown, path: string): FieldError[] {
  if (typeof v !== 'number') return [required(path)];
  if (v < 1) return [invalid(path, v, `${path} in body should be greater than or equal to 1`)];
  if (v > 65535) return [invalid(path, v, `${path} in body should be less than or equal to 65535`)];
  return [];
}

function hostname(h: string, path: string): FieldError[] {
  const msgs = h.startsWith('*.') ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
  return msgs.map((msg) => invalid(path, h, msg));
}

const CONTROLLER = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

export function validateGatewayClass(gc: KubeObject): FieldError[] {
  const errs = validateObjectMeta(gc.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const controller = str(specOf(gc).controllerName);
  if (!controller) errs.push(required('spec.controllerName'));
  else if (!CONTROLLER.test(controller)) errs.push(invalid('spec.controllerName', controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
  return errs;
}

export function validateGateway(gw: KubeObject): FieldError[] {
  const errs = validateObjectMeta(gw.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = specOf(gw);
  if (!str(spec.gatewayClassName)) errs.push(required('spec.gatewayClassName'));
  const listeners = list(spec.listeners);
  if (listeners.length === 0) errs.push(required('spec.listeners'));
  if (listeners.length > 64) errs.push(tooMany('spec.listeners', listeners.length, 64));
  const names = new Set<string>();
  listeners.forEach((l, i) => {
    const p = index('spec.listeners', i);
    const name = str(l.name);
    if (!name) errs.push(required(child(p, 'name')));
    else {
      errs.push(...isDNS1123Subdomain(name).map((msg) => invalid(child(p, 'name'), name, msg)));
      if (names.has(name)) errs.push(duplicate(child(p, 'name'), name));
      names.add(name);
    }
    errs.push(...portRange(l.port, child(p, 'port')));
    if (!str(l.protocol)) errs.push(required(child(p, 'protocol')));
    if (str(l.hostname)) errs.push(...hostname(str(l.hostname), child(p, 'hostname')));
  });
  return errs;
}

const PATH_MATCH_TYPES = ['Exact', 'PathPrefix', 'RegularExpression'];

export function validateHTTPRoute(route: KubeObject): FieldError[] {
  const errs = validateObjectMeta(route.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = specOf(route);
  list(spec.parentRefs).forEach((ref, i) => {
    if (!str(ref.name)) errs.push(required(child(index('spec.parentRefs', i), 'name')));
  });
  (Array.isArray(spec.hostnames) ? (spec.hostnames as unknown[]) : []).forEach((h, i) => errs.push(...hostname(str(h), index('spec.hostnames', i))));
  const rules = list(spec.rules);
  if (rules.length > 16) errs.push(tooMany('spec.rules', rules.length, 16));
  rules.forEach((rule, i) => {
    const rp = index('spec.rules', i);
    list(rule.matches).forEach((m, j) => {
      const path = m.path as Spec | undefined;
      if (!path) return;
      const pp = child(index(child(rp, 'matches'), j), 'path');
      const type = str(path.type) || 'PathPrefix';
      if (!PATH_MATCH_TYPES.includes(type)) errs.push(notSupported(child(pp, 'type'), type, PATH_MATCH_TYPES));
      const value = path.value === undefined ? '/' : str(path.value);
      if (type !== 'RegularExpression' && !value.startsWith('/')) errs.push(invalid(child(pp, 'value'), value, 'value must be an absolute path and start with \'/\' when type one of [\'Exact\', \'PathPrefix\']'));
    });
    list(rule.backendRefs).forEach((b, j) => {
      const bp = index(child(rp, 'backendRefs'), j);
      if (!str(b.name)) errs.push(required(child(bp, 'name')));
      const kind = str(b.kind) || 'Service';
      if (kind === 'Service' && b.port === undefined) errs.push(required(child(bp, 'port'), 'Must have port for Service reference'));
      if (b.port !== undefined) errs.push(...portRange(b.port, child(bp, 'port')));
    });
  });
  return errs;
}

export function validateGatewayAPIUpdate(obj: KubeObject, old: KubeObject, validate: (o: KubeObject) => FieldError[]): FieldError[] {
  return [...validateObjectMetaUpdate(obj.metadata, old.metadata), ...validate(obj)];
}
