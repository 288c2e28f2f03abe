import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, StatefulSet } from '../../api/types.js';
import { ordinalOf, planStatefulSet } from './plan.js';

const sts = (replicas: number, policy?: string): StatefulSet => ({ metadata: { name: 'web' }, spec: { replicas, selector: {}, serviceName: 'web', template: {}, podManagementPolicy: policy } });
const pod = (i: number, opts: { ready?: boolean; deleting?: boolean; rev?: string } = {}): Pod => ({
  metadata: { name: `web-${i}`, labels: { 'controller-revision-hash': opts.rev ?? 'r1' }, ...(opts.deleting ? { deletionTimestamp: 'x' } : {}) },
  spec: { containers: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }] },
});
const names = (ps: Pod[]) => ps.map((p) => p.metadata?.name);

test('ordinals parse only from "<set>-<n>" without leading zeros', () => {
  assert.equal(ordinalOf('web', 'web-12'), 12);
  assert.equal(ordinalOf('web', 'web-01'), undefined);
  assert.equal(ordinalOf('web', 'webx-1'), undefined);
});

test('OrderedReady creates the lowest missing ordinal only after the ones below are Ready', () => {
  assert.deepEqual(planStatefulSet(sts(3), []).create, [0]);
  assert.deepEqual(planStatefulSet(sts(3), [pod(0, { ready: false })]).create, []);
  assert.deepEqual(planStatefulSet(sts(3), [pod(0)]).create, [1]);
});

test('Parallel creates every missing ordinal at once and deletes all extras', () => {
  assert.deepEqual(planStatefulSet(sts(3, 'Parallel'), [pod(1, { ready: false })]).create, [0, 2]);
  assert.deepEqual(names(planStatefulSet(sts(1, 'Parallel'), [pod(0), pod(1), pod(2)]).delete), ['web-2', 'web-1']);
});

test('OrderedReady scale-down removes the highest ordinal, one at a time', () => {
  assert.deepEqual(names(planStatefulSet(sts(1), [pod(0), pod(1), pod(2)]).delete), ['web-2']);
  assert.deepEqual(names(planStatefulSet(sts(1), [pod(0), pod(1), pod(2, { deleting: true })]).delete), []);
});

test('a template change replaces outdated pods from the highest ordinal once all are healthy', () => {
  assert.deepEqual(names(planStatefulSet(sts(3), [pod(0), pod(1), pod(2)], 'r2').delete), ['web-2']);
  assert.deepEqual(names(planStatefulSet(sts(3), [pod(0), pod(1, { ready: false }), pod(2)], 'r2').delete), []);
  assert.deepEqual(names(planStatefulSet(sts(3), [pod(0), pod(1), pod(2, { rev: 'r2' })], 'r2').delete), ['web-1']);
});
