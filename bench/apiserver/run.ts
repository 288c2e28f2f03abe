// Benchmark of the apiserver's storage backends (memory, SQLite, etcd), at the storage interface
// and through the apiserver's HTTP API. Each backend runs in its own process; etcd is a private
// instance on free ports. Writes a table with ratios to RESULTS.md beside this file.
//   node --import tsx bench/apiserver/run.ts [--quick]        (or node dist/bench/apiserver/run.js)
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { etcdMissing, startEtcd } from '../../storage/etcd_fixture.js';
import type { HttpBenchResult } from './http_bench.js';
import type { StorageBenchResult } from './storage_bench.js';
import type { WorkerInput } from './worker.js';

interface WorkerOutput {
  storage: StorageBenchResult;
  peer?: number;
  http?: HttpBenchResult;
  httpSkipped?: string;
  rssMB: number;
}

const quick = process.argv.includes('--quick');
const sizes = quick
  ? { storage: { creates: 500, listSize: 10_000, watchWrites: 200 }, http: { creates: 300, listSize: 2_000, watchWrites: 100 } }
  : { storage: { creates: 3_000, listSize: 10_000, watchWrites: 1_000 }, http: { creates: 1_000, listSize: 10_000, watchWrites: 500 } };

const here = fileURLToPath(new URL('.', import.meta.url));
const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
const sourceDir = here.replace(/\/dist\/bench\//, '/bench/');

function runWorker(input: WorkerInput): Promise<WorkerOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, join(here, `worker.${ext}`), JSON.stringify(input)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) return reject(new Error(`bench: the ${input.backend} worker exited with ${code}: ${out.slice(-500)}`));
      resolve(JSON.parse(line) as WorkerOutput);
    });
  });
}

function vmRssMB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

const loadBefore = loadavg()[0]!;
const results = new Map<string, WorkerOutput>();
const notes: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'pn-bench-'));
let etcdRss = NaN;
try {
  results.set('memory', await runWorker({ backend: 'memory', ...sizes }));
  results.set('SQLite', await runWorker({ backend: `sqlite:${dir}`, sync: 'FULL', ...sizes }));
  results.set('SQLite sync=normal', await runWorker({ backend: `sqlite:${dir}`, sync: 'NORMAL', ...sizes }));
  const missing = etcdMissing();
  if (missing) notes.push(`etcd not measured: ${missing}`);
  else {
    const etcd = await startEtcd();
    try {
      results.set('etcd', await runWorker({ backend: etcd.url, ...sizes }));
      etcdRss = vmRssMB(etcd.pid);
    } finally {
      await etcd.stop();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const names = [...results.keys()];
const fmt = (v: number | undefined, digits: number) => (v === undefined || Number.isNaN(v) ? '–' : v.toFixed(digits));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || !b ? '–' : `${(a / b).toFixed(2)}×`);
type Row = [label: string, pick: (o: WorkerOutput) => number | undefined, digits: number, goal: string];
const rows: Row[] = [
  ['peer: raw better-sqlite3 commits/s, same pragmas', (o) => o.peer, 0, ''],
  ['storage: creates/s, sequential', (o) => o.storage.createsPerSecSeq, 0, '≥ 2,000 on SQLite'],
  ['storage: creates/s, 16 concurrent', (o) => o.storage.createsPerSec16, 0, ''],
  ['storage: list 10k keys, ms', (o) => o.storage.list10kMs, 1, ''],
  ['storage: watch delivery p50, ms', (o) => o.storage.watchP50Ms, 2, ''],
  ['storage: watch delivery p99, ms', (o) => o.storage.watchP99Ms, 2, '< 10'],
  ['storage: event after the write was acknowledged, p99 ms', (o) => o.storage.afterAckP99Ms, 2, ''],
  ['HTTP: create Services/s, sequential', (o) => o.http?.createsPerSecSeq, 0, ''],
  ['HTTP: create Services/s, 16 concurrent', (o) => o.http?.createsPerSec16, 0, ''],
  [`HTTP: list ${sizes.http.listSize / 1000}k Services, ms`, (o) => o.http?.list10kMs, 1, '< 200 (10k)'],
  [`HTTP: same list with a label selector matching all (decoded path), ms`, (o) => o.http?.list10kSelectorMs, 1, ''],
  ['HTTP: list, decoded path ÷ byte path', (o) => (o.http ? o.http.list10kSelectorMs / o.http.list10kMs : undefined), 2, ''],
  ['HTTP: watch delivery p50, ms', (o) => o.http?.watchP50Ms, 2, ''],
  ['HTTP: watch delivery p99, ms', (o) => o.http?.watchP99Ms, 2, '< 10'],
  ['HTTP: event after the 201 response, p99 ms', (o) => o.http?.afterAckP99Ms, 2, ''],
  ['RSS of the benchmark process, MB', (o) => o.rssMB, 0, ''],
];
const has = (n: string) => results.has(n);
const header = ['measure', ...names, ...(has('SQLite') && has('memory') ? ['SQLite ÷ memory'] : []), ...(has('etcd') && has('SQLite') ? ['etcd ÷ SQLite'] : []), 'goal'];
const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
for (const [label, pick, digits, goal] of rows) {
  const vals = names.map((n) => pick(results.get(n)!));
  const cells = [label, ...vals.map((v) => fmt(v, digits))];
  if (has('SQLite') && has('memory')) cells.push(ratio(pick(results.get('SQLite')!), pick(results.get('memory')!)));
  if (has('etcd') && has('SQLite')) cells.push(ratio(pick(results.get('etcd')!), pick(results.get('SQLite')!)));
  cells.push(goal);
  lines.push(`| ${cells.join(' | ')} |`);
}
if (has('etcd')) notes.push(`etcd server RSS after its run: ${fmt(etcdRss, 0)} MB (not included in the table's process RSS).`);
for (const [n, o] of results) if (o.httpSkipped) notes.push(`${n}: HTTP not measured: ${o.httpSkipped}`);

const command = ext === 'ts' ? `node --import tsx bench/apiserver/run.ts${quick ? ' --quick' : ''}` : `node dist/bench/apiserver/run.js${quick ? ' --quick' : ''}`;
const report = [
  '# apiserver storage benchmark',
  '',
  `Command: \`${command}\` (from the repository root). ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, load average ${loadBefore.toFixed(1)} at the start and ${loadavg()[0]!.toFixed(1)} at the end (the disk and CPUs are shared with whatever else runs).`,
  '',
  `Sizes: storage ${sizes.storage.creates} creates per mode, list of ${sizes.storage.listSize} keys (median of 5), ${sizes.storage.watchWrites} watched writes; ` +
    `HTTP ${sizes.http.creates} creates per mode, list of ${sizes.http.listSize} Services (median of 5), ${sizes.http.watchWrites} watched creates. ` +
    'Values are ~1 KB Service JSON. Watch delivery = from calling the write to the watcher receiving it (so it includes the commit and its fsync), one write at a time; "after acknowledged" = from the answer to the write to the event (0 if the event came first). ' +
    'SQLite runs with WAL + synchronous=FULL (every acknowledged write fsynced); etcd is a private single-member etcd on the same disk.',
  '',
  ...lines,
  '',
  ...notes.map((n) => `- ${n}`),
  '',
].join('\n');
// A --quick run is a smoke test; only a full run replaces the recorded results.
if (!quick) writeFileSync(join(sourceDir, 'RESULTS.md'), report);
process.stdout.write(report);
