import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Deployment, ReplicaSet } from '../../api/types.js';
import { templateHash } from './hash.js';
import { deploymentStatus, planRollout, surgeAndUnavailable } from './plan.js';

const d = (replicas: number, rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string }, type?: string): Deployment => ({
  metadata: { name: 'web', generation: 2 },
  spec: { replicas, selector: {}, template: {}, strategy: { type: type ?? 'RollingUpdate', rollingUpdate } },
});
const rs = (name: string, spec: number, available: number, created = '2026-01-01T00:00:00Z'): ReplicaSet => ({
  metadata: { name, creationTimestamp: created },
  spec: { replicas: spec, selector: {} },
  status: { replicas: spec, availableReplicas: available, readyReplicas: available },
});
const scales = (p: ReturnType<typeof planRollout>) => Object.fromEntries(p.scales.map((s) => [s.rs.metadata!.name, s.replicas]));

test('defaults are 25% surge rounded up and 25% unavailable rounded down', () => {
  assert.deepEqual(surgeAndUnavailable(d(10)), { maxSurge: 3, maxUnavailable: 2 });
  assert.deepEqual(surgeAndUnavailable(d(3, { maxSurge: 0, maxUnavailable: 0 })), { maxSurge: 0, maxUnavailable: 1 });
});

test('a rollout first surges the new ReplicaSet, and old pods go only as new ones become available', () => {
  const dep = d(4, { maxSurge: 1, maxUnavailable: 0 });
  // Start: old has 4 available; new exists with 0.
  assert.deepEqual(scales(planRollout(dep, rs('new', 0, 0), [rs('old', 4, 4)])), { new: 1 });
  // New pod not ready yet: nothing more may change.
  assert.deepEqual(scales(planRollout(dep, rs('new', 1, 0), [rs('old', 4, 4)])), {});
  // New pod available: one old pod may go.
  assert.deepEqual(scales(planRollout(dep, rs('new', 1, 1), [rs('old', 4, 4)])), { old: 3 });
});

test('maxUnavailable lets old pods go before new ones are ready', () => {
  const p = planRollout(d(4, { maxSurge: 0, maxUnavailable: 2 }), rs('new', 0, 0), [rs('old', 4, 4)]);
  assert.deepEqual(scales(p), { old: 2 });
});

test('Recreate scales the old ReplicaSet to zero before the new one gets pods', () => {
  const dep = d(3, undefined, 'Recreate');
  assert.deepEqual(scales(planRollout(dep, rs('new', 0, 0), [rs('old', 3, 3)])), { old: 0 });
  assert.deepEqual(scales(planRollout(dep, rs('new', 0, 0), [rs('old', 0, 0)])), { new: 3 });
});

test('kubectl scale in steady state just resizes the one ReplicaSet', () => {
  assert.deepEqual(scales(planRollout(d(250), rs('new', 3, 3), [])), { new: 250 });
});

test('status reports NewReplicaSetAvailable only when the new ReplicaSet has everything', () => {
  const dep = d(3);
  const done = deploymentStatus(dep, rs('new', 3, 3), [rs('new', 3, 3), rs('old', 0, 0)], 'T');
  assert.equal(done.conditions?.find((c) => c.type === 'Progressing')?.reason, 'NewReplicaSetAvailable');
  assert.deepEqual([done.observedGeneration, done.replicas, done.updatedReplicas, done.availableReplicas], [2, 3, 3, 3]);
  const mid = deploymentStatus(dep, rs('new', 1, 0), [rs('new', 1, 0), rs('old', 3, 3)], 'T');
  assert.equal(mid.conditions?.find((c) => c.type === 'Progressing')?.reason, 'ReplicaSetUpdated');
  assert.equal(mid.unavailableReplicas, 0);
});

test('the pod-template-hash is stable across key order and changes with the template', () => {
  assert.equal(templateHash({ a: 1, b: { c: [1, 2] } }), templateHash({ b: { c: [1, 2] }, a: 1 }));
  assert.notEqual(templateHash({ image: 'nginx:1' }), templateHash({ image: 'nginx:2' }));
  assert.match(templateHash({}), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
});
