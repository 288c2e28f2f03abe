import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types.js';
import { buildPodStatus, podPhase, type ContainerView, type PodView } from './status.js';

const running = (name: string, ready: boolean): ContainerView => ({ name, image: 'nginx', state: { kind: 'running', startedAt: 't0' }, restartCount: 0, ready, started: true, willRestart: false });
const view = (containers: ContainerView[], more: Partial<PodView> = {}): PodView => ({ podIP: '10.244.1.5', hostIP: '172.18.0.2', startTime: 't0', sandboxReady: true, initContainers: [], containers, initialized: true, ...more });
const pod: Pod = { metadata: { name: 'web', namespace: 'shop' }, spec: { containers: [], restartPolicy: 'Always' } };

test('a pod whose containers all run and are ready is Running and Ready with its IP', () => {
  const s = buildPodStatus(pod, view([running('a', true), running('b', true)]), 't1');
  assert.equal(s.phase, 'Running');
  assert.equal(s.podIP, '10.244.1.5');
  assert.deepEqual(s.podIPs, [{ ip: '10.244.1.5' }]);
  assert.equal(s.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  assert.deepEqual(s.containerStatuses?.[0]?.state, { running: { startedAt: 't0' } });
});

test('an unready container makes the pod NotReady with the kubelet message', () => {
  const s = buildPodStatus(pod, view([running('a', true), running('b', false)]), 't1');
  const ready = s.conditions?.find((c) => c.type === 'Ready');
  assert.equal(ready?.status, 'False');
  assert.equal(ready?.reason, 'ContainersNotReady');
  assert.equal(ready?.message, 'containers with unready status: [b]');
});

test('lastTransitionTime stays when the condition does not change', () => {
  const first = buildPodStatus(pod, view([running('a', true)]), 't1');
  const again = buildPodStatus({ ...pod, status: first }, view([running('a', true)]), 't2');
  assert.equal(again.conditions?.find((c) => c.type === 'Ready')?.lastTransitionTime, 't1');
});

test('phases follow restartPolicy', () => {
  const exited = (code: number, willRestart = false): ContainerView => ({ name: 'a', image: 'x', state: { kind: 'terminated', exitCode: code, reason: code ? 'Error' : 'Completed', startedAt: 't0', finishedAt: 't1' }, restartCount: 0, ready: false, started: false, willRestart });
  assert.equal(podPhase('Never', view([exited(0)])), 'Succeeded');
  assert.equal(podPhase('Never', view([exited(1)])), 'Failed');
  assert.equal(podPhase('OnFailure', view([exited(1, true)])), 'Running');
  assert.equal(podPhase('Always', view([{ ...running('a', false), state: { kind: 'waiting', reason: 'ContainerCreating' } }])), 'Pending');
  assert.equal(podPhase('Always', view([{ ...running('a', false), state: { kind: 'waiting', reason: 'CrashLoopBackOff' }, restartCount: 2 }])), 'Running');
  assert.equal(podPhase('Always', view([running('a', true)], { initialized: false })), 'Pending');
});
