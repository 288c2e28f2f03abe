// The CLI entry: flag parsing, and a real `ingress serve` process on a manifest file.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { parseHostPort, parseServiceRef } from './cli.js';
import { echoServer, ingress, request, serviceFor, type Echo } from './testing.js';

test('flags parse ADDR:PORT and NS/NAME:PORT strictly', () => {
  assert.deepEqual(parseHostPort('0.0.0.0:80', '--listen'), { host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseHostPort('[::1]:443', '--listen'), { host: '::1', port: 443 });
  assert.throws(() => parseHostPort('localhost', '--listen'), /INGRESS_BAD_FLAG|not ADDR:PORT/);
  assert.deepEqual(parseServiceRef('kube-system/fallback:http'), { namespace: 'kube-system', name: 'fallback', port: { name: 'http' } });
  assert.deepEqual(parseServiceRef('fallback:8080'), { namespace: 'default', name: 'fallback', port: { number: 8080 } });
});

/** Starts `ingress serve` on a manifest with one Ingress for `host` → `echo`; resolves once stderr matches all of `wait`. */
async function startServe(echo: Echo, host: string, extra: string[], wait: RegExp[]): Promise<{ child: ChildProcess; found: RegExpExecArray[]; stop(): Promise<number | null> }> {
  const dir = mkdtempSync(join(tmpdir(), 'pn-ingress-cli-'));
  const here = fileURLToPath(import.meta.url);
  const isTs = here.endsWith('.ts');
  const cli = pathToFileURL(join(dirname(here), isTs ? 'cli.ts' : 'cli.js')).href;
  const file = join(dir, 'objects.yaml');
  const objs = [...serviceFor('web', [echo]), ingress('web', [{ host, paths: [{ path: '/', service: 'web' }] }])];
  writeFileSync(file, objs.map((o) => stringify(o)).join('---\n'));
  const child = spawn(process.execPath, [...(isTs ? ['--import', 'tsx'] : []), '--input-type=module', '-e', `import(${JSON.stringify(cli)}).then((m) => m.ingressServeCommand(process.argv.slice(1)))`, '--',
    '--source', `file:${file}`, '--listen', '127.0.0.1:0', '--no-access-log', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = async (): Promise<number | null> => {
    let code = child.exitCode;
    if (code === null) {
      const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
      child.kill('SIGTERM');
      code = await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    return code;
  };
  try {
    const found = await new Promise<RegExpExecArray[]>((resolve, reject) => {
      let err = '';
      child.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const ms = wait.map((r) => r.exec(err));
        if (ms.every(Boolean)) resolve(ms as RegExpExecArray[]);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    return { child, found, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

test('`ingress serve --source file:…` serves the Ingresses of a manifest file', async () => {
  const echo = await echoServer('from-file');
  try {
    const s = await startServe(echo, 'file.example', [], [/serving HTTP on (\d+)/]);
    try {
      const r = await request(Number(s.found[0]![1]), '/hello', { host: 'file.example' });
      assert.equal(r.backend, 'from-file');
    } finally { await s.stop(); }
  } finally {
    await echo.close();
  }
});

test('`ingress serve --workers 2` serves from two processes on one port and sums their metrics', async () => {
  const echo = await echoServer('workers');
  try {
    const s = await startServe(echo, 'w.example', ['--workers', '2', '--metrics-listen', '127.0.0.1:0'], [/serving HTTP on (\d+)/, /2 workers serving, metrics on (\d+)/]);
    try {
      const port = Number(s.found[0]![1]);
      const metrics = Number(s.found[1]![1]);
      // New connections each time, so the primary spreads them over both workers.
      for (let i = 0; i < 10; i++) assert.equal((await request(port, '/x', { host: 'w.example', agent: new http.Agent() })).backend, 'workers');
      const text = (await request(metrics, '/metrics')).body;
      assert.match(text, /nginx_ingress_controller_requests\{[^}]*status="200"[^}]*\} 10\n/);
      assert.equal((await request(metrics, '/ready')).status, 200);
    } finally {
      assert.equal(await s.stop(), 0, 'the primary and its workers stop cleanly on SIGTERM');
    }
  } finally {
    await echo.close();
  }
});
