// Pod and PodSpec validation (upstream ValidatePodCreate/ValidatePodSpec/ValidatePodUpdate), limited
// to what podnet runs: containers, ports, probes, restart and DNS policy, DNS config, scheduling names.
import type { Container, ContainerPort, Pod, PodDNSConfig, PodSpec, PodTemplateSpec, Probe } from 'kubernetes-types/core/v1.js';
import { child, deepEqual, duplicate, forbidden, index, invalid, notFound, notSupported, required, type FieldError } from './field.js';
import { validateAnnotations, validateLabels, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortName, isValidPortNum, nameIsDNSSubdomain } from './names.js';
import { validatePortNumOrName, validateProtocol } from './ports.js';

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['File', 'FallbackToLogsOnError'];
const SCHEMES = ['HTTP', 'HTTPS'];
const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;
const MAX_SEARCH_CHARS = 2048;
const NEGATIVE = 'must be greater than or equal to 0';

function nonNegative(value: number | undefined, path: string): FieldError[] {
  return value !== undefined && value < 0 ? [invalid(path, value, NEGATIVE)] : [];
}

function validateContainerPorts(ports: readonly ContainerPort[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((p, i) => {
    const pp = index(path, i);
    if (p.name) {
      const msgs = isValidPortName(p.name);
      if (msgs.length) errs.push(...msgs.map((msg) => invalid(child(pp, 'name'), p.name, msg)));
      else if (names.has(p.name)) errs.push(duplicate(child(pp, 'name'), p.name));
      else names.add(p.name);
    }
    if (!p.containerPort) errs.push(required(child(pp, 'containerPort')));
    else errs.push(...isValidPortNum(p.containerPort).map((msg) => invalid(child(pp, 'containerPort'), p.containerPort, msg)));
    if (p.hostPort) errs.push(...isValidPortNum(p.hostPort).map((msg) => invalid(child(pp, 'hostPort'), p.hostPort, msg)));
    errs.push(...validateProtocol(p.protocol, child(pp, 'protocol')));
  });
  return errs;
}

function validateProbe(probe: Probe | undefined, path: string): FieldError[] {
  if (!probe) return [];
  const errs: FieldError[] = [];
  let handlers = 0;
  const one = (name: string, check: () => FieldError[]) => {
    if (handlers > 0) errs.push(forbidden(child(path, name), 'may not specify more than 1 handler type'));
    else {
      handlers++;
      errs.push(...check());
    }
  };
  if (probe.exec) one('exec', () => ((probe.exec!.command ?? []).length === 0 ? [required(child(path, 'exec', 'command'))] : []));
  if (probe.httpGet)
    one('httpGet', () => {
      const h = probe.httpGet!;
      const p = child(path, 'httpGet');
      const e: FieldError[] = [];
      if (!h.path) e.push(required(child(p, 'path')));
      e.push(...validatePortNumOrName(h.port, child(p, 'port')));
      if (!SCHEMES.includes(h.scheme ?? '')) e.push(notSupported(child(p, 'scheme'), h.scheme ?? '', SCHEMES));
      for (const header of h.httpHeaders ?? []) {
        if (!/^[-A-Za-z0-9]+$/.test(header.name ?? '')) {
          e.push(invalid(child(p, 'httpHeaders'), header.name ?? '', "a valid HTTP header must consist of alphanumeric characters or '-' (e.g. 'X-Header-Name', regex used for validation is '[-A-Za-z0-9]+')"));
        }
      }
      return e;
    });
  if (probe.tcpSocket) one('tcpSocket', () => validatePortNumOrName(probe.tcpSocket!.port, child(path, 'tcpSocket', 'port')));
  if (probe.grpc)
    one('grpc', () => isValidPortNum(probe.grpc!.port).map((msg) => invalid(child(path, 'grpc', 'port'), probe.grpc!.port, msg)));
  if (handlers === 0) errs.push(required(path, 'must specify a handler type'));
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    errs.push(...nonNegative(probe[f], child(path, f)));
  }
  if (probe.terminationGracePeriodSeconds !== undefined && probe.terminationGracePeriodSeconds <= 0) {
    errs.push(invalid(child(path, 'terminationGracePeriodSeconds'), probe.terminationGracePeriodSeconds, 'must be greater than 0'));
  }
  return errs;
}

/** Upstream validateContainerCommon: what every container kind shares. */
function validateContainerCommon(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(required(child(path, 'name')));
  else errs.push(...isDNS1123Label(c.name).map((msg) => invalid(child(path, 'name'), c.name, msg)));
  if (!c.image) errs.push(required(child(path, 'image')));
  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(required(child(path, 'terminationMessagePolicy')));
  else if (!TERMINATION_MESSAGE_POLICIES.includes(tmp)) errs.push(notSupported(child(path, 'terminationMessagePolicy'), tmp, TERMINATION_MESSAGE_POLICIES));
  errs.push(...validateContainerPorts(c.ports ?? [], child(path, 'ports')));
  (c.env ?? []).forEach((e, i) => {
    if (!e.name) errs.push(required(child(index(child(path, 'env'), i), 'name')));
  });
  if (!c.imagePullPolicy) errs.push(required(child(path, 'imagePullPolicy')));
  else if (!PULL_POLICIES.includes(c.imagePullPolicy)) errs.push(notSupported(child(path, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  return errs;
}

/** Liveness, readiness and startup probes, each followed by its own extra rule, in upstream's order. */
function validateProbes(c: Container, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateProbe(c.livenessProbe, child(path, 'livenessProbe')));
  if (c.livenessProbe && (c.livenessProbe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(child(path, 'livenessProbe', 'successThreshold'), c.livenessProbe.successThreshold ?? 0, 'must be 1'));
  }
  errs.push(...validateProbe(c.readinessProbe, child(path, 'readinessProbe')));
  if (c.readinessProbe?.terminationGracePeriodSeconds !== undefined) {
    errs.push(invalid(child(path, 'readinessProbe', 'terminationGracePeriodSeconds'), c.readinessProbe.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  errs.push(...validateProbe(c.startupProbe, child(path, 'startupProbe')));
  if (c.startupProbe && (c.startupProbe.successThreshold ?? 0) !== 1) {
    errs.push(invalid(child(path, 'startupProbe', 'successThreshold'), c.startupProbe.successThreshold ?? 0, 'must be 1'));
  }
  return errs;
}

/** Host ports may not collide; the key is upstream's "protocol/hostIP/port". */
function hostPortConflicts(containers: readonly Container[], path: string, seen = new Set<string>()): FieldError[] {
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((p, pi) => {
      if (!p.hostPort) return;
      const k = `${p.protocol ?? ''}/${p.hostIP ?? ''}/${p.hostPort}`;
      if (seen.has(k)) errs.push(duplicate(child(index(child(index(path, ci), 'ports'), pi), 'hostPort'), k));
      else seen.add(k);
    });
  });
  return errs;
}

function validateContainers(containers: readonly Container[], path: string): FieldError[] {
  if (containers.length === 0) return [required(path)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  containers.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, p));
    if (names.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name));
    else names.add(c.name);
    errs.push(...validateProbes(c, p));
    if (c.restartPolicy !== undefined) errs.push(forbidden(child(p, 'restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...hostPortConflicts(containers, path));
  return errs;
}

function validateInitContainers(inits: readonly Container[], regular: readonly Container[], path: string): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => c.name));
  inits.forEach((c, i) => {
    const p = index(path, i);
    errs.push(...validateContainerCommon(c, p));
    const restartAlways = c.restartPolicy === 'Always';
    if (c.restartPolicy !== undefined && !restartAlways) errs.push(notSupported(child(p, 'restartPolicy'), c.restartPolicy, ['Always']));
    if (names.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name));
    else if (c.name) names.add(c.name);
    // Init containers run one by one, so only ports within one of them can collide.
    errs.push(...hostPortConflicts([c], path));
    if (restartAlways) errs.push(...validateProbes(c, p));
    else
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[f]) errs.push(forbidden(child(p, f), 'may not be set for init containers without restartPolicy=Always'));
      }
  });
  return errs;
}

function validateDNSConfig(cfg: PodDNSConfig | undefined, policy: string | undefined, path: string): FieldError[] {
  if (policy === 'None') {
    if (!cfg) return [required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((cfg.nameservers ?? []).length === 0) return [required(child(path, 'nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return [];
  const errs: FieldError[] = [];
  const ns = cfg.nameservers ?? [];
  if (ns.length > MAX_NAMESERVERS) errs.push(invalid(child(path, 'nameservers'), ns, `must not have more than ${MAX_NAMESERVERS} nameservers`));
  ns.forEach((ip, i) => errs.push(...isValidIP(ip).map((msg) => invalid(index(child(path, 'nameservers'), i), ip, msg))));
  const searches = cfg.searches ?? [];
  if (searches.length > MAX_SEARCHES) errs.push(invalid(child(path, 'searches'), searches, `must not have more than ${MAX_SEARCHES} search paths`));
  if (searches.join(' ').length > MAX_SEARCH_CHARS) {
    errs.push(invalid(child(path, 'searches'), searches, `must not have more than ${MAX_SEARCH_CHARS} characters (including spaces) in the search list`));
  }
  searches.forEach((s, i) => {
    // A trailing dot (fully qualified) is fine.
    const name = s.replace(/\.$/, '');
    errs.push(...isDNS1123Subdomain(name).map((msg) => invalid(index(child(path, 'searches'), i), name, msg)));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if (!o.name) errs.push(required(index(child(path, 'options'), i), 'must not be empty'));
  });
  return errs;
}

/** With the host's network a Pod's hostPort must equal containerPort; a template may leave it 0 (defaulted later). */
function validateHostNetworkPorts(spec: PodSpec, path: string, isPod: boolean): FieldError[] {
  if (!spec.hostNetwork) return [];
  const errs: FieldError[] = [];
  (spec.containers ?? []).forEach((c, ci) => {
    (c.ports ?? []).forEach((p, pi) => {
      const hp = p.hostPort ?? 0;
      if ((isPod || hp !== 0) && hp !== p.containerPort) {
        errs.push(invalid(child(index(child(index(child(path, 'containers'), ci), 'ports'), pi), 'hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
      }
    });
  });
  return errs;
}

export function validatePodSpec(spec: PodSpec | undefined, path: string, isPod = true): FieldError[] {
  const s = spec ?? ({} as PodSpec);
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined) errs.push(required(child(path, 'terminationGracePeriodSeconds')));
  errs.push(...validateContainers(s.containers ?? [], child(path, 'containers')));
  errs.push(...validateInitContainers(s.initContainers ?? [], s.containers ?? [], child(path, 'initContainers')));
  errs.push(...validateHostNetworkPorts(s, path, isPod));
  const rp = s.restartPolicy;
  if (!rp) errs.push(required(child(path, 'restartPolicy')));
  else if (!RESTART_POLICIES.includes(rp)) errs.push(notSupported(child(path, 'restartPolicy'), rp, RESTART_POLICIES));
  const dp = s.dnsPolicy;
  if (!dp) errs.push(required(child(path, 'dnsPolicy')));
  else if (!DNS_POLICIES.includes(dp)) errs.push(notSupported(child(path, 'dnsPolicy'), dp, DNS_POLICIES));
  if (s.nodeSelector) errs.push(...validateLabels(s.nodeSelector, child(path, 'nodeSelector')));
  errs.push(...validateDNSConfig(s.dnsConfig, dp, child(path, 'dnsConfig')));
  const subdomainName = (f: 'serviceAccountName' | 'nodeName') => {
    const v = s[f];
    if (v) errs.push(...nameIsDNSSubdomain(v, false).map((msg) => invalid(child(path, f), v, msg)));
  };
  subdomainName('serviceAccountName');
  subdomainName('nodeName');
  if (s.activeDeadlineSeconds !== undefined && !(s.activeDeadlineSeconds >= 1 && s.activeDeadlineSeconds <= 2147483647)) {
    errs.push(invalid(child(path, 'activeDeadlineSeconds'), s.activeDeadlineSeconds, 'must be between 1 and 2147483647, inclusive'));
  }
  for (const f of ['hostname', 'subdomain'] as const) {
    const v = s[f];
    if (v) errs.push(...isDNS1123Label(v).map((msg) => invalid(child(path, f), v, msg)));
  }
  if (s.priorityClassName) errs.push(...nameIsDNSSubdomain(s.priorityClassName, false).map((msg) => invalid(child(path, 'priorityClassName'), s.priorityClassName, msg)));
  return errs;
}

/** A pod template (Deployments, ReplicaSets, …): labels, annotations and the PodSpec. */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(t?.metadata?.labels, child(path, 'metadata', 'labels')));
  errs.push(...validateAnnotations(t?.metadata?.annotations, child(path, 'metadata', 'annotations')));
  errs.push(...validatePodSpec(t?.spec, child(path, 'spec'), false));
  return errs;
}

export function validatePod(pod: Pod): FieldError[] {
  return [...validateObjectMeta(pod.metadata, { namespaced: true, name: nameIsDNSSubdomain }), ...validatePodSpec(pod.spec, 'spec')];
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/**
 * Pod spec is immutable apart from images, activeDeadlineSeconds and added tolerations. nodeName
 * may go from unset to set once (podnet's scheduler binds by update); after that it is immutable.
 */
export function validatePodUpdate(pod: Pod, old: Pod, subresource?: string): FieldError[] {
  if (subresource === 'ephemeralcontainers') return validateEphemeralContainersUpdate(pod, old);
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const spec = pod.spec ?? ({} as PodSpec);
  const ospec = old.spec ?? ({} as PodSpec);
  if (ospec.nodeName && spec.nodeName !== ospec.nodeName) errs.push(invalid('spec.nodeName', spec.nodeName ?? '', 'field is immutable'));
  const mask = (s: PodSpec): unknown => ({
    ...s,
    nodeName: undefined,
    activeDeadlineSeconds: undefined,
    tolerations: undefined,
    terminationGracePeriodSeconds: undefined,
    containers: (s.containers ?? []).map((c) => ({ ...c, image: undefined })),
    initContainers: (s.initContainers ?? []).map((c) => ({ ...c, image: undefined })),
  });
  if (!deepEqual(mask(spec), mask(ospec))) errs.push(forbidden('spec', POD_UPDATE_FORBIDDEN));
  return [...errs, ...validatePod(pod)];
}


/** Fields an ephemeral (debug) container may not set, in upstream's order. */
const EPHEMERAL_FORBIDDEN = ['lifecycle', 'livenessProbe', 'readinessProbe', 'resources', 'resizePolicy', 'startupProbe'] as const;

/**
 * The `ephemeralcontainers` subresource (`kubectl debug`): debug containers may be added, never
 * changed or removed; each is a container without ports, probes, lifecycle or resources, named
 * unlike every other container of the pod.
 */
export function validateEphemeralContainersUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  const path = 'spec.ephemeralContainers';
  const list = pod.spec?.ephemeralContainers ?? [];
  const before = new Map((old.spec?.ephemeralContainers ?? []).map((c) => [c.name, c]));
  const names = new Set([...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.name));
  for (const name of before.keys()) {
    if (!list.some((c) => c.name === name)) errs.push(forbidden(path, `existing ephemeral containers "${name}" may not be removed`));
  }
  list.forEach((c, i) => {
    const p = index(path, i);
    const prev = before.get(c.name);
    if (prev) {
      if (!deepEqual(prev, c)) errs.push(forbidden(p, `existing ephemeral containers "${c.name}" may not be changed`));
      return;
    }
    errs.push(...validateContainerCommon(c as Container, p));
    if (names.has(c.name)) errs.push(duplicate(child(p, 'name'), c.name));
    names.add(c.name);
    if ((c.ports ?? []).length > 0) errs.push(forbidden(child(p, 'ports'), 'cannot be set for an Ephemeral Container'));
    // kubectl sends `resources: {}`: only a value with content counts as set.
    const set = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'object' && Object.keys(v).length === 0) && !(Array.isArray(v) && v.length === 0);
    for (const f of EPHEMERAL_FORBIDDEN) if (set(c[f])) errs.push(forbidden(child(p, f), 'cannot be set for an Ephemeral Container'));
    if (c.targetContainerName !== undefined && !(pod.spec?.containers ?? []).concat(pod.spec?.initContainers ?? []).some((x) => x.name === c.targetContainerName)) {
      errs.push(notFound(child(p, 'targetContainerName'), c.targetContainerName));
    }
  });
  return errs;
}
