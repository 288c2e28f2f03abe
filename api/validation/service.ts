// Service validation: upstream ValidateService / ValidateServiceUpdate, plus the NodePort range
// check the allocator does (with its wording), since podnet's range is a parameter.
import type { Service, ServicePort } from '../types.js';
import { child, deepEqual, duplicate, forbidden, goText, index, invalid, notSupported, required, stringList, type FieldError } from './field.js';
import { validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isIPv6, isQualifiedName, isValidCIDR, isValidIP, isValidPortNum, nameIsDNS1035Label } from './names.js';
import { validateNonSpecialIP } from './endpoints.js';
import { validatePortNumOrName, validateProtocol } from './ports.js';

export interface PortRange {
  readonly min: number;
  readonly max: number;
}

export const DEFAULT_NODE_PORT_RANGE: PortRange = { min: 30000, max: 32767 };

const TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const MAX_AFFINITY_SECONDS = 86400;

export function isHeadless(svc: Service): boolean {
  const ips = svc.spec?.clusterIPs ?? [];
  return ips.length === 1 && ips[0] === 'None';
}

function externallyAccessible(svc: Service): boolean {
  const t = svc.spec?.type;
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && (svc.spec?.externalIPs ?? []).length > 0);
}

function servicePortKey(p: ServicePort): string {
  return `core.ServicePort{Name:"", Protocol:${JSON.stringify(p.protocol ?? '')}, AppProtocol:(*string)(nil), Port:${p.port ?? 0}, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}`;
}

function validateServicePort(sp: ServicePort, requireName: boolean, names: Set<string>, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(required(child(path, 'name')));
  else if (sp.name) {
    errs.push(...isDNS1123Label(sp.name).map((msg) => invalid(child(path, 'name'), sp.name, msg)));
    if (names.has(sp.name)) errs.push(duplicate(child(path, 'name'), sp.name));
    else names.add(sp.name);
  }
  const port = sp.port ?? 0;
  errs.push(...isValidPortNum(port).map((msg) => invalid(child(path, 'port'), port, msg)));
  errs.push(...validateProtocol(sp.protocol, child(path, 'protocol')));
  errs.push(...validatePortNumOrName(sp.targetPort, child(path, 'targetPort')));
  if (sp.appProtocol !== undefined) errs.push(...isQualifiedName(sp.appProtocol).map((msg) => invalid(child(path, 'appProtocol'), sp.appProtocol, msg)));
  return errs;
}

function validateClusterIPFields(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  if (spec.type === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = 'spec.clusterIPs';
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP) {
    if (ips.length === 0) errs.push(required(ipsPath));
    else if (ips[0] !== spec.clusterIP) errs.push(invalid(ipsPath, ips, 'first value must match `clusterIP`'));
  } else if (ips.length > 0) {
    errs.push(invalid(ipsPath, ips, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  (spec.ipFamilies ?? []).forEach((f, i) => {
    const p = index('spec.ipFamilies', i);
    if (!IP_FAMILIES.includes(f)) errs.push(notSupported(p, f, IP_FAMILIES));
    if (seen.has(f)) errs.push(duplicate(p, f));
    seen.add(f);
  });
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let badIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        badIPs = true;
        errs.push(invalid(ipsPath, ips, "'None' must be the first and only value"));
      }
      return;
    }
    for (const msg of isValidIP(ip)) {
      badIPs = true;
      errs.push(invalid(index(ipsPath, i), ip, msg));
    }
  });
  if (ips.length > 2) errs.push(invalid(ipsPath, ips, 'may only hold up to 2 values'));
  if (badIPs) return errs;
  if (ips.length > 1 && isIPv6(ips[0]!) === isIPv6(ips[1]!)) errs.push(invalid(ipsPath, ips, 'may specify no more than one IP for each IP family'));
  const families = spec.ipFamilies ?? [];
  if (!isHeadless(svc)) {
    ips.forEach((ip, i) => {
      if (i >= families.length) return;
      if (families[i] === 'IPv4' && isIPv6(ip)) errs.push(invalid(index(ipsPath, i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      if (families[i] === 'IPv6' && !isIPv6(ip)) errs.push(invalid(index(ipsPath, i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
    });
  }
  // podnet's addition: a single-stack policy with two families can never be satisfied.
  if (spec.ipFamilyPolicy === 'SingleStack' && families.length > 1) errs.push(invalid('spec.ipFamilies', families, 'must contain exactly one value when `ipFamilyPolicy` is \'SingleStack\''));
  return errs;
}

function validateAffinity(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const aff = spec.sessionAffinity;
  if (!aff) errs.push(required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(aff)) errs.push(notSupported('spec.sessionAffinity', aff, AFFINITIES));
  const cfgPath = 'spec.sessionAffinityConfig';
  if (aff === 'ClientIP') {
    const cfg = spec.sessionAffinityConfig;
    const why = 'when session affinity type is ClientIP';
    if (!cfg) errs.push(required(cfgPath, why));
    else if (!cfg.clientIP) errs.push(required(child(cfgPath, 'clientIP'), why));
    else if (cfg.clientIP.timeoutSeconds === undefined) errs.push(required(child(cfgPath, 'clientIP', 'timeoutSeconds'), why));
    else {
      const t = cfg.clientIP.timeoutSeconds;
      if (!(t > 0 && t <= MAX_AFFINITY_SECONDS)) errs.push(invalid(child(cfgPath, 'clientIP', 'timeoutSeconds'), t, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`));
    }
  } else if (aff === 'None' && spec.sessionAffinityConfig) {
    errs.push(forbidden(cfgPath, 'must not be set when session affinity is None'));
  }
  return errs;
}

function validateTrafficPolicies(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  if (!externallyAccessible(svc)) {
    if (spec.externalTrafficPolicy) errs.push(invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
  } else if (!spec.externalTrafficPolicy) {
    errs.push(required('spec.externalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)) {
    errs.push(notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
  }
  const needsHealthCheck = spec.type === 'LoadBalancer' && spec.externalTrafficPolicy === 'Local';
  const hc = spec.healthCheckNodePort ?? 0;
  if (!needsHealthCheck) {
    if (hc !== 0) errs.push(invalid('spec.healthCheckNodePort', hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc !== 0) {
    errs.push(...isValidPortNum(hc).map((msg) => invalid('spec.healthCheckNodePort', hc, msg)));
  }
  // Upstream requires healthCheckNodePort here too, but it is allocated by the apiserver after validation.
  if (spec.internalTrafficPolicy === undefined) {
    if (spec.type === 'NodePort' || spec.type === 'LoadBalancer' || spec.type === 'ClusterIP') errs.push(required('spec.internalTrafficPolicy'));
  } else if (!TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (spec.trafficDistribution !== undefined && spec.trafficDistribution !== 'PreferClose') {
    errs.push(notSupported('spec.trafficDistribution', spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

function validateNodePorts(svc: Service, range: PortRange): FieldError[] {
  const spec = svc.spec ?? {};
  const ports = spec.ports ?? [];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  ports.forEach((p, i) => {
    const np = p.nodePort ?? 0;
    if (np === 0) return;
    const path = child(index('spec.ports', i), 'nodePort');
    if (spec.type === 'ClusterIP') errs.push(forbidden(path, "may not be used when `type` is 'ClusterIP'"));
    else if ((spec.type === 'NodePort' || spec.type === 'LoadBalancer') && (np < range.min || np > range.max)) {
      errs.push(invalid(path, np, `provided port is not in the valid range. The range of valid ports is ${range.min}-${range.max}`));
    }
    const key = `${p.protocol}/${np}`;
    if (seen.has(key)) errs.push(duplicate(path, np));
    seen.add(key);
  });
  return errs;
}

export interface ServiceOptions {
  readonly nodePortRange?: PortRange;
}

export function validateService(svc: Service, opts: ServiceOptions = {}): FieldError[] {
  const spec = svc.spec ?? {};
  const errs = validateObjectMeta(svc.metadata, { namespaced: true, name: nameIsDNS1035Label });
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(required('spec.ports'));
  switch (spec.type) {
    case 'LoadBalancer':
      if (isHeadless(svc)) errs.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (isHeadless(svc)) errs.push(invalid('spec.clusterIPs[0]', 'None', "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if ((spec.clusterIPs ?? []).length > 0 || spec.clusterIP) errs.push(forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
      if ((spec.ipFamilies ?? []).length > 0) errs.push(forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
      if (spec.ipFamilyPolicy !== undefined) errs.push(forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
      // A trailing dot marks the CNAME as fully qualified.
      const cname = (spec.externalName ?? '').replace(/\.$/, '');
      if (cname) errs.push(...isDNS1123Subdomain(cname).map((msg) => invalid('spec.externalName', cname, msg)));
      else errs.push(required('spec.externalName'));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, index('spec.ports', i))));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  errs.push(...validateAffinity(svc));
  errs.push(...validateClusterIPFields(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    const msgs = isValidIP(ip);
    if (msgs.length) errs.push(...msgs.map((msg) => invalid(index('spec.externalIPs', i), ip, msg)));
    else errs.push(...validateNonSpecialIP(ip, index('spec.externalIPs', i)));
  });
  if (!spec.type) errs.push(required('spec.type'));
  else if (!TYPES.includes(spec.type)) errs.push(notSupported('spec.type', spec.type, TYPES));
  errs.push(...validateNodePorts(svc, opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE));
  const seenPorts = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${p.protocol}/${p.port}`;
    if (seenPorts.has(key)) errs.push(duplicate(index('spec.ports', i), goText(servicePortKey(p))));
    seenPorts.add(key);
  });
  const ranges = spec.loadBalancerSourceRanges ?? [];
  if (ranges.length > 0) {
    // Upstream spells this path with a capital L.
    const path = 'spec.LoadBalancerSourceRanges';
    if (spec.type !== 'LoadBalancer') errs.push(forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      const v = r.trim();
      errs.push(...isValidCIDR(v).map((msg) => invalid(index(path, i), v, msg)));
    });
  }
  if (spec.allocateLoadBalancerNodePorts !== undefined && spec.type !== 'LoadBalancer') {
    errs.push(forbidden('spec.allocateLoadBalancerNodePorts', "may only be used when `type` is 'LoadBalancer'"));
  }
  if (spec.type === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts === undefined) errs.push(required('allocateLoadBalancerNodePorts'));
  if (spec.loadBalancerClass !== undefined) {
    if (spec.type === 'LoadBalancer') errs.push(...isQualifiedName(spec.loadBalancerClass).map((msg) => invalid('spec.loadBalancerClass', spec.loadBalancerClass, msg)));
    else errs.push(forbidden('spec.loadBalancerClass', "may only be used when `type` is 'LoadBalancer'"));
  }
  errs.push(...validateTrafficPolicies(svc));
  return errs;
}

/** Update rules: clusterIPs and ipFamilies may not change (except to/from ExternalName), loadBalancerClass is fixed. */
export function validateServiceUpdate(svc: Service, old: Service, opts: ServiceOptions = {}): FieldError[] {
  const errs = validateObjectMetaUpdate(svc.metadata, old.metadata);
  const spec = svc.spec ?? {};
  const ospec = old.spec ?? {};
  const external = spec.type === 'ExternalName' || ospec.type === 'ExternalName';
  if (!external && !(isHeadless(svc) && isHeadless(old))) {
    const ips = spec.clusterIPs ?? [];
    const shown = stringList(spec.clusterIPs);
    const oips = ospec.clusterIPs ?? [];
    if (ips.length === oips.length) {
      oips.forEach((ip, i) => {
        if (ip !== ips[i]) errs.push(invalid(index('spec.clusterIPs', i), shown, 'may not change once set'));
      });
    } else if (oips.length > ips.length) {
      if (ips.length === 0) errs.push(invalid('spec.clusterIPs[0]', shown, 'primary clusterIP can not be unset'));
      else if (ips[0] !== oips[0]) errs.push(invalid('spec.clusterIPs[0]', shown, 'may not change once set'));
      if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
        errs.push(invalid('spec.ipFamilyPolicy', spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"));
      }
    } else if (oips.length > 0 && ips[0] !== oips[0]) {
      errs.push(invalid('spec.clusterIPs[0]', shown, 'may not change once set'));
    }
  }
  if (!external && isHeadless(svc) === isHeadless(old) && !isHeadless(svc)) {
    const fams = spec.ipFamilies ?? [];
    const ofams = ospec.ipFamilies ?? [];
    if (fams.length === ofams.length && !deepEqual(fams, ofams)) errs.push(invalid('spec.ipFamilies[0]', stringList(spec.ipFamilies), 'may not change once set'));
    else if (fams.length > 0 && ofams.length > 0 && fams[0] !== ofams[0]) errs.push(invalid('spec.ipFamilies[0]', stringList(spec.clusterIPs), 'may not change once set'));
  }
  if (spec.type === 'LoadBalancer' && ospec.type === 'LoadBalancer' && spec.loadBalancerClass !== ospec.loadBalancerClass) {
    errs.push(invalid('spec.loadBalancerClass', spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  return [...errs, ...validateService(svc, opts)];
}
