// podnet's controller as `ingress serve --workers N`, from a manifest file, for the benchmark's
// like-for-like comparison with nginx `worker_processes N`.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { stringify } from 'yaml';
import type { KubeObject } from '../../api/types.js';

export async function startPodnetWorkers(dir: string, objects: readonly KubeObject[], workers: number): Promise<{ port: number; stop(): Promise<void> }> {
  const here = fileURLToPath(import.meta.url);
  const isTs = here.endsWith('.ts');
  const cli = pathToFileURL(join(dirname(here), '..', '..', 'ingress', isTs ? 'cli.ts' : 'cli.js')).href;
  const file = join(dir, 'podnet-objects.yaml');
  writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
  const child: ChildProcess = spawn(process.execPath, [...(isTs ? ['--import', 'tsx'] : []), '--input-type=module', '-e', `import(${JSON.stringify(cli)}).then((m) => m.ingressServeCommand(process.argv.slice(1)))`, '--',
    '--source', `file:${file}`, '--listen', '127.0.0.1:0', '--no-access-log', '--workers', String(workers)], { stdio: ['ignore', 'ignore', 'pipe'] });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  };
  const port = await new Promise<number>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const p = /serving HTTP on (\d+)/.exec(err);
      if (p && new RegExp(`${workers} workers serving`).test(err)) resolve(Number(p[1]));
    });
    child.once('exit', (code) => reject(new Error(`podnet --workers exited ${code}: ${err}`)));
  }).catch(async (err: Error) => { await stop(); throw err; });
  return { port, stop };
}
