// Reads Kubernetes manifests: YAML or JSON files, folders of them (recursively, *.yaml|*.yml|*.json),
// "-" for stdin, multi-document YAML, and `kind: List` / `v1 List` flattened into their items.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from './types.js';

export interface LoadedObject {
  readonly object: KubeObject;
  /** Where it came from, for messages: "file.yaml#2". */
  readonly origin: string;
}

/** Parses the text of one manifest (any number of YAML documents). Throws SyntaxError naming the origin. */
export function parseManifest(text: string, origin = '<input>'): LoadedObject[] {
  const out: LoadedObject[] = [];
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  list.forEach((doc, i) => {
    if (doc.errors.length > 0) throw new SyntaxError(`${origin}: document ${i + 1}: ${doc.errors[0]!.message}`);
    const value = doc.toJS({ maxAliasCount: 1000 }) as unknown;
    if (value === null || value === undefined) return;
    if (typeof value !== 'object' || Array.isArray(value)) {
      throw new SyntaxError(`${origin}: document ${i + 1} is not an object`);
    }
    flatten(value as KubeObject, `${origin}#${i + 1}`, out);
  });
  return out;
}

function flatten(obj: KubeObject, origin: string, out: LoadedObject[]): void {
  if (typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) {
    (obj.items as KubeObject[]).forEach((item, j) => flatten(item, `${origin}[${j}]`, out));
    return;
  }
  out.push({ object: obj, origin });
}

function manifestFiles(path: string): string[] {
  const st = statSync(path);
  if (!st.isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((entry) => {
      const p = join(path, entry);
      if (statSync(p).isDirectory()) return manifestFiles(p);
      return /\.(ya?ml|json)$/.test(entry) ? [p] : [];
    });
}

/** Loads every object from files/folders ("-" = stdin), in order. */
export function loadManifests(paths: readonly string[]): LoadedObject[] {
  const out: LoadedObject[] = [];
  for (const path of paths) {
    if (path === '-') {
      out.push(...parseManifest(readFileSync(0, 'utf8'), '<stdin>'));
      continue;
    }
    for (const file of manifestFiles(path)) out.push(...parseManifest(readFileSync(file, 'utf8'), file));
  }
  return out;
}
