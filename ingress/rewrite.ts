// URL rewriting: ingress-nginx's rewrite-target (the whole path replaced by the target, with
// $1…$9 from the path regex; the original query string kept) and Gateway API path modifiers.
import type { Match, PathModifier } from './table.js';

export function expandTarget(target: string, m: RegExpExecArray): string {
  return target.replace(/\$(\d)/g, (_, d: string) => m[Number(d)] ?? '');
}

export function withQuery(path: string, query: string): string {
  if (query === '') return path;
  return path.includes('?') ? path + '&' + query.slice(1) : path + query;
}

/** Applies a Gateway API path modifier; `matchedPrefix` is the rule's PathPrefix value. */
export function modifyPath(path: string, mod: PathModifier, match: Match): string {
  if (mod.type === 'ReplaceFullPath') return mod.value;
  const prefix = match.route.kind === 'Prefix' ? match.route.path : '';
  const rest = path.slice(prefix.length);
  if (mod.value === '/' || mod.value === '') return rest === '' ? '/' : rest.startsWith('/') ? rest : '/' + rest;
  const base = mod.value.endsWith('/') ? mod.value.slice(0, -1) : mod.value;
  return rest === '' ? base : base + (rest.startsWith('/') ? rest : '/' + rest);
}
