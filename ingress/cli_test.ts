// The CLI entry: flag parsing, and a real `ingress serve` process on a manifest file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import { parseHostPort, parseServiceRef } from './cli.js';
import { echoServer, ingress, request, serviceFor } from './testing.js';

test('flags parse ADDR:PORT and NS/NAME:PORT strictly', () => {
  assert.deepEqual(parseHostPort('0.0.0.0:80', '--listen'), { host: '0.0.0.0', port: 80 });
  assert.deepEqual(parseHostPort('[::1]:443', '--listen'), { host: '::1', port: 443 });
  assert.throws(() => parseHostPort('localhost', '--listen'), /INGRESS_BAD_FLAG|not ADDR:PORT/);
  assert.deepEqual(parseServiceRef('kube-system/fallback:http'), { namespace: 'kube-system', name: 'fallback', port: { name: 'http' } });
  assert.deepEqual(parseServiceRef('fallback:8080'), { namespace: 'default', name: 'fallback', port: { number: 8080 } });
});

test('`ingress serve --source file:…` serves the Ingresses of a manifest file', async () => {
  const echo = await echoServer('from-file');
  const dir = mkdtempSync(join(tmpdir(), 'pn-ingress-cli-'));
  const here = fileURLToPath(import.meta.url);
  const isTs = here.endsWith('.ts');
  const cli = pathToFileURL(join(dirname(here), isTs ? 'cli.ts' : 'cli.js')).href;
  let child: ReturnType<typeof spawn> | undefined;
  try {
    const file = join(dir, 'objects.yaml');
    const objs = [...serviceFor('web', [echo]), ingress('web', [{ host: 'file.example', paths: [{ path: '/', service: 'web' }] }])];
    writeFileSync(file, objs.map((o) => stringify(o)).join('---\n'));
    child = spawn(process.execPath, [...(isTs ? ['--import', 'tsx'] : []), '--input-type=module', '-e', `import(${JSON.stringify(cli)}).then((m) => m.ingressServeCommand(process.argv.slice(1)))`, '--', '--source', `file:${file}`, '--listen', '127.0.0.1:0', '--no-access-log'], { stdio: ['ignore', 'ignore', 'pipe'] });
    const port = await new Promise<number>((resolve, reject) => {
      let err = '';
      child!.stderr!.on('data', (d: Buffer) => {
        err += d.toString();
        const m = /serving HTTP on (\d+)/.exec(err);
        if (m) resolve(Number(m[1]));
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
    });
    const r = await request(port, '/hello', { host: 'file.example' });
    assert.equal(r.backend, 'from-file');
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    await echo.close();
  }
});
