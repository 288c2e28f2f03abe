// One string names a store, so that every command and config file can choose its backend the same way:
//   memory:                 in-process, gone on exit (tests, demos)
//   sqlite:PATH or PATH     one SQLite file, the embedded default; `?sync=normal` trades power-loss
//                           durability of the last commits for speed (see SqliteOptions.synchronous)
//   etcd://host:port[,…]    a running etcd; `?prefix=/podnet` keeps podnet's keys under a prefix
import { PodnetError } from '../api/errors.js';
import { openEtcd } from './etcd.js';
import { MemoryStorage } from './memory.js';
import { openSqlite } from './sqlite.js';
import type { Storage } from './types.js';

export type StorageSpec =
  | { readonly kind: 'memory' }
  | { readonly kind: 'sqlite'; readonly path: string; readonly synchronous?: 'FULL' | 'NORMAL' }
  | { readonly kind: 'etcd'; readonly url: string; readonly prefix?: string };

export function parseStorageSpec(spec: string): StorageSpec {
  if (spec === 'memory:' || spec === 'memory') return { kind: 'memory' };
  if (spec.startsWith('sqlite:')) return sqliteSpec(spec, spec.slice('sqlite:'.length));
  if (spec.startsWith('etcd://')) {
    const [url, query] = spec.split('?', 2) as [string, string | undefined];
    const prefix = query === undefined ? undefined : new URLSearchParams(query).get('prefix') ?? undefined;
    return prefix === undefined ? { kind: 'etcd', url } : { kind: 'etcd', url, prefix };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(spec)) {
    throw new PodnetError('STORAGE_BAD_SPEC', `storage: "${spec}" is not a store (want memory:, sqlite:PATH, a file path, or etcd://host:port)`);
  }
  return sqliteSpec(spec, spec);
}

function sqliteSpec(spec: string, rest: string): StorageSpec {
  const q = rest.lastIndexOf('?sync=');
  if (q < 0) return { kind: 'sqlite', path: nonEmpty(spec, rest) };
  const sync = rest.slice(q + '?sync='.length).toUpperCase();
  if (sync !== 'FULL' && sync !== 'NORMAL') throw new PodnetError('STORAGE_BAD_SPEC', `storage: "${spec}" asks for sync mode "${sync.toLowerCase()}" (want full or normal)`);
  return { kind: 'sqlite', path: nonEmpty(spec, rest.slice(0, q)), synchronous: sync };
}

export async function openStorage(spec: string): Promise<Storage> {
  const parsed = parseStorageSpec(spec);
  switch (parsed.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite':
      return openSqlite(parsed.path, parsed.synchronous === undefined ? {} : { synchronous: parsed.synchronous });
    case 'etcd':
      return openEtcd(parsed.url, parsed.prefix === undefined ? {} : { prefix: parsed.prefix });
  }
}

function nonEmpty(spec: string, path: string): string {
  if (path === '') throw new PodnetError('STORAGE_BAD_SPEC', `storage: "${spec}" names no file`);
  return path;
}
