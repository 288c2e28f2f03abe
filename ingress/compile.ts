// planRoutes: objects in, a routing table + events + status updates out. Pure apart from
// compiling regexes; the server runs it off to the side and swaps the result in atomically.
import type { EndpointSlice, Ingress, IngressClass, Secret, Service } from '../api/types.js';
import type { ObjectMeta } from '../api/types.js';

/** Anything with kind and metadata: what events are about. */
export type Described = { apiVersion?: string; kind?: string; metadata?: ObjectMeta };
import { parsePolicy, type Policy } from './annotations.js';
import { indexServices, resolveBackend, type ResolvedBackend, type ServiceIndex, type ServiceRef } from './backends.js';
import { ownership } from './class.js';
import { compileGateways, type GatewayObjects, type StatusUpdate } from './gateway.js';
import { parseHtpasswd, type Htpasswd } from './htpasswd.js';
import { compileRegexPath, normalizePrefix, type PathKind } from './paths.js';
import { TableBuilder, type Owner, type Route, type RouteTable } from './table.js';

export interface PlanEvent {
  readonly object: Described;
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface LoadBalancerIngress {
  readonly ip?: string;
  readonly hostname?: string;
}

export interface RouteInputs extends GatewayObjects {
  readonly ingresses: readonly Ingress[];
  readonly ingressClasses: readonly IngressClass[];
  readonly services: readonly Service[];
  readonly slices: readonly EndpointSlice[];
  readonly secrets: readonly Secret[];
  readonly className?: string;
  /** The controller's own default backend ("ns/name:port"), used when nothing else matches. */
  readonly defaultBackend?: ServiceRef;
  /** What our Ingresses' status.loadBalancer.ingress should say; undefined = leave status alone. */
  readonly statusAddresses?: readonly LoadBalancerIngress[];
}

export interface IngressStatusUpdate {
  readonly ingress: Ingress;
  readonly loadBalancer: readonly LoadBalancerIngress[];
}

export interface RoutePlan {
  readonly table: RouteTable;
  readonly events: readonly PlanEvent[];
  readonly ingressStatus: readonly IngressStatusUpdate[];
  readonly gatewayStatus: readonly StatusUpdate[];
  /** Ingresses we serve, "ns/name". */
  readonly served: readonly string[];
}

function byAge(a: Described, b: Described): number {
  const ta = a.metadata?.creationTimestamp ?? '';
  const tb = b.metadata?.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const ka = `${a.metadata?.namespace}/${a.metadata?.name}`;
  const kb = `${b.metadata?.namespace}/${b.metadata?.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function secretData(secret: Secret | undefined, key: string): string | undefined {
  const b64 = secret?.data?.[key];
  if (b64 !== undefined) return Buffer.from(b64, 'base64').toString();
  return secret?.stringData?.[key];
}

function sameLB(a: readonly LoadBalancerIngress[] | undefined, b: readonly LoadBalancerIngress[]): boolean {
  const norm = (l: readonly LoadBalancerIngress[]): string => JSON.stringify(l.map((x) => [x.ip ?? '', x.hostname ?? '']).sort());
  return norm(a ?? []) === norm(b);
}

export function controllerRoute(backend: ResolvedBackend, policy: Policy): Route {
  return { id: 'controller/default', owner: { kind: 'Controller', namespace: backend.namespace, name: backend.service }, kind: 'Prefix', path: '', backends: [{ backend, weight: 1 }], canaries: [], policy, filters: [] };
}

export function planRoutes(input: RouteInputs): RoutePlan {
  const events: PlanEvent[] = [];
  const ingressStatus: IngressStatusUpdate[] = [];
  const served: string[] = [];
  const b = new TableBuilder();
  const index: ServiceIndex = indexServices(input.services, input.slices);
  const secrets = new Map(input.secrets.map((s) => [`${s.metadata?.namespace ?? 'default'}/${s.metadata?.name}`, s]));
  const ours = ownership(input.ingressClasses, input.className);
  const warn = (object: Described, reason: string, message: string): void => {
    events.push({ object, type: 'Warning', reason, message });
  };

  const resolved = new Map<string, ResolvedBackend>();
  const mine = input.ingresses.filter(ours).slice().sort(byAge);
  const canaries: { ing: Ingress; policy: Policy }[] = [];
  for (const ing of mine) {
    const ns = ing.metadata?.namespace ?? 'default';
    const name = ing.metadata?.name ?? '';
    const { policy, problems, refused } = parsePolicy(ing.metadata?.annotations);
    for (const p of problems) warn(ing, p.reason, p.message);
    if (input.statusAddresses && !refused) {
      const cur = ing.status?.loadBalancer?.ingress as LoadBalancerIngress[] | undefined;
      if (!sameLB(cur, input.statusAddresses)) ingressStatus.push({ ingress: ing, loadBalancer: input.statusAddresses });
    }
    if (refused) continue;
    served.push(`${ns}/${name}`);
    if (policy.canary) {
      canaries.push({ ing, policy });
      continue;
    }
    compileIngress(ing, policy, { b, index, secrets, warn, events, resolved });
  }
  for (const { ing, policy } of canaries) attachCanary(ing, policy, { b, index, secrets, warn, events, resolved });

  if (input.defaultBackend && !b.defaultRoute) {
    b.defaultRoute = controllerRoute(resolveBackend(index, input.defaultBackend), parsePolicy({}).policy);
  }
  const gatewayStatus = compileGateways(input, { b, index, secrets });
  return { table: b.build(), events, ingressStatus, gatewayStatus, served };
}

interface Ctx {
  readonly b: TableBuilder;
  readonly index: ServiceIndex;
  readonly secrets: ReadonlyMap<string, Secret>;
  readonly warn: (o: Described, reason: string, message: string) => void;
  readonly events: PlanEvent[];
  readonly resolved: Map<string, ResolvedBackend>;
}

type IngressBackend = NonNullable<NonNullable<Ingress['spec']>['defaultBackend']>;

function backendOf(ing: Ingress, be: IngressBackend, ctx: Ctx): ResolvedBackend | undefined {
  const ns = ing.metadata?.namespace ?? 'default';
  if (be.resource) {
    ctx.warn(ing, 'ResourceBackendRefused', `ingress: resource backend "${be.resource.kind}/${be.resource.name}" is not supported; only Service backends are`);
    return undefined;
  }
  if (!be.service) return undefined;
  // Many paths share one Service: resolve each (service, port) once per compile.
  const key = `${ns}/${be.service.name}:${be.service.port?.number ?? ''}:${be.service.port?.name ?? ''}`;
  let backend = ctx.resolved.get(key);
  if (!backend) {
    backend = resolveBackend(ctx.index, { namespace: ns, name: be.service.name, port: { number: be.service.port?.number, name: be.service.port?.name } });
    ctx.resolved.set(key, backend);
  }
  return backend;
}

function usersFor(ing: Ingress, policy: Policy, ctx: Ctx): Htpasswd | undefined {
  if (!policy.auth) return undefined;
  const ns = ing.metadata?.namespace ?? 'default';
  const ref = policy.auth.secret.includes('/') ? policy.auth.secret : `${ns}/${policy.auth.secret}`;
  const text = secretData(ctx.secrets.get(ref), 'auth');
  if (text === undefined) {
    ctx.warn(ing, 'AuthSecretMissing', `ingress: auth-secret "${ref}" not found or has no "auth" key; every request is denied`);
    return new Map();
  }
  const { users, unsupported } = parseHtpasswd(text);
  if (unsupported.length > 0) ctx.warn(ing, 'InvalidAnnotation', `ingress: auth-secret "${ref}" uses bcrypt for users ${unsupported.map((u) => `"${u}"`).join(', ')}, which is not supported`);
  return users;
}

function pathKind(pathType: string | undefined, policy: Policy): PathKind {
  if (pathType === 'Exact') return 'Exact';
  return policy.useRegex ? 'Regex' : 'Prefix';
}

function compileIngress(ing: Ingress, policy: Policy, ctx: Ctx): void {
  const ns = ing.metadata?.namespace ?? 'default';
  const name = ing.metadata?.name ?? '';
  const owner: Owner = { kind: 'Ingress', namespace: ns, name };
  const users = usersFor(ing, policy, ctx);
  const hosts = new Set<string>();

  for (const t of ing.spec?.tls ?? []) {
    const secret = t.secretName ? ctx.secrets.get(`${ns}/${t.secretName}`) : undefined;
    const cert = secretData(secret, 'tls.crt');
    const key = secretData(secret, 'tls.key');
    if (t.secretName && (!cert || !key)) ctx.warn(ing, 'TLSSecretMissing', `ingress: TLS secret "${ns}/${t.secretName}" not found or lacks tls.crt/tls.key; the default certificate is served`);
    for (const h of t.hosts ?? []) {
      const host = h.toLowerCase();
      ctx.b.host(host).tls = true;
      if (cert && key && !ctx.b.certs.has(host)) ctx.b.certs.set(host, { cert, key });
    }
  }

  let n = 0;
  for (const rule of ing.spec?.rules ?? []) {
    const host = (rule.host ?? '').toLowerCase();
    hosts.add(host);
    for (const p of rule.http?.paths ?? []) {
      const idx = n++;
      const backend = backendOf(ing, p.backend, ctx);
      if (!backend) continue;
      const kind = pathKind(p.pathType, policy);
      const raw = p.path ?? '/';
      let regex: RegExp | undefined;
      if (kind === 'Regex') {
        try {
          regex = compileRegexPath(raw);
        } catch (err) {
          ctx.warn(ing, 'InvalidPath', `ingress: path "${raw}" is not a valid regular expression: ${(err as Error).message}`);
          continue;
        }
      }
      const path = kind === 'Prefix' ? normalizePrefix(raw) : raw;
      ctx.b.host(host);
      ctx.b.add(host, { id: `ing/${ns}/${name}/${idx}`, owner, kind, path, regex, backends: [{ backend, weight: 1 }], canaries: [], policy, filters: [], users });
    }
  }

  const dbe = ing.spec?.defaultBackend;
  if (dbe) {
    const backend = backendOf(ing, dbe, ctx);
    if (backend) {
      const route: Route = { id: `ing/${ns}/${name}/default`, owner, kind: 'Prefix', path: '', backends: [{ backend, weight: 1 }], canaries: [], policy, filters: [], users };
      for (const h of hosts) if (h !== '' && !ctx.b.host(h).defaultRoute) ctx.b.host(h).defaultRoute = route;
      const catchAll = ctx.b.host('');
      if (!catchAll.defaultRoute) catchAll.defaultRoute = route;
    }
  }
}

function attachCanary(ing: Ingress, policy: Policy, ctx: Ctx): void {
  const ns = ing.metadata?.namespace ?? 'default';
  const owner: Owner = { kind: 'Ingress', namespace: ns, name: ing.metadata?.name ?? '' };
  for (const rule of ing.spec?.rules ?? []) {
    const host = (rule.host ?? '').toLowerCase();
    for (const p of rule.http?.paths ?? []) {
      const backend = backendOf(ing, p.backend, ctx);
      if (!backend) continue;
      const kind = pathKind(p.pathType, policy);
      // The main route may be regex or prefix depending on its own Ingress; try both spellings.
      const main = ctx.b.find(host, kind, p.path ?? '/') ?? ctx.b.find(host, kind === 'Regex' ? 'Prefix' : 'Regex', p.path ?? '/');
      if (!main) {
        ctx.warn(ing, 'CanaryWithoutMain', `ingress: canary path "${host}${p.path ?? '/'}" has no main Ingress with the same host and path; ignored`);
        continue;
      }
      main.canaries.push({ owner, policy: policy.canary!, backend });
    }
  }
}
