// Test helpers: a bin dir holding a `podnet-cni` that runs this checkout's plugin (compiled or,
// under tsx, from source), plus the reference plugins' directory.
import { mkdtempSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeArgv } from '../host/entry.js';

export const REFERENCE_PLUGIN_DIR = '/usr/lib/cni';

/** A fresh directory with an executable `podnet-cni`; pass it first in binDirs. */
export function pluginBinDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pn-cni-bin-'));
  const argv = nodeArgv(new URL('./plugin_main.js', import.meta.url)).map((a) => `'${a.replace(/'/g, `'\\''`)}'`);
  writeFileSync(join(dir, 'podnet-cni'), `#!/bin/sh\nexec ${argv.join(' ')} "$@"\n`);
  chmodSync(join(dir, 'podnet-cni'), 0o755);
  return dir;
}
