// Which nodes can take a pod, and why the others cannot: the filter half of a scheduler, pure.
// Reasons use upstream's wording because users paste them into searches.
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from './types.js';
import { isNodeReady } from '../podutil.js';

function reqMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && vals.includes(value);
    case 'NotIn':
      return value === undefined || !vals.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(vals[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(vals[0]);
    default:
      return false;
  }
}

function termMatches(term: NodeSelectorTerm, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  return exprs.every((r) => reqMatches(r, labels[r.key])) && fields.every((r) => reqMatches(r, r.key === 'metadata.name' ? node.metadata?.name : undefined));
}

export function matchesNodeSelectorAndAffinity(pod: Pod, node: Node): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(pod.spec?.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const terms = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (terms && terms.length > 0 && !terms.some((t) => termMatches(t, node))) return false;
  return true;
}

export function tolerates(tolerations: readonly Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (!t.key) return t.operator === 'Exists';
    if (t.key !== taint.key) return false;
    return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
  });
}

/** undefined when the node fits, else upstream's reason text. */
export function whyNot(pod: Pod, node: Node): string | undefined {
  const tolerations = pod.spec?.tolerations ?? [];
  if (node.spec?.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return "node(s) were unschedulable";
  if (!isNodeReady(node) && !tolerates(tolerations, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' })) {
    return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  }
  for (const taint of node.spec?.taints ?? []) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(tolerations, taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  if (!matchesNodeSelectorAndAffinity(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

/** `0/3 nodes are available: 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector.` */
export function unschedulableMessage(total: number, reasons: ReadonlyMap<string, number>): string {
  const parts = [...reasons].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${n} ${r}`);
  return `0/${total} nodes are available${parts.length ? ': ' + parts.join(', ') : ''}.`;
}
