// The `rewrite name` plugin: changes the question name before the rest of the chain and maps
// the answer's owner names back to what the client asked (CoreDNS's `answer auto`).
import type { Directive } from './corefile.js';
import { pluginError, type Next, type Plugin, type Request, type Result } from './plugin.js';
import { fqdn, type Answer, type RR } from './wire.js';

export interface RewriteRule {
  mode: 'exact' | 'prefix' | 'suffix' | 'substring' | 'regex';
  from: string;
  to: string;
  regex?: RegExp;
  stop: boolean;
  /** `answer name FROM TO` (regex rules): maps answer names back explicitly. */
  answerBack?: { regex: RegExp; to: string };
}

export function parseRewrite(d: Directive): RewriteRule {
  const a = [...d.args];
  let stop = true;
  if (a[0] === 'continue' || a[0] === 'stop') stop = a.shift() === 'stop';
  if (a[0] !== 'name') throw pluginError(d, `rule "${a[0] ?? ''}" is not supported (only "name")`);
  a.shift();
  let mode: RewriteRule['mode'] = 'exact';
  if (a[0] && ['exact', 'prefix', 'suffix', 'substring', 'regex'].includes(a[0]) && a.length >= 3) mode = a.shift() as RewriteRule['mode'];
  const [from, to, ...rest] = a;
  if (!from || !to) throw pluginError(d, 'name rule needs FROM and TO');
  const rule: RewriteRule = { mode, from: mode === 'exact' ? fqdn(from) : from.toLowerCase(), to: mode === 'exact' ? fqdn(to) : to, stop };
  if (mode === 'regex') {
    try {
      rule.regex = new RegExp(from, 'i');
    } catch {
      throw pluginError(d, `regex "${from}" does not compile`);
    }
  }
  if (rest.length) {
    if (rest[0] !== 'answer') throw pluginError(d, `unexpected "${rest[0]}" (expected "answer auto" or "answer name FROM TO")`);
    if (rest[1] === 'name' && rest[2] && rest[3]) rule.answerBack = { regex: new RegExp(rest[2], 'i'), to: rest[3] };
    else if (rest[1] !== 'auto') throw pluginError(d, `answer rule "${rest.slice(1).join(' ')}" is not supported`);
  }
  return rule;
}

function expand(template: string, m: RegExpExecArray): string {
  return template.replace(/\{(\d+)\}/g, (_x, i) => m[Number(i)] ?? '');
}

/** The rewritten name, or undefined when the rule does not match. */
export function rewriteName(rule: RewriteRule, name: string): string | undefined {
  const n = name.toLowerCase();
  switch (rule.mode) {
    case 'exact':
      return n === rule.from ? rule.to : undefined;
    case 'prefix':
      return n.startsWith(rule.from) ? fqdn(rule.to + n.slice(rule.from.length)) : undefined;
    case 'suffix': {
      const from = rule.from.endsWith('.') ? rule.from : `${rule.from}.`;
      const to = rule.to.endsWith('.') ? rule.to : `${rule.to}.`;
      return n.endsWith(from) ? fqdn(n.slice(0, n.length - from.length) + to) : undefined;
    }
    case 'substring':
      return n.includes(rule.from) ? fqdn(n.replace(rule.from, rule.to)) : undefined;
    case 'regex': {
      const m = rule.regex!.exec(n);
      return m ? fqdn(expand(rule.to, m)) : undefined;
    }
  }
}

export class RewritePlugin implements Plugin {
  readonly name = 'rewrite';
  constructor(readonly rules: readonly RewriteRule[]) {}

  handle(req: Request, next: Next): Result {
    let name = req.q.name;
    let back: RewriteRule | undefined;
    for (const r of this.rules) {
      const out = rewriteName(r, name);
      if (out === undefined) continue;
      name = out;
      back = r;
      if (r.stop) break;
    }
    if (name === req.q.name) return next(req);
    const original = req.q.name;
    const rewritten = name;
    const inner: Request = { ...req, q: { ...req.q, name: rewritten, qname: rewritten.replace(/\.$/, '') } };
    const fix = (a: Answer): Answer => {
      req.plugin = inner.plugin;
      const map = (l: readonly RR[]) =>
        l.map((rr) => {
          if (rr.name === rewritten) return { ...rr, name: original } as RR;
          if (back?.answerBack) {
            const m = back.answerBack.regex.exec(rr.name);
            if (m) return { ...rr, name: fqdn(expand(back.answerBack.to, m)) } as RR;
          }
          return rr;
        });
      return { ...a, answer: map(a.answer), additional: map(a.additional) };
    };
    const r = next(inner);
    return r instanceof Promise ? r.then(fix) : fix(r);
  }
}
