// A container's environment as the kubelet builds it: env entries in order with $(VAR) expansion
// against earlier entries, fieldRef values from the pod, plus HOSTNAME and podnet's workload hints.
import type { Container, Pod } from '../api/types.js';
import { podHostname } from './hosts.js';

export interface EnvContext {
  readonly podIP?: string;
  readonly hostIP: string;
  readonly nodeName: string;
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

/** The variables declared by the container (env, in order, expanded), without the process environment. */
export function containerEnv(pod: Pod, c: Container, ctx: EnvContext): Record<string, string> {
  const vars: Record<string, string> = { HOSTNAME: podHostname(pod) };
  for (const e of c.env ?? []) {
    if (e.value !== undefined) vars[e.name] = expandVars(e.value, vars);
    else if (e.valueFrom?.fieldRef) vars[e.name] = fieldValue(pod, e.valueFrom.fieldRef.fieldPath, ctx);
    else vars[e.name] = '';
  }
  return vars;
}

/** The argv after $(VAR) expansion, as the kubelet does for command and args. */
export function expandContainer(c: Container, vars: Readonly<Record<string, string>>): Container {
  return { ...c, command: c.command?.map((a) => expandVars(a, vars)), args: c.args?.map((a) => expandVars(a, vars)) };
}
