// A container's environment as the kubelet builds it: env entries in order with $(VAR) expansion
// against earlier entries, fieldRef values from the pod, plus HOSTNAME and podnet's workload hints.
import type { ConfigMap, Container, Pod, Secret, Service } from '../api/types.js';
import { podHostname } from './hosts.js';

export interface EnvContext {
  readonly podIP?: string;
  readonly hostIP: string;
  readonly nodeName: string;
  /** ConfigMaps, Secrets and Services the kubelet can see (absent: none). */
  readonly lookup?: EnvLookup;
  /** Problems (a missing ConfigMap key …) for a Warning Event; the variable is left out. */
  readonly problems?: string[];
}

export interface EnvLookup {
  configMap(namespace: string, name: string): ConfigMap | undefined;
  secret(namespace: string, name: string): Secret | undefined;
  services(namespace: string): readonly Service[];
}

const envName = (svc: string) => svc.toUpperCase().replace(/-/g, '_');

/** Docker-links style variables for the Services of the pod's namespace (enableServiceLinks). */
export function serviceEnv(services: readonly Service[]): Record<string, string> {
  const out: Record<string, string> = {};
  const sorted = [...services].sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  for (const svc of sorted) {
    const ip = svc.spec?.clusterIP;
    const ports = svc.spec?.ports ?? [];
    if (!ip || ip === 'None' || !ports.length) continue;
    const n = envName(svc.metadata?.name ?? '');
    out[`${n}_SERVICE_HOST`] = ip;
    out[`${n}_SERVICE_PORT`] = String(ports[0]!.port);
    for (const p of ports) if (p.name) out[`${n}_SERVICE_PORT_${envName(p.name)}`] = String(p.port);
    const first = ports[0]!;
    out[`${n}_PORT`] = `${(first.protocol ?? 'TCP').toLowerCase()}://${ip}:${first.port}`;
    for (const p of ports) {
      const proto = (p.protocol ?? 'TCP').toLowerCase();
      const base = `${n}_PORT_${p.port}_${proto.toUpperCase()}`;
      out[base] = `${proto}://${ip}:${p.port}`;
      out[`${base}_PROTO`] = proto;
      out[`${base}_PORT`] = String(p.port);
      out[`${base}_ADDR`] = ip;
    }
  }
  return out;
}

function sourceData(kind: 'configMap' | 'secret', ns: string, name: string, ctx: EnvContext): Record<string, string> | undefined {
  if (kind === 'configMap') return ctx.lookup?.configMap(ns, name)?.data;
  const sec = ctx.lookup?.secret(ns, name);
  if (!sec) return undefined;
  const out: Record<string, string> = { ...(sec.stringData ?? {}) };
  for (const [k, v] of Object.entries(sec.data ?? {})) out[k] = Buffer.from(v, 'base64').toString();
  return out;
}

/** Expands $(NAME) from `vars`; $$(NAME) is an escaped literal; unknown names stay as written. */
export function expandVars(text: string, vars: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return name !== undefined && name in vars ? vars[name]! : m;
  });
}

function fieldValue(pod: Pod, path: string, ctx: EnvContext): string {
  const m = pod.metadata ?? {};
  switch (path) {
    case 'metadata.name': return m.name ?? '';
    case 'metadata.namespace': return m.namespace ?? 'default';
    case 'metadata.uid': return m.uid ?? '';
    case 'spec.nodeName': return pod.spec?.nodeName ?? ctx.nodeName;
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'status.podIP': case 'status.podIPs': return ctx.podIP ?? '';
    case 'status.hostIP': case 'status.hostIPs': return ctx.hostIP;
  }
  const label = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (label) return (label[1] === 'labels' ? m.labels : m.annotations)?.[label[2]!] ?? '';
  return '';
}

/** The variables the container gets: Service links, envFrom, then env (in order, expanded). */
export function containerEnv(pod: Pod, c: Container, ctx: EnvContext): Record<string, string> {
  const ns = pod.metadata?.namespace ?? 'default';
  const vars: Record<string, string> = { HOSTNAME: podHostname(pod) };
  if (ctx.lookup && pod.spec?.enableServiceLinks !== false) {
    Object.assign(vars, serviceEnv(ctx.lookup.services(ns)));
    const k8s = ctx.lookup.services('default').filter((s) => s.metadata?.name === 'kubernetes');
    if (ns !== 'default') Object.assign(vars, serviceEnv(k8s));
  }
  for (const f of c.envFrom ?? []) {
    const ref = f.configMapRef ?? f.secretRef;
    const kind = f.configMapRef ? 'configMap' : 'secret';
    const data = ref?.name ? sourceData(kind, ns, ref.name, ctx) : undefined;
    if (!data) {
      if (!ref?.optional) ctx.problems?.push(`${kind} "${ref?.name}" not found`);
      continue;
    }
    for (const [k, v] of Object.entries(data)) vars[`${f.prefix ?? ''}${k}`] = v;
  }
  for (const e of c.env ?? []) {
    const from = e.valueFrom;
    if (e.value !== undefined) vars[e.name] = expandVars(e.value, vars);
    else if (from?.fieldRef) vars[e.name] = fieldValue(pod, from.fieldRef.fieldPath, ctx);
    else if (from?.configMapKeyRef || from?.secretKeyRef) {
      const ref = (from.configMapKeyRef ?? from.secretKeyRef)!;
      const kind = from.configMapKeyRef ? 'configMap' : 'secret';
      const v = sourceData(kind, ns, ref.name ?? '', ctx)?.[ref.key];
      if (v !== undefined) vars[e.name] = v;
      else if (!ref.optional) ctx.problems?.push(`couldn't find key ${ref.key} in ${kind === 'configMap' ? 'ConfigMap' : 'Secret'} ${ns}/${ref.name}`);
    } else vars[e.name] = '';
  }
  return vars;
}

/** The argv after $(VAR) expansion, as the kubelet does for command and args. */
export function expandContainer(c: Container, vars: Readonly<Record<string, string>>): Container {
  return { ...c, command: c.command?.map((a) => expandVars(a, vars)), args: c.args?.map((a) => expandVars(a, vars)) };
}
