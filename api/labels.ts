// Label selectors: the structured form (matchLabels + matchExpressions) and the string form used
// in `?labelSelector=` and `kubectl -l` (`a=b,c!=d,e in (x,y),!f,g`). Both compile to one
// requirement list, so matching has exactly one implementation.
import type { LabelSelector } from './types.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Gt' | 'Lt';

export interface Requirement {
  readonly key: string;
  readonly operator: Operator;
  readonly values: readonly string[];
}

/** A compiled selector. `everything` is the empty selector; `nothing` a nil selector (matches no object). */
export interface Selector {
  readonly requirements: readonly Requirement[];
  readonly nothing?: boolean;
}

export type Labels = Readonly<Record<string, string>> | undefined;

export const EVERYTHING: Selector = { requirements: [] };
export const NOTHING: Selector = { requirements: [], nothing: true };

const NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Returns problems with a label key, [] when valid (`prefix/name`, name ≤ 63, prefix a DNS-1123 subdomain ≤ 253). */
export function labelKeyErrors(key: string): string[] {
  const slash = key.lastIndexOf('/');
  const name = slash < 0 ? key : key.slice(slash + 1);
  const prefix = slash < 0 ? undefined : key.slice(0, slash);
  const errs: string[] = [];
  if (prefix !== undefined) {
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else if (prefix.length > 253) errs.push('prefix part must be no more than 253 characters');
    else if (!PREFIX.test(prefix)) errs.push("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push('name part must be no more than 63 characters');
  else if (!NAME.test(name)) errs.push("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  return errs;
}

/** Returns problems with a label value, [] when valid (≤ 63, empty allowed). */
export function labelValueErrors(value: string): string[] {
  if (value === '') return [];
  if (value.length > 63) return ['must be no more than 63 characters'];
  if (!NAME.test(value)) return ["a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"];
  return [];
}

/**
 * Compiles a structured LabelSelector. `undefined`/`null` compiles to NOTHING when `nilMatchesNothing`
 * (Services, NetworkPolicy peers use "absent = no selection" in some places) and EVERYTHING otherwise.
 * Throws TypeError for an invalid operator or values that do not fit it.
 */
export function compileSelector(sel: LabelSelector | null | undefined, opts: { nilMatchesNothing?: boolean } = {}): Selector {
  if (sel === undefined || sel === null) return opts.nilMatchesNothing ? NOTHING : EVERYTHING;
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, operator: 'In', values: [value] });
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator as Operator;
    const values = e.values ?? [];
    if (op === 'In' || op === 'NotIn') {
      if (values.length === 0) throw new TypeError(`values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`);
    } else if (op === 'Exists' || op === 'DoesNotExist') {
      if (values.length > 0) throw new TypeError(`values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`);
    } else {
      throw new TypeError(`operator: Invalid value: "${String(e.operator)}": not a valid selector operator`);
    }
    reqs.push({ key: e.key, operator: op, values });
  }
  return { requirements: reqs };
}

/** A Service's selector: a map of label equalities; empty or absent selects nothing (selectorless). */
export function compileMapSelector(selector: Readonly<Record<string, string>> | undefined): Selector {
  if (!selector || Object.keys(selector).length === 0) return NOTHING;
  return { requirements: Object.entries(selector).map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })) };
}

export function matches(sel: Selector, labels: Labels): boolean {
  if (sel.nothing) return false;
  const l = labels ?? {};
  for (const r of sel.requirements) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = has ? l[r.key]! : undefined;
    switch (r.operator) {
      case 'In':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'NotIn':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'Gt':
      case 'Lt': {
        if (!has || !/^-?[0-9]+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (r.operator === 'Gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
    }
  }
  return true;
}

/** Convenience: does a structured selector match these labels? */
export function selectorMatches(sel: LabelSelector | null | undefined, labels: Labels): boolean {
  return matches(compileSelector(sel), labels);
}

/**
 * Parses the string form (`?labelSelector=`). Grammar as in k8s.io/apimachinery/pkg/labels:
 * `key`, `!key`, `key=v`, `key==v`, `key!=v`, `key in (a,b)`, `key notin (a,b)`, `key>1`, `key<1`,
 * comma-separated (commas inside parentheses belong to the set). Throws SyntaxError with the position.
 */
export function parseSelector(text: string): Selector {
  const src = text.trim();
  if (src === '') return EVERYTHING;
  const reqs: Requirement[] = [];
  let i = 0;
  const fail = (msg: string): never => {
    throw new SyntaxError(`unable to parse requirement: ${msg} in "${text}"`);
  };
  const skipWs = () => {
    while (i < src.length && /\s/.test(src[i]!)) i++;
  };
  const readIdent = (): string => {
    skipWs();
    const start = i;
    while (i < src.length && /[A-Za-z0-9_.\-/]/.test(src[i]!)) i++;
    return src.slice(start, i);
  };
  const checkKey = (key: string) => {
    const errs = labelKeyErrors(key);
    if (errs.length) fail(`invalid label key "${key}": ${errs.join('; ')}`);
  };
  const checkValue = (v: string) => {
    const errs = labelValueErrors(v);
    if (errs.length) fail(`invalid label value: "${v}": ${errs.join('; ')}`);
  };
  while (i <= src.length) {
    skipWs();
    if (src[i] === '!') {
      i++;
      const key = readIdent();
      checkKey(key);
      reqs.push({ key, operator: 'DoesNotExist', values: [] });
    } else {
      const key = readIdent();
      if (!key) fail(`found '${src[i] ?? 'end of string'}', expected: identifier`);
      checkKey(key);
      skipWs();
      const rest = src.slice(i);
      if (rest.startsWith('==') || rest.startsWith('!=') || rest.startsWith('=')) {
        const op = rest.startsWith('!=') ? 'NotIn' : 'In';
        i += rest.startsWith('=') && !rest.startsWith('==') ? 1 : 2;
        const v = readIdent();
        checkValue(v);
        reqs.push({ key, operator: op, values: [v] });
      } else if (rest.startsWith('>') || rest.startsWith('<')) {
        i += 1;
        const v = readIdent();
        if (!/^-?[0-9]+$/.test(v)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, operator: rest[0] === '>' ? 'Gt' : 'Lt', values: [v] });
      } else if (/^(in|notin)\s*\(/.test(rest)) {
        const op = rest.startsWith('in') ? 'In' : 'NotIn';
        i += op === 'In' ? 2 : 5;
        skipWs();
        i++; // '('
        const close = src.indexOf(')', i);
        if (close < 0) fail(`found end of string, expected: ')'`);
        const values = src
          .slice(i, close)
          .split(',')
          .map((s) => s.trim());
        values.forEach(checkValue);
        i = close + 1;
        reqs.push({ key, operator: op, values });
      } else if (rest === '' || rest.startsWith(',')) {
        reqs.push({ key, operator: 'Exists', values: [] });
      } else {
        fail(`found '${rest[0]}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    skipWs();
    if (i >= src.length) break;
    if (src[i] !== ',') fail(`found '${src[i]}', expected: ','`);
    i++;
  }
  return { requirements: reqs };
}

/** Formats a compiled selector back to the string form (for messages and `kubectl` columns). */
export function formatSelector(sel: Selector): string {
  if (sel.nothing) return '<none>';
  return sel.requirements
    .map((r) => {
      switch (r.operator) {
        case 'In':
          return r.values.length === 1 ? `${r.key}=${r.values[0]}` : `${r.key} in (${r.values.join(',')})`;
        case 'NotIn':
          return r.values.length === 1 ? `${r.key}!=${r.values[0]}` : `${r.key} notin (${r.values.join(',')})`;
        case 'Exists':
          return r.key;
        case 'DoesNotExist':
          return `!${r.key}`;
        case 'Gt':
          return `${r.key}>${r.values[0]}`;
        case 'Lt':
          return `${r.key}<${r.values[0]}`;
      }
    })
    .join(',');
}
