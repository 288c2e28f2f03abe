// The analyzer's CLI commands; the CLI wires them as `podnet reach|explain|verify|lint`.
// Exit codes: 0 ok, 1 a denial/mismatch/finding, 2 bad usage.
import { writeFileSync } from 'node:fs';
import type { Protocol } from '../netpol/model.js';
import { lint } from './lint.js';
import { loadExpectations, toJUnit, verify } from './verify.js';
import { formatExplanation, explain } from './explain.js';
import { loadObjects, parseFlags, parsePort, parseProtocolFlag, runCommand, UsageError, type AnalyzeIO } from './io.js';
import { computeReach, formatReachTable, reachResults, type Reach } from './reach.js';

const LIVE_CONCURRENCY = 64;

/** Measures every cell with real connections (bounded parallelism). Result indexed like reach.allowed. */
export async function measureReach(reach: Reach, probe: NonNullable<AnalyzeIO['probe']>): Promise<(f: number, t: number, k: number) => boolean | undefined> {
  const n = reach.pods.length;
  const got = new Map<number, boolean>();
  const jobs: (() => Promise<void>)[] = [];
  for (let k = 0; k < reach.probes.length; k++)
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) {
        if (reach.allowed(i, j, k) === undefined) continue;
        const p = reach.probes[k]!;
        const id = (k * n + i) * n + j;
        jobs.push(async () => void got.set(id, await probe(reach.pods[i]!.key, reach.pods[j]!.ips[0]!, p.port, p.protocol as Protocol)));
      }
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(LIVE_CONCURRENCY, jobs.length) }, async () => {
    while (next < jobs.length) await jobs[next++]!();
  }));
  return (f, t, k) => got.get((k * n + f) * n + t);
}

export function reachCommand(argv: readonly string[], io: AnalyzeIO): Promise<number> {
  return runCommand('reach', io, async () => {
    const { values } = parseFlags(argv, {
      filename: { type: 'string', short: 'f', multiple: true },
      namespace: { type: 'string', short: 'n' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'table' },
      live: { type: 'boolean', default: false },
      compare: { type: 'boolean', default: false },
    });
    if (values.output !== 'table' && values.output !== 'json') throw new UsageError(`invalid -o "${values.output}": want table or json`);
    if (values.compare && !values.live) throw new UsageError('--compare needs --live');
    if (values.live && !io.probe) throw new UsageError('--live needs a running cluster');
    const objects = await loadObjects(values.filename, io);
    const reach = computeReach(objects, {
      ...(values.namespace ? { namespace: values.namespace } : {}),
      ...(values.port ? { port: parsePort(values.port)! } : {}),
      ...(values.protocol ? { protocol: parseProtocolFlag(values.protocol)! } : {}),
    });
    if (!values.live) {
      if (values.output === 'json') io.stdout.write(`${JSON.stringify({ results: [...reachResults(reach)] }, null, 2)}\n`);
      else io.stdout.write(`${formatReachTable(reach)}\n`);
      return 0;
    }
    const measured = await measureReach(reach, io.probe!);
    const mismatches: string[] = [];
    reach.probes.forEach((p, k) =>
      reach.pods.forEach((from, i) =>
        reach.pods.forEach((to, j) => {
          const want = reach.allowed(i, j, k);
          const got = measured(i, j, k);
          if (want !== undefined && got !== undefined && want !== got) mismatches.push(`${from.key} → ${to.key} ${p.protocol}/${p.port}: predicted ${want ? 'allow' : 'deny'}, measured ${got ? 'allow' : 'deny'}`);
        }),
      ),
    );
    if (values.compare) {
      io.stdout.write(mismatches.length === 0 ? 'prediction matches measurement on every cell\n' : `${mismatches.join('\n')}\n`);
      return mismatches.length === 0 ? 0 : 1;
    }
    if (values.output === 'json') {
      const results = [...reachResults(reach)].map((r) => {
        const i = reach.pods.findIndex((p) => p.key === r.from);
        const j = reach.pods.findIndex((p) => p.key === r.to);
        const k = reach.probes.findIndex((p) => p.port === r.port && p.protocol === r.protocol);
        return { ...r, allowed: measured(i, j, k) ?? false, predicted: r.allowed };
      });
      io.stdout.write(`${JSON.stringify({ results }, null, 2)}\n`);
    } else io.stdout.write(`${formatReachTable(reach, measured)}\n`);
    return 0;
  });
}

export function explainCommand(argv: readonly string[], io: AnalyzeIO): Promise<number> {
  return runCommand('explain', io, async () => {
    const { values } = parseFlags(argv, {
      filename: { type: 'string', short: 'f', multiple: true },
      from: { type: 'string' },
      to: { type: 'string' },
      port: { type: 'string' },
      protocol: { type: 'string' },
      output: { type: 'string', short: 'o', default: 'text' },
    });
    if (!values.from || !values.to) throw new UsageError('usage: explain --from NS/POD --to NS/POD|NS/SERVICE|IP[:PORT[/PROTO]] [--port N] [--protocol P] [-f PATH…]');
    const objects = await loadObjects(values.filename, io);
    const e = explain(objects, values.from, values.to, {
      ...(values.port ? { port: parsePort(values.port)! } : {}),
      ...(values.protocol ? { protocol: parseProtocolFlag(values.protocol)! } : {}),
    });
    if (values.output === 'json') io.stdout.write(`${JSON.stringify(e, null, 2)}\n`);
    else io.stdout.write(`${formatExplanation(e)}\n`);
    return e.verdicts.length > 0 && e.verdicts.every((v) => v.decision.allowed) ? 0 : 1;
  });
}

export function verifyCommand(argv: readonly string[], io: AnalyzeIO): Promise<number> {
  return runCommand('verify', io, async () => {
    const { values } = parseFlags(argv, {
      filename: { type: 'string', short: 'f', multiple: true },
      expect: { type: 'string' },
      junit: { type: 'string' },
    });
    if (!values.expect) throw new UsageError('usage: verify -f MANIFESTS… --expect EXPECTATIONS.yaml [--junit FILE]');
    const objects = await loadObjects(values.filename, io);
    const results = verify(objects, loadExpectations(values.expect));
    for (const r of results) {
      io.stdout.write(`${r.passed ? 'PASS' : 'FAIL'}  ${r.name}${r.passed ? ` (${r.pairs} pod pair${r.pairs === 1 ? '' : 's'})` : ''}\n`);
      for (const f of r.failures) io.stdout.write(`      ${f}\n`);
    }
    const failed = results.filter((r) => !r.passed).length;
    io.stdout.write(`${results.length - failed} passed, ${failed} failed\n`);
    if (values.junit) writeFileSync(values.junit, toJUnit(results));
    return failed === 0 ? 0 : 1;
  });
}

export function lintCommand(argv: readonly string[], io: AnalyzeIO): Promise<number> {
  return runCommand('lint', io, async () => {
    const { values } = parseFlags(argv, {
      filename: { type: 'string', short: 'f', multiple: true },
      output: { type: 'string', short: 'o', default: 'text' },
    });
    const findings = lint(await loadObjects(values.filename, io));
    if (values.output === 'json') io.stdout.write(`${JSON.stringify({ findings }, null, 2)}\n`);
    else {
      for (const f of findings) io.stdout.write(`${f.object}: ${f.code}: ${f.message}\n`);
      io.stdout.write(findings.length === 0 ? 'no findings\n' : `${findings.length} finding${findings.length === 1 ? '' : 's'}\n`);
    }
    return findings.length === 0 ? 0 : 1;
  });
}
