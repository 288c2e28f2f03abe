import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { eventRecorder } from './events.js';
import { KubeClient } from './rest.js';
import { startFakeServer, type FakeServer } from './testing/fakeserver.js';

let server: FakeServer;
let client: KubeClient;
before(async () => {
  server = await startFakeServer();
  client = new KubeClient({ server: server.url });
});
after(async () => {
  client.close();
  await server.close();
});

const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-1', namespace: 'default', uid: 'u1' } };

function events(): Record<string, unknown>[] {
  return [...server.objects.entries()].filter(([k]) => k.startsWith('api/v1/events/')).map(([, v]) => v);
}

test('a repeated event bumps count and lastTimestamp on one Event instead of creating more', async () => {
  let t = Date.parse('2026-01-01T00:00:00Z');
  const record = eventRecorder(client, 'default-scheduler', { now: () => new Date((t += 1000)) });
  record(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  record(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  record(pod, 'Warning', 'FailedScheduling', '0/3 nodes are available');
  record(pod, 'Normal', 'Scheduled', 'Successfully assigned default/web-1 to n1');
  await record.flush();
  const evs = events();
  assert.equal(evs.length, 2);
  const failed = evs.find((e) => e.reason === 'FailedScheduling')!;
  assert.equal(failed.count, 3);
  assert.equal(failed.firstTimestamp, '2026-01-01T00:00:01Z');
  assert.equal(failed.lastTimestamp, '2026-01-01T00:00:03Z');
  assert.deepEqual(failed.involvedObject, { apiVersion: 'v1', kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u1' });
  assert.deepEqual(failed.source, { component: 'default-scheduler' });
});

test('recording never throws when the server is unreachable', async () => {
  const dead = new KubeClient({ server: 'http://127.0.0.1:1' });
  const record = eventRecorder(dead, 'x');
  record(pod, 'Normal', 'R', 'm');
  await record.flush();
  dead.close();
});
