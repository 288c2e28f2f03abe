// Field selectors as the apiserver understands them (`metadata.name=web,spec.nodeName!=n1`): only
// `=`, `==` and `!=` on a dotted path, like the real apiserver. Used when api/fieldselector.ts is absent.
import type { KubeObject } from '../api/types.js';

export interface SimpleFieldSelector {
  readonly terms: readonly { path: string; op: '=' | '!='; value: string }[];
}

function parse(text: string): SimpleFieldSelector {
  const terms: { path: string; op: '=' | '!='; value: string }[] = [];
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const m = /^([A-Za-z0-9_.\-]+)\s*(==|!=|=)\s*(.*)$/.exec(part);
    if (!m) throw new SyntaxError(`invalid field selector: "${part}": expected <field>=<value> or <field>!=<value>`);
    terms.push({ path: m[1]!, op: m[2] === '!=' ? '!=' : '=', value: m[3]!.trim() });
  }
  return { terms };
}

function fieldValue(obj: KubeObject, path: string): string {
  let cur: unknown = obj;
  for (const seg of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return '';
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur === undefined || cur === null ? '' : String(cur);
}

function matches(sel: SimpleFieldSelector, obj: KubeObject): boolean {
  return sel.terms.every((t) => (fieldValue(obj, t.path) === t.value) === (t.op === '='));
}

export const fallbackFieldSelector = { parse, matches };
