// `file:PATH[,PATH…]` source: the objects of manifest files, loaded once at start.
import { loadManifests } from '../api/manifest.js';
import { MemorySource } from './memory.js';

export function fileSource(paths: readonly string[]): MemorySource {
  const source = new MemorySource();
  for (const { object } of loadManifests(paths)) {
    // Manifests may hold kinds a component does not serve (CRDs, RBAC): skip those, keep the rest.
    try {
      source.apply(object);
    } catch {
      /* unknown kind */
    }
  }
  return source;
}
