import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KubeletMetrics } from './metrics.js';

test('the gauges read the kubelet state at scrape time, container states as labels', async () => {
  let pods = 2;
  let containers: Record<string, number> = { running: 3, exited: 1 };
  const m = new KubeletMetrics({ pods: () => pods, containers: () => containers }, 'n7');
  let text = await m.text();
  assert.match(text, /^kubelet_running_pods 2$/m);
  assert.match(text, /^kubelet_running_containers\{container_state="running"\} 3$/m);
  assert.match(text, /^kubelet_running_containers\{container_state="exited"\} 1$/m);
  assert.match(text, /^kubelet_node_name\{node="n7"\} 1$/m);
  pods = 0;
  containers = { running: 1 };
  text = await m.text();
  assert.match(text, /^kubelet_running_pods 0$/m);
  assert.doesNotMatch(text, /container_state="exited"/, 'a state no container is in any more is dropped');
});

test('counters carry the kubelet labels: container_type, code, runtime_handler', async () => {
  const m = new KubeletMetrics({ pods: () => 0, containers: () => ({}) }, 'n1');
  let text = await m.text();
  assert.match(text, /^kubelet_started_containers_total\{container_type="init_container"\} 0$/m, 'present before the first start');
  m.startedContainer('container');
  m.startedContainer('container');
  m.startedContainer('init_container');
  m.containerStartError('container');
  m.sandbox(0.05);
  m.sandboxError();
  text = await m.text();
  assert.match(text, /^kubelet_started_containers_total\{container_type="container"\} 2$/m);
  assert.match(text, /^kubelet_started_containers_total\{container_type="init_container"\} 1$/m);
  assert.match(text, /^kubelet_started_containers_errors_total\{code="Unknown",container_type="container"\} 1$/m);
  assert.match(text, /^kubelet_run_podsandbox_duration_seconds_count\{runtime_handler=""\} 1$/m);
  assert.match(text, /^kubelet_run_podsandbox_errors_total\{runtime_handler=""\} 1$/m);
  assert.match(text, /^# TYPE kubelet_pod_start_duration_seconds histogram$/m);
});
