// networking.k8s.io/v1 Ingress and IngressClass (upstream pkg/apis/networking/validation).
import type { Ingress, IngressClass } from '../types.js';
import type { IngressBackend } from 'kubernetes-types/networking/v1.js';
import { tryParseIP } from '../ip.js';
import { child, forbidden, goText, immutable, index, invalid, notSupported, required, tooLong, type FieldError } from './field.js';
import { validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import {
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
} from './names.js';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];

function validateIngressBackend(b: IngressBackend, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (b.resource && b.service) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (b.resource) {
    const r = b.resource;
    if (r.apiGroup !== undefined) errs.push(...isDNS1123Subdomain(r.apiGroup).map((msg) => invalid(child(path, 'resource', 'apiGroup'), r.apiGroup, msg)));
    if (!r.kind) errs.push(required(child(path, 'resource', 'kind')));
    if (!r.name) errs.push(required(child(path, 'resource', 'name')));
    return errs;
  }
  if (!b.service) return [invalid(path, '', 'resource or service backend is required')];
  const svc = b.service;
  if (!svc.name) errs.push(required(child(path, 'service', 'name')));
  else errs.push(...nameIsDNS1035Label(svc.name, false).map((msg) => invalid(child(path, 'service', 'name'), svc.name, msg)));
  const name = svc.port?.name ?? '';
  const number = svc.port?.number ?? 0;
  if (name && number) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (name) errs.push(...isValidPortName(name).map((msg) => invalid(child(path, 'service', 'port', 'name'), name, msg)));
  else if (number) errs.push(...isValidPortNum(number).map((msg) => invalid(child(path, 'service', 'port', 'number'), number, msg)));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validateHost(host: string, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (tryParseIP(host)) errs.push(invalid(path, host, 'must be a DNS name, not an IP address'));
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  errs.push(...msgs.map((msg) => invalid(path, host, msg)));
  return errs;
}

export function validateIngress(ing: Ingress): FieldError[] {
  const errs = validateObjectMeta(ing.metadata, { namespaced: true, name: nameIsDNSSubdomain });
  const spec = ing.spec ?? {};
  const rules = spec.rules ?? [];
  if (rules.length === 0 && !spec.defaultBackend) {
    errs.push(invalid('spec', goText(spec.rules ? '[]networking.IngressRule{}' : '[]networking.IngressRule(nil)'), 'either `defaultBackend` or `rules` must be specified'));
  }
  if (spec.defaultBackend) errs.push(...validateIngressBackend(spec.defaultBackend, 'spec.defaultBackend'));
  rules.forEach((rule, i) => {
    const rp = index('spec.rules', i);
    if (rule.host) errs.push(...validateHost(rule.host, child(rp, 'host')));
    if (!rule.http) return;
    const paths = rule.http.paths ?? [];
    if (paths.length === 0) errs.push(required(child(rp, 'http', 'paths')));
    paths.forEach((p, j) => {
      const pp = index(child(rp, 'http', 'paths'), j);
      if (!p.pathType) {
        errs.push(required(child(pp, 'pathType'), 'pathType must be specified'));
        return;
      }
      const value = p.path ?? '';
      if (p.pathType === 'Exact' || p.pathType === 'Prefix') {
        if (!value.startsWith('/')) errs.push(invalid(child(pp, 'path'), value, 'must be an absolute path'));
        if (value) {
          for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(invalid(child(pp, 'path'), value, `must not contain '${seq}'`));
          for (const suf of INVALID_PATH_SUFFIXES) if (value.endsWith(suf)) errs.push(invalid(child(pp, 'path'), value, `cannot end with '${suf}'`));
        }
      } else if (p.pathType === 'ImplementationSpecific') {
        if (value && !value.startsWith('/')) errs.push(invalid(child(pp, 'path'), value, 'must be an absolute path'));
      } else {
        errs.push(notSupported(child(pp, 'pathType'), p.pathType, PATH_TYPES));
      }
      errs.push(...validateIngressBackend(p.backend ?? {}, child(pp, 'backend')));
    });
  });
  (spec.tls ?? []).forEach((tls, i) => {
    const tp = index('spec.tls', i);
    (tls.hosts ?? []).forEach((host, j) => {
      const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
      errs.push(...msgs.map((msg) => invalid(index(child(tp, 'hosts'), j), host, msg)));
    });
    if (tls.secretName) errs.push(...nameIsDNSSubdomain(tls.secretName, false).map((msg) => invalid(child(tp, 'secretName'), tls.secretName, msg)));
  });
  if (spec.ingressClassName !== undefined) {
    errs.push(...nameIsDNSSubdomain(spec.ingressClassName, false).map((msg) => invalid('spec.ingressClassName', spec.ingressClassName, msg)));
  }
  const annotated = ing.metadata?.annotations?.['kubernetes.io/ingress.class'];
  if (annotated !== undefined && spec.ingressClassName !== undefined && annotated !== spec.ingressClassName) {
    // Upstream builds this path without "metadata.".
    errs.push(invalid('annotations.kubernetes.io/ingress.class', annotated, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

const HTTP_PATH = /^[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/;

export function validateIngressClass(ic: IngressClass): FieldError[] {
  const errs = validateObjectMeta(ic.metadata, { namespaced: false, name: nameIsDNSSubdomain });
  const controller = ic.spec?.controller ?? '';
  if (!controller) errs.push(required('spec.controller'));
  else {
    if (controller.length > 250) errs.push(tooLong('spec.controller', 250));
    const slash = controller.indexOf('/');
    const host = slash < 0 ? '' : controller.slice(0, slash);
    const rest = slash < 0 ? '' : controller.slice(slash + 1);
    if (!host || !rest) errs.push(invalid('spec.controller', controller, 'must be a domain-prefixed path (such as "acme.io/foo")'));
    else {
      errs.push(...isDNS1123Subdomain(host).map((msg) => invalid('spec.controller', host, msg)));
      if (!HTTP_PATH.test(rest)) {
        errs.push(invalid('spec.controller', rest, "Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"));
      }
    }
  }
  const params = ic.spec?.parameters;
  if (params) {
    const p = 'spec.parameters';
    if (!params.kind) errs.push(required(child(p, 'kind')));
    if (!params.name) errs.push(required(child(p, 'name')));
    if (params.scope === undefined) errs.push(required(child(p, 'scope')));
    else if (params.scope !== 'Cluster' && params.scope !== 'Namespace') errs.push(notSupported(child(p, 'scope'), params.scope, ['Cluster', 'Namespace']));
    else if (params.scope === 'Namespace') {
      if (params.namespace === undefined) errs.push(required(child(p, 'namespace'), "`parameters.scope` is set to 'Namespace'"));
      else errs.push(...nameIsDNSLabel(params.namespace, false).map((msg) => invalid(child(p, 'namespace'), params.namespace, msg)));
    } else if (params.namespace !== undefined) errs.push(forbidden(child(p, 'namespace'), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

export function validateIngressUpdate(ing: Ingress, old: Ingress): FieldError[] {
  return [...validateObjectMetaUpdate(ing.metadata, old.metadata), ...validateIngress(ing)];
}

export function validateIngressClassUpdate(ic: IngressClass, old: IngressClass): FieldError[] {
  return [
    ...validateObjectMetaUpdate(ic.metadata, old.metadata),
    ...immutable('spec.controller', ic.spec?.controller, old.spec?.controller, ic.spec?.controller ?? ''),
    ...validateIngressClass(ic),
  ];
}
