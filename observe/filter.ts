// Flow filters as `hubble observe` takes them, from URL query parameters or CLI flags.
import type { Flow, FlowFilter, Verdict } from './types.js';

const VERDICTS = new Set<Verdict>(['forwarded', 'dropped', 'rejected']);

/** Parses "30s", "5m", "2h", "1d" or an ISO time into epoch ms relative to `now`. */
export function parseSince(text: string, now: number = Date.now()): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (m) {
    const mult = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
    return now - Number(m[1]) * mult;
  }
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw new SyntaxError(`observe: cannot read --since "${text}": use a duration like 5m or an ISO time`);
  return t;
}

export function parseFilter(get: (k: string) => string | undefined | null, now: number = Date.now()): FlowFilter {
  const f: { -readonly [K in keyof FlowFilter]: FlowFilter[K] } = {};
  const v = (k: string) => {
    const x = get(k);
    return x === null || x === undefined || x === '' ? undefined : x;
  };
  if (v('namespace')) f.namespace = v('namespace');
  if (v('pod')) f.pod = v('pod');
  if (v('service')) f.service = v('service');
  if (v('node')) f.node = v('node');
  const verdict = v('verdict')?.toLowerCase();
  if (verdict) {
    if (!VERDICTS.has(verdict as Verdict)) throw new SyntaxError(`observe: unknown verdict "${verdict}": use forwarded, dropped or rejected`);
    f.verdict = verdict as Verdict;
  }
  if (v('protocol')) f.protocol = v('protocol')!.toUpperCase();
  if (v('since')) f.since = parseSince(v('since')!, now);
  if (v('limit')) {
    const n = Number(v('limit'));
    if (!Number.isInteger(n) || n < 1) throw new SyntaxError(`observe: limit must be a positive integer, got "${v('limit')}"`);
    f.limit = n;
  }
  return f;
}

function podMatches(want: string, ns: string | undefined, name: string | undefined): boolean {
  if (!name) return false;
  const slash = want.indexOf('/');
  return slash < 0 ? name === want : want === `${ns}/${name}`;
}

export function matchesFilter(flow: Flow, f: FlowFilter): boolean {
  if (f.node && flow.node !== f.node) return false;
  if (f.verdict && flow.verdict !== f.verdict) return false;
  if (f.protocol && flow.protocol !== f.protocol) return false;
  if (f.since !== undefined && Date.parse(flow.time) < f.since) return false;
  if (f.namespace && flow.src.namespace !== f.namespace && flow.dst.namespace !== f.namespace && flow.service?.namespace !== f.namespace) return false;
  if (f.pod && !podMatches(f.pod, flow.src.namespace, flow.src.pod) && !podMatches(f.pod, flow.dst.namespace, flow.dst.pod)) return false;
  if (f.service) {
    const s = flow.service;
    if (!s) return false;
    if (f.service.includes('/') ? f.service !== `${s.namespace}/${s.name}` : f.service !== s.name) return false;
  }
  return true;
}
