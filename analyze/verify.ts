// `verify`: expectations about connectivity checked against the manifests, without a cluster.
// An expectation names pods (ns/name) or selects them ({namespace, podSelector}); it holds when
// every (from, to) pod pair it covers has the expected verdict.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { compileSelector, matches } from '../api/labels.js';
import type { LabelSelector } from '../api/types.js';
import { decide, type Endpoint } from '../netpol/engine.js';
import type { PodView, Protocol } from '../netpol/model.js';
import { buildWorld, findPod, type World } from '../netpol/world.js';
import type { ClusterObjects } from './objects.js';
import { cellReason } from './reach.js';

export type PeerSpec = string | { readonly namespace?: string; readonly podSelector?: LabelSelector };

export interface Expectation {
  readonly name?: string;
  readonly from: PeerSpec;
  readonly to: PeerSpec;
  readonly port: number;
  readonly protocol?: Protocol;
  readonly allow: boolean;
}

export interface VerifyResult {
  readonly name: string;
  readonly passed: boolean;
  /** Pod pairs checked. */
  readonly pairs: number;
  readonly failures: readonly string[];
}

/** Reads expectations from YAML: a list, or `{expectations: [...]}`. Throws SyntaxError naming the file. */
export function loadExpectations(path: string): Expectation[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  const out: Expectation[] = [];
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length) throw new SyntaxError(`${path}: ${doc.errors[0]!.message}`);
    const v = doc.toJS() as unknown;
    const list = Array.isArray(v) ? v : (v as { expectations?: unknown[] } | null)?.expectations;
    if (!Array.isArray(list)) throw new SyntaxError(`${path}: want a list of expectations or {expectations: [...]}`);
    list.forEach((e, i) => {
      const x = e as Partial<Expectation>;
      if (!x || x.from === undefined || x.to === undefined || typeof x.port !== 'number' || typeof x.allow !== 'boolean')
        throw new SyntaxError(`${path}: expectation ${i + 1} needs from, to, port (number) and allow (true|false)`);
      out.push(x as Expectation);
    });
  }
  return out;
}

function select(world: World, spec: PeerSpec): Endpoint[] {
  if (typeof spec === 'string') {
    const pod = findPod(world, spec);
    if (pod) return [{ pod }];
    return /^[0-9a-f.:]+$/i.test(spec) ? [{ ip: spec }] : [];
  }
  const sel = compileSelector(spec.podSelector ?? {});
  const pods: PodView[] = spec.namespace ? [...(world.podsByNamespace.get(spec.namespace) ?? [])] : [...world.pods];
  return pods.filter((p) => matches(sel, p.labels)).map((pod) => ({ pod }));
}

function describeSpec(s: PeerSpec): string {
  if (typeof s === 'string') return s;
  return `${s.namespace ?? '*'}/{${JSON.stringify(s.podSelector ?? {})}}`;
}

export function verify(objects: ClusterObjects, expectations: readonly Expectation[]): VerifyResult[] {
  const world = buildWorld({ pods: objects.pods, namespaces: objects.namespaces, policies: objects.policies });
  return expectations.map((e, i) => {
    const protocol = e.protocol ?? 'TCP';
    const name = e.name ?? `${describeSpec(e.from)} → ${describeSpec(e.to)} ${protocol}/${e.port} ${e.allow ? 'allowed' : 'denied'}`;
    const froms = select(world, e.from);
    const tos = select(world, e.to);
    const failures: string[] = [];
    if (froms.length === 0) failures.push(`from ${describeSpec(e.from)} matches no pod`);
    if (tos.length === 0) failures.push(`to ${describeSpec(e.to)} matches no pod`);
    let pairs = 0;
    for (const f of froms)
      for (const t of tos) {
        if ('pod' in f && 'pod' in t && f.pod.key === t.pod.key) continue;
        pairs++;
        const d = decide(world, f, t, protocol, e.port);
        if (d.allowed !== e.allow) {
          const fn = 'pod' in f ? f.pod.key : f.ip;
          const tn = 'pod' in t ? t.pod.key : t.ip;
          failures.push(`${fn} → ${tn} ${protocol}/${e.port}: expected ${e.allow ? 'allowed' : 'denied'}, is ${d.allowed ? 'allowed' : 'denied'} (${cellReason(d)})`);
        }
      }
    return { name: name || `expectation ${i + 1}`, passed: failures.length === 0, pairs, failures };
  });
}

const xmlEscape = (s: string) => s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** A JUnit XML report: one testcase per expectation, a failure element listing the pairs that broke it. */
export function toJUnit(results: readonly VerifyResult[], suite = 'podnet verify'): string {
  const failed = results.filter((r) => !r.passed).length;
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites tests="${results.length}" failures="${failed}">`, `  <testsuite name="${xmlEscape(suite)}" tests="${results.length}" failures="${failed}" errors="0">`];
  for (const r of results) {
    if (r.passed) lines.push(`    <testcase classname="podnet.verify" name="${xmlEscape(r.name)}"/>`);
    else
      lines.push(
        `    <testcase classname="podnet.verify" name="${xmlEscape(r.name)}">`,
        `      <failure message="${xmlEscape(r.failures[0]!)}">${xmlEscape(r.failures.join('\n'))}</failure>`,
        '    </testcase>',
      );
  }
  lines.push('  </testsuite>', '</testsuites>');
  return `${lines.join('\n')}\n`;
}
