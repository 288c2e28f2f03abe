import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { PatchError, strategicMergePatch } from './index.js';
import { KUBECTL_PATCHES } from './testdata/kubectl_patches.js';
import { SCENARIOS, serverDefaults } from './testdata/scenarios.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The object minus what only the server or kubectl's bookkeeping put there. */
function comparable(o: KubeObject): KubeObject {
  const c = structuredClone(o) as any;
  delete c.metadata.managedFields;
  delete c.metadata.resourceVersion;
  delete c.metadata.namespace;
  if (c.metadata.annotations) {
    delete c.metadata.annotations[LAST_APPLIED];
    if (Object.keys(c.metadata.annotations).length === 0) delete c.metadata.annotations;
  }
  return c;
}

const y = (s: string) => parse(s) as KubeObject;

describe('strategicMergePatch with the patches real kubectl sends', () => {
  for (const f of KUBECTL_PATCHES) {
    const scenario = SCENARIOS.find((s) => s.name === f.scenario)!;
    it(`kubectl ${f.version} client-side apply: ${f.scenario} leaves exactly the new manifest plus server-set fields`, () => {
      const live = structuredClone(f.live);
      const result = strategicMergePatch(f.live, f.patch, scenario.kind);
      assert.deepEqual(comparable(result), comparable(serverDefaults(scenario.after)));
      assert.equal(result.metadata?.annotations?.[LAST_APPLIED], (f.patch as any).metadata.annotations[LAST_APPLIED]);
      assert.deepEqual(f.live, live, 'the live object is not mutated');
    });
  }
});

describe('strategicMergePatch semantics', () => {
  const pod = y(`
apiVersion: v1
kind: Pod
metadata: {name: p, labels: {a: "1", b: "2"}, finalizers: [x/one]}
spec:
  containers:
  - {name: app, image: nginx, env: [{name: A, value: "1"}]}
  - {name: log, image: busybox}
  tolerations: [{key: k1, operator: Exists}]
`);

  it('deep-merges maps and deletes keys set to null', () => {
    const out = strategicMergePatch(pod, { metadata: { labels: { b: null, c: '3' } } }, 'Pod');
    assert.deepEqual(out.metadata?.labels, { a: '1', c: '3' });
  });

  it('merges list items by merge key and keeps unmentioned items and fields', () => {
    const out = strategicMergePatch(pod, { spec: { containers: [{ name: 'log', image: 'alpine' }, { name: 'new', image: 'x' }] } }, 'Pod') as any;
    assert.deepEqual(out.spec.containers.map((c: any) => [c.name, c.image]), [['app', 'nginx'], ['log', 'alpine'], ['new', 'x']]);
    assert.deepEqual(out.spec.containers[0].env, [{ name: 'A', value: '1' }]);
  });

  it('replaces lists that have no merge key (tolerations are atomic)', () => {
    const out = strategicMergePatch(pod, { spec: { tolerations: [{ key: 'k2', operator: 'Exists' }] } }, 'Pod') as any;
    assert.deepEqual(out.spec.tolerations, [{ key: 'k2', operator: 'Exists' }]);
  });

  it('replaces a whole list on {"$patch": "replace"}', () => {
    const out = strategicMergePatch(pod, { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } }, 'Pod') as any;
    assert.deepEqual(out.spec.containers, [{ name: 'only', image: 'x' }]);
  });

  it('replaces a map on "$patch": "replace" and deletes it on "$patch": "delete"', () => {
    const replaced = strategicMergePatch(pod, { metadata: { labels: { $patch: 'replace', z: '9' } } }, 'Pod');
    assert.deepEqual(replaced.metadata?.labels, { z: '9' });
    const deleted = strategicMergePatch(pod, { metadata: { labels: { $patch: 'delete' } } }, 'Pod');
    assert.equal(deleted.metadata?.labels, undefined);
  });

  it('merges finalizers as a set and removes values with $deleteFromPrimitiveList', () => {
    const added = strategicMergePatch(pod, { metadata: { finalizers: ['x/two', 'x/one'] } }, 'Pod');
    assert.deepEqual(added.metadata?.finalizers, ['x/one', 'x/two']);
    const removed = strategicMergePatch(added, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x/one'] } }, 'Pod');
    assert.deepEqual(removed.metadata?.finalizers, ['x/two']);
  });

  it('orders a primitive set list by $setElementOrder', () => {
    const out = strategicMergePatch(pod, { metadata: { '$setElementOrder/finalizers': ['x/two', 'x/one'], finalizers: ['x/two'] } }, 'Pod');
    assert.deepEqual(out.metadata?.finalizers, ['x/two', 'x/one']);
  });

  it('keeps server-only list items in place when $setElementOrder names the others', () => {
    const out = strategicMergePatch(pod, { spec: { '$setElementOrder/containers': [{ name: 'new' }, { name: 'log' }], containers: [{ name: 'new', image: 'x' }] } }, 'Pod') as any;
    assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['app', 'new', 'log']);
  });

  it('uses the PodSpec merge keys inside workload templates', () => {
    const deploy = y(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers: [{name: app, image: a, ports: [{containerPort: 80}, {containerPort: 81}]}]
`);
    const out = strategicMergePatch(deploy, { spec: { template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 82 }] }] } } } }, 'Deployment') as any;
    assert.deepEqual(out.spec.template.spec.containers[0].ports, [{ containerPort: 80 }, { containerPort: 81 }, { containerPort: 82 }]);
  });

  it('treats every list of an unknown kind as atomic', () => {
    const obj = { apiVersion: 'x/v1', kind: 'Widget', spec: { items: [{ name: 'a' }, { name: 'b' }] } };
    const out = strategicMergePatch(obj, { spec: { items: [{ name: 'c' }] } }, 'Widget') as any;
    assert.deepEqual(out.spec.items, [{ name: 'c' }]);
  });

  it('rejects a merge-keyed item without its key and a patch that is not an object', () => {
    assert.throws(() => strategicMergePatch(pod, { spec: { containers: [{ image: 'x' }] } }, 'Pod'), (e: unknown) => e instanceof PatchError && e.code === 'PATCH_MALFORMED' && e.httpStatus === 400);
    assert.throws(() => strategicMergePatch(pod, [1], 'Pod'), PatchError);
    assert.throws(() => strategicMergePatch(pod, { metadata: { $patch: 'explode' } }, 'Pod'), /unknown \$patch directive "explode"/);
  });

  it('never mutates its inputs', () => {
    const before = structuredClone(pod);
    const patch = { spec: { containers: [{ name: 'app', image: 'new' }] } };
    const patchBefore = structuredClone(patch);
    strategicMergePatch(pod, patch, 'Pod');
    assert.deepEqual(pod, before);
    assert.deepEqual(patch, patchBefore);
  });
});
