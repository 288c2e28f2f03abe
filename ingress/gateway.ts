// Gateway API on the same data path: GatewayClasses with controllerName podnet.dev/gateway,
// their Gateways' HTTP/HTTPS listeners, and HTTPRoutes attached to them compile into the same
// RouteTable the Ingresses do. Statuses (Accepted, Programmed, ResolvedRefs) are computed here
// and written by the server through the status writer.
import type { KubeObject, Secret } from '../api/types.js';
import { resolveBackend, type ServiceIndex } from './backends.js';
import { DEFAULT_POLICY } from './annotations.js';
import { compileRegexPath, normalizePrefix } from './paths.js';
import type { Filter, Owner, PathModifier, TableBuilder, ValueMatch, WeightedBackend } from './table.js';

export const GATEWAY_CONTROLLER = 'podnet.dev/gateway';
const GROUP = 'gateway.networking.k8s.io';

// The Gateway API objects are not in kubernetes-types; these are the fields we read.
/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = KubeObject & { spec?: any; status?: any };

export interface GatewayObjects {
  readonly gatewayClasses?: readonly KubeObject[];
  readonly gateways?: readonly KubeObject[];
  readonly httproutes?: readonly KubeObject[];
  readonly statusAddresses?: readonly { ip?: string; hostname?: string }[];
  /** RFC 3339 time for new conditions (injected so planning stays pure). */
  readonly now?: string;
}

export interface StatusUpdate {
  readonly object: KubeObject;
  readonly status: Record<string, unknown>;
}

interface Condition {
  type: string;
  status: 'True' | 'False';
  reason: string;
  message: string;
  observedGeneration?: number;
  lastTransitionTime: string;
}

function condition(obj: Obj, existing: readonly Condition[] | undefined, type: string, ok: boolean, reason: string, message: string, now: string): Condition {
  const status = ok ? 'True' : 'False';
  const prev = existing?.find((c) => c.type === type);
  return { type, status, reason, message, observedGeneration: obj.metadata?.generation, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : now };
}

function changed(cur: unknown, next: unknown): boolean {
  return JSON.stringify(cur ?? {}) !== JSON.stringify(next);
}

/** Intersects a listener hostname with a route hostname; undefined when they cannot both match. */
export function intersectHost(listener: string | undefined, route: string | undefined): string | undefined {
  const l = listener?.toLowerCase();
  const r = route?.toLowerCase();
  if (!l) return r ?? '';
  if (!r) return l;
  if (l === r) return l;
  const covers = (wild: string, name: string): boolean => wild.startsWith('*.') && name.endsWith(wild.slice(1)) && name.length > wild.length - 1;
  if (covers(l, r)) return r;
  if (covers(r, l)) return l;
  return undefined;
}

function pathModifier(p: any): PathModifier | undefined {
  if (!p) return undefined;
  if (p.type === 'ReplaceFullPath') return { type: 'ReplaceFullPath', value: String(p.replaceFullPath ?? '/') };
  if (p.type === 'ReplacePrefixMatch') return { type: 'ReplacePrefixMatch', value: String(p.replacePrefixMatch ?? '/') };
  return undefined;
}

function filtersOf(list: any[] | undefined): Filter[] {
  const out: Filter[] = [];
  for (const f of list ?? []) {
    if (f.type === 'RequestHeaderModifier') {
      const m = f.requestHeaderModifier ?? {};
      out.push({
        type: 'RequestHeaderModifier',
        set: (m.set ?? []).map((h: any) => [String(h.name).toLowerCase(), String(h.value)]),
        add: (m.add ?? []).map((h: any) => [String(h.name).toLowerCase(), String(h.value)]),
        remove: (m.remove ?? []).map((h: any) => String(h).toLowerCase()),
      });
    } else if (f.type === 'RequestRedirect') {
      const r = f.requestRedirect ?? {};
      out.push({ type: 'RequestRedirect', scheme: r.scheme, hostname: r.hostname, port: r.port, path: pathModifier(r.path), statusCode: r.statusCode ?? 302 });
    } else if (f.type === 'URLRewrite') {
      const r = f.urlRewrite ?? {};
      out.push({ type: 'URLRewrite', hostname: r.hostname, path: pathModifier(r.path) });
    }
  }
  return out;
}

function valueMatches(list: any[] | undefined, lower: boolean): ValueMatch[] | undefined {
  if (!list || list.length === 0) return undefined;
  return list.map((m) => {
    const name = lower ? String(m.name).toLowerCase() : String(m.name);
    return m.type === 'RegularExpression' ? { name, regex: new RegExp(String(m.value)) } : { name, value: String(m.value) };
  });
}

export function compileGateways(input: GatewayObjects, ctx: { b: TableBuilder; index: ServiceIndex; secrets: ReadonlyMap<string, Secret> }): StatusUpdate[] {
  const now = input.now ?? new Date().toISOString();
  const updates: StatusUpdate[] = [];
  const classes = new Set<string>();
  for (const gc of (input.gatewayClasses ?? []) as Obj[]) {
    if (gc.spec?.controllerName !== GATEWAY_CONTROLLER) continue;
    classes.add(gc.metadata?.name ?? '');
    const status = { conditions: [condition(gc, gc.status?.conditions, 'Accepted', true, 'Accepted', 'accepted by podnet', now)] };
    if (changed(gc.status, status)) updates.push({ object: gc, status });
  }

  const gateways = new Map<string, Obj>();
  for (const gw of (input.gateways ?? []) as Obj[]) {
    if (classes.has(gw.spec?.gatewayClassName)) gateways.set(`${gw.metadata?.namespace ?? 'default'}/${gw.metadata?.name}`, gw);
  }
  const attached = new Map<string, number>();

  for (const gw of gateways.values()) {
    const ns = gw.metadata?.namespace ?? 'default';
    for (const l of gw.spec?.listeners ?? []) {
      if (l.protocol !== 'HTTPS') continue;
      for (const ref of l.tls?.certificateRefs ?? []) {
        const s = ctx.secrets.get(`${ref.namespace ?? ns}/${ref.name}`);
        const cert = s?.data?.['tls.crt'];
        const key = s?.data?.['tls.key'];
        const host = (l.hostname ?? '').toLowerCase();
        if (cert && key && host && !ctx.b.certs.has(host)) ctx.b.certs.set(host, { cert: Buffer.from(cert, 'base64').toString(), key: Buffer.from(key, 'base64').toString() });
      }
    }
  }

  for (const hr of (input.httproutes ?? []) as Obj[]) {
    const ns = hr.metadata?.namespace ?? 'default';
    const name = hr.metadata?.name ?? '';
    const owner: Owner = { kind: 'HTTPRoute', namespace: ns, name };
    const parents: any[] = [];
    for (const pref of hr.spec?.parentRefs ?? []) {
      if ((pref.group ?? GROUP) !== GROUP || (pref.kind ?? 'Gateway') !== 'Gateway') continue;
      const gkey = `${pref.namespace ?? ns}/${pref.name}`;
      const gw = gateways.get(gkey);
      if (!gw) continue;
      const listeners = (gw.spec?.listeners ?? []).filter((l: any) => (l.protocol === 'HTTP' || l.protocol === 'HTTPS') && (!pref.sectionName || l.name === pref.sectionName));
      const hosts = new Map<string, Set<string>>();
      for (const l of listeners) {
        const routeHosts: (string | undefined)[] = hr.spec?.hostnames?.length ? hr.spec.hostnames : [undefined];
        for (const rh of routeHosts) {
          const h = intersectHost(l.hostname, rh);
          if (h === undefined) continue;
          const protos = hosts.get(h) ?? new Set<string>();
          protos.add(l.protocol);
          hosts.set(h, protos);
        }
      }
      let resolved = true;
      let resolveMsg = 'all references resolved';
      if (hosts.size > 0) {
        attached.set(gkey, (attached.get(gkey) ?? 0) + 1);
        (hr.spec?.rules ?? []).forEach((rule: any, ri: number) => {
          const backends: WeightedBackend[] = [];
          for (const ref of rule.backendRefs ?? []) {
            if ((ref.kind ?? 'Service') !== 'Service' || (ref.group ?? '') !== '') { resolved = false; resolveMsg = `backendRef kind "${ref.kind}" is not supported`; continue; }
            const backend = resolveBackend(ctx.index, { namespace: ref.namespace ?? ns, name: ref.name, port: { number: ref.port } });
            if (backend.problem?.includes('not found')) { resolved = false; resolveMsg = backend.problem; }
            backends.push({ backend, weight: ref.weight ?? 1 });
          }
          const filters = filtersOf(rule.filters);
          const matches: any[] = rule.matches?.length ? rule.matches : [{ path: { type: 'PathPrefix', value: '/' } }];
          matches.forEach((m: any, mi: number) => {
            const pt = m.path?.type ?? 'PathPrefix';
            const pv = String(m.path?.value ?? '/');
            const kind = pt === 'Exact' ? 'Exact' : pt === 'RegularExpression' ? 'Regex' : 'Prefix';
            let regex: RegExp | undefined;
            if (kind === 'Regex') {
              try { regex = new RegExp('^(?:' + pv + ')$'); } catch { resolved = false; resolveMsg = `path "${pv}" is not a valid regular expression`; return; }
            }
            for (const [host, protos] of hosts) {
              ctx.b.add(host, {
                id: `hr/${ns}/${name}/${ri}/${mi}`,
                owner,
                kind,
                path: kind === 'Prefix' ? normalizePrefix(pv) : pv,
                regex: kind === 'Regex' ? regex ?? compileRegexPath(pv) : undefined,
                method: m.method,
                scheme: protos.size === 1 ? (protos.has('HTTPS') ? 'https' : 'http') : undefined,
                headers: valueMatches(m.headers, true),
                query: valueMatches(m.queryParams, false),
                backends,
                canaries: [],
                policy: DEFAULT_POLICY,
                filters,
              });
            }
          });
        });
      }
      parents.push({
        parentRef: pref,
        controllerName: GATEWAY_CONTROLLER,
        conditions: [
          condition(hr, hr.status?.parents?.find((p: any) => p.parentRef?.name === pref.name)?.conditions, 'Accepted', hosts.size > 0, hosts.size > 0 ? 'Accepted' : 'NoMatchingListenerHostname', hosts.size > 0 ? 'attached' : 'no listener hostname intersects the route hostnames', now),
          condition(hr, hr.status?.parents?.find((p: any) => p.parentRef?.name === pref.name)?.conditions, 'ResolvedRefs', resolved, resolved ? 'ResolvedRefs' : 'BackendNotFound', resolveMsg, now),
        ],
      });
    }
    if (parents.length > 0) {
      const status = { parents };
      if (changed(hr.status, status)) updates.push({ object: hr, status });
    }
  }

  for (const [gkey, gw] of gateways) {
    const status: Record<string, unknown> = {
      ...(input.statusAddresses?.length ? { addresses: input.statusAddresses.map((a) => (a.ip ? { type: 'IPAddress', value: a.ip } : { type: 'Hostname', value: a.hostname })) } : {}),
      conditions: [
        condition(gw, gw.status?.conditions, 'Accepted', true, 'Accepted', 'accepted by podnet', now),
        condition(gw, gw.status?.conditions, 'Programmed', true, 'Programmed', 'routes are served', now),
      ],
      listeners: (gw.spec?.listeners ?? []).map((l: any) => {
        const ok = l.protocol === 'HTTP' || l.protocol === 'HTTPS';
        const prev = gw.status?.listeners?.find((x: any) => x.name === l.name)?.conditions;
        return {
          name: l.name,
          supportedKinds: [{ group: GROUP, kind: 'HTTPRoute' }],
          attachedRoutes: ok ? attached.get(gkey) ?? 0 : 0,
          conditions: [
            condition(gw, prev, 'Accepted', ok, ok ? 'Accepted' : 'UnsupportedProtocol', ok ? 'listener accepted' : `protocol "${l.protocol}" is not supported`, now),
            condition(gw, prev, 'Programmed', ok, ok ? 'Programmed' : 'Invalid', ok ? 'listener programmed' : 'not programmed', now),
          ],
        };
      }),
    };
    if (changed(gw.status, status)) updates.push({ object: gw, status });
  }
  return updates;
}
