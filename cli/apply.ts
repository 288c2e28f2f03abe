// Applying manifests through podnet's own client (used by `--demo` and the daemon's system
// workloads): server-side apply with a field manager, so re-applying is idempotent.
import { resourceByKind } from '../api/resources.js';
import type { KubeObject } from '../api/types.js';
import type { KubeClient } from '../client/kube.js';

export interface ApplyResult {
  readonly applied: string[];
  readonly errors: string[];
}

export async function applyObjects(client: KubeClient, objects: readonly KubeObject[], fieldManager: string): Promise<ApplyResult> {
  const applied: string[] = [];
  const errors: string[] = [];
  // Namespaces first so namespaced objects have somewhere to go.
  const ordered = [...objects].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
  for (const obj of ordered) {
    const info = resourceByKind(obj.apiVersion ?? '', obj.kind ?? '');
    const label = `${(obj.kind ?? '?').toLowerCase()}/${obj.metadata?.name ?? '?'}`;
    if (!info) {
      errors.push(`${label}: unknown kind ${obj.apiVersion}/${obj.kind}`);
      continue;
    }
    const ns = info.namespaced ? (obj.metadata?.namespace ?? 'default') : undefined;
    const body = { ...obj, metadata: { ...obj.metadata, ...(ns ? { namespace: ns } : {}) } };
    try {
      await client.patch(info, ns, obj.metadata!.name!, body, 'apply', { fieldManager, force: true });
      applied.push(ns ? `${label} (${ns})` : label);
    } catch (err) {
      errors.push(`${label}: ${(err as Error).message}`);
    }
  }
  return { applied, errors };
}
