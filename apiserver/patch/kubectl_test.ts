// Real kubectl against a server built from these engines: client-side apply (strategic merge
// patch), server-side apply with conflicts and --force-conflicts, label (merge patch) and
// `patch --type=json`. Skips when the kubectl binaries are not installed.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../api/types.js';
import { startKubeServer } from './kubectl_server.js';
import { SCENARIOS, serverDefaults } from './testdata/scenarios.js';

const VERSIONS = ['1.27', '1.33'].filter((v) => existsSync(`/usr/lib/google-cloud-sdk/bin/kubectl.${v}`));

function comparable(o: KubeObject | undefined): unknown {
  const c = structuredClone(o) as any;
  delete c.metadata.managedFields;
  delete c.metadata.resourceVersion;
  delete c.metadata.namespace;
  delete c.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'];
  if (c.metadata.annotations && Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  return c;
}

describe('real kubectl against the patch engines', { skip: VERSIONS.length === 0 && 'kubectl binaries not installed' }, () => {
  let dir = '';
  const file = async (name: string, obj: unknown) => {
    const p = join(dir, name);
    await writeFile(p, JSON.stringify(obj));
    return p;
  };
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pn-patch-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  for (const version of VERSIONS) {
    for (const s of SCENARIOS) {
      it(`kubectl ${version} apply: ${s.name}`, async () => {
        const server = await startKubeServer(serverDefaults);
        try {
          const first = await server.kubectl(version, ['apply', '-f', await file('before.json', s.before), '--validate=false']);
          assert.equal(first.code, 0, first.stderr);
          const second = await server.kubectl(version, ['apply', '-f', await file('after.json', s.after), '--validate=false']);
          assert.equal(second.code, 0, second.stderr);
          assert.match(second.stdout, /configured/);
          assert.ok(server.writes.some((w) => w.contentType.startsWith('application/strategic-merge-patch+json')));
          assert.deepEqual(comparable([...server.store.values()][0]), comparable(serverDefaults(s.after)));
        } finally {
          await server.close();
        }
      });
    }

    it(`kubectl ${version} apply --server-side: removes dropped fields, reports conflicts, honours --force-conflicts`, async () => {
      const server = await startKubeServer();
      try {
        const v1 = structuredClone(SCENARIOS[1]!.before) as any;
        const v2 = structuredClone(SCENARIOS[1]!.after) as any;
        const ssa = (path: string, ...extra: string[]) => server.kubectl(version, ['apply', '--server-side', ...extra, '-f', path, '--validate=false']);
        const created = await ssa(await file('v1.json', v1));
        assert.equal(created.code, 0, created.stderr);
        assert.match(created.stdout, /serverside-applied/);
        const applied = await ssa(await file('v2.json', v2));
        assert.equal(applied.code, 0, applied.stderr);
        const live = [...server.store.values()][0] as any;
        assert.equal(live.spec.replicas, undefined, 'replicas, no longer applied, is removed');
        assert.deepEqual(live.metadata.labels, { app: 'web' });

        const patched = await server.kubectl(version, ['patch', 'deployment', 'web', '-p', '{"spec":{"replicas":5}}']);
        assert.equal(patched.code, 0, patched.stderr);
        const conflict = await ssa(await file('v1.json', v1));
        assert.equal(conflict.code, 1);
        assert.match(conflict.stderr, /Apply failed with 1 conflict/);
        assert.match(conflict.stderr, /conflict with "kubectl-patch": \.spec\.replicas/);
        assert.equal(([...server.store.values()][0] as any).spec.replicas, 5);

        const forced = await ssa(await file('v1.json', v1), '--force-conflicts');
        assert.equal(forced.code, 0, forced.stderr);
        const final = [...server.store.values()][0] as any;
        assert.equal(final.spec.replicas, 3);
        const owners = final.metadata.managedFields.map((m: any) => m.manager);
        assert.deepEqual(owners, ['kubectl'], 'kubectl-patch lost its only field');
      } finally {
        await server.close();
      }
    });

    it(`kubectl ${version} apply --server-side after client-side apply takes over ownership and then prunes`, async () => {
      const server = await startKubeServer();
      try {
        const v1 = SCENARIOS[1]!.before;
        const csa = await server.kubectl(version, ['apply', '-f', await file('v1.json', v1), '--validate=false']);
        assert.equal(csa.code, 0, csa.stderr);
        const ssa = await server.kubectl(version, ['apply', '--server-side', '-f', await file('v1.json', v1), '--validate=false']);
        assert.equal(ssa.code, 0, ssa.stderr);
        const live = [...server.store.values()][0] as any;
        assert.deepEqual(live.metadata.managedFields.map((m: any) => m.manager).sort(), ['kubectl', 'kubectl-last-applied']);
        const pruned = await server.kubectl(version, ['apply', '--server-side', '-f', await file('v2.json', SCENARIOS[1]!.after), '--validate=false']);
        assert.equal(pruned.code, 0, pruned.stderr);
        assert.equal(([...server.store.values()][0] as any).spec.replicas, undefined, 'replicas, set by client-side apply, is pruned once kubectl owns it');
      } finally {
        await server.close();
      }
    });

    it(`kubectl ${version} label (merge patch) and patch --type=json change only what they name`, async () => {
      const server = await startKubeServer(serverDefaults);
      try {
        const created = await server.kubectl(version, ['apply', '-f', await file('svc.json', SCENARIOS[6]!.before), '--validate=false']);
        assert.equal(created.code, 0, created.stderr);
        const label = await server.kubectl(version, ['label', 'service', 'web', 'tier=front']);
        assert.equal(label.code, 0, label.stderr);
        assert.ok(server.writes.some((w) => w.contentType.startsWith('application/merge-patch+json')));
        const json = await server.kubectl(version, ['patch', 'service', 'web', '--type=json', '-p', '[{"op":"replace","path":"/spec/ports/1/port","value":8443}]']);
        assert.equal(json.code, 0, json.stderr);
        const svc = [...server.store.values()][0] as any;
        assert.deepEqual(svc.metadata.labels, { tier: 'front' });
        assert.deepEqual(svc.spec.ports.map((p: any) => p.port), [80, 8443]);
        assert.equal(svc.spec.clusterIP, '10.96.0.12');
        const bad = await server.kubectl(version, ['patch', 'service', 'web', '--type=json', '-p', '[{"op":"test","path":"/spec/clusterIP","value":"10.0.0.1"}]']);
        assert.notEqual(bad.code, 0);
        assert.match(bad.stderr, /test operation 0 failed/);
      } finally {
        await server.close();
      }
    });
  }
});
