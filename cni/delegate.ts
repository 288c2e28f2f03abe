// Running another plugin (an IPAM plugin named in `ipam.type`) from CNI_PATH with our environment.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { run } from '../host/exec.js';
import { CniError, CniCode, type CniResult } from './spec.js';

export function findPlugin(type: string, dirs: readonly string[]): string | undefined {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(type)) return undefined;
  for (const d of dirs) {
    const p = join(d, type);
    if (existsSync(p)) return p;
  }
  return undefined;
}

/** Execs `type` with the same CNI_* variables (CNI_COMMAND overridden) and `conf` on stdin. */
export async function execDelegate(type: string, command: string, conf: unknown, env: NodeJS.ProcessEnv): Promise<CniResult | undefined> {
  const dirs = (env['CNI_PATH'] ?? '').split(':').filter(Boolean);
  const bin = findPlugin(type, dirs);
  if (!bin) throw new CniError(CniCode.InvalidConfig, `failed to find plugin "${type}" in path [${dirs.join(' ')}]`);
  const r = await run(bin, [], { input: JSON.stringify(conf), env: { ...env, CNI_COMMAND: command }, timeoutMs: 60_000 });
  if (r.code !== 0) {
    let err: { code?: number; msg?: string; details?: string } = {};
    try {
      err = JSON.parse(r.stdout) as typeof err;
    } catch {
      // not a CNI error object
    }
    throw new CniError(err.code ?? CniCode.DelegateFailed, err.msg ?? `plugin "${type}" failed: ${(r.stderr || r.stdout).trim()}`, err.details);
  }
  return r.stdout.trim() ? (JSON.parse(r.stdout) as CniResult) : undefined;
}
