// The kubelet's Prometheus metrics, named as the kubelet names them where one exists, in a
// registry of its own. Labels stay low-cardinality (no pod names).
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class KubeletMetrics {
  readonly registry = new Registry();
  readonly podStart = new Histogram({
    name: 'kubelet_pod_start_duration_seconds',
    help: 'Duration from the kubelet seeing a pod to all its containers running',
    buckets: [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 60],
    registers: [this.registry],
  });
  readonly sandbox = new Histogram({
    name: 'kubelet_run_podsandbox_duration_seconds',
    help: 'Duration of pod sandbox setup (netns and CNI ADD)',
    buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly sandboxErrors = new Counter({
    name: 'kubelet_run_podsandbox_errors_total',
    help: 'Pod sandbox setups that failed',
    registers: [this.registry],
  });
  readonly startedContainers = new Counter({
    name: 'kubelet_started_containers_total',
    help: 'Container processes started',
    registers: [this.registry],
  });
  readonly restarts = new Counter({
    name: 'podnet_kubelet_container_restarts_total',
    help: 'Container restarts (crash, liveness or startup probe failure)',
    registers: [this.registry],
  });
  readonly probes = new Counter({
    name: 'prober_probe_total',
    help: 'Probe results',
    labelNames: ['probe_type', 'result'],
    registers: [this.registry],
  });
  readonly runningPods: Gauge;

  constructor(countPods: () => number) {
    this.runningPods = new Gauge({
      name: 'kubelet_running_pods',
      help: 'Pods with a running sandbox on this node',
      registers: [this.registry],
      collect() {
        this.set(countPods());
      },
    });
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
