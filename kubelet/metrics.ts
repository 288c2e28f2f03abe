// The kubelet's Prometheus metrics, named and labelled as the kubelet names them where one exists
// (podnet_ where none does), in a registry of its own. Labels stay low-cardinality: no pod names.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export type ContainerType = 'container' | 'init_container';

/** What the gauges read when they are scraped. */
export interface KubeletGauges {
  /** Pods with a sandbox on this node. */
  pods(): number;
  /** Containers by upstream container_state (created, running, exited, unknown). */
  containers(): Readonly<Record<string, number>>;
}

// The kubelet labels sandbox metrics by RuntimeClass handler; podnet has only the default one,
// which the kubelet reports as the empty string.
const DEFAULT_HANDLER = { runtime_handler: '' };

export class KubeletMetrics {
  readonly registry = new Registry();
  readonly podStart = new Histogram({
    name: 'kubelet_pod_start_duration_seconds',
    help: 'Duration in seconds from kubelet seeing a pod for the first time to the pod starting to run',
    buckets: [0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 60],
    registers: [this.registry],
  });
  private readonly sandboxSeconds = new Histogram({
    name: 'kubelet_run_podsandbox_duration_seconds',
    help: 'Duration in seconds of the run_podsandbox operations (netns and CNI ADD)',
    labelNames: ['runtime_handler'],
    buckets: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  private readonly sandboxErrorCount = new Counter({
    name: 'kubelet_run_podsandbox_errors_total',
    help: 'Cumulative number of the run_podsandbox operation errors',
    labelNames: ['runtime_handler'],
    registers: [this.registry],
  });
  readonly startedPods = new Counter({
    name: 'kubelet_started_pods_total',
    help: 'Cumulative number of pods started (sandboxes created)',
    registers: [this.registry],
  });
  readonly startedPodErrors = new Counter({
    name: 'kubelet_started_pods_errors_total',
    help: 'Cumulative number of errors when starting pods',
    registers: [this.registry],
  });
  private readonly startedContainerCount = new Counter({
    name: 'kubelet_started_containers_total',
    help: 'Cumulative number of containers started',
    labelNames: ['container_type'],
    registers: [this.registry],
  });
  private readonly startedContainerErrors = new Counter({
    name: 'kubelet_started_containers_errors_total',
    help: 'Cumulative number of errors when starting containers',
    labelNames: ['code', 'container_type'],
    registers: [this.registry],
  });
  readonly restarts = new Counter({
    name: 'podnet_kubelet_container_restarts_total',
    help: 'Container restarts (crash, liveness or startup probe failure)',
    registers: [this.registry],
  });
  readonly probes = new Counter({
    name: 'prober_probe_total',
    help: 'Cumulative number of a liveness, readiness or startup probe for a container by result',
    labelNames: ['probe_type', 'result'],
    registers: [this.registry],
  });
  readonly probeSeconds = new Histogram({
    name: 'prober_probe_duration_seconds',
    help: 'Duration in seconds for a probe response',
    labelNames: ['probe_type'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 2, 5],
    registers: [this.registry],
  });

  constructor(gauges: KubeletGauges, nodeName: string) {
    new Gauge({
      name: 'kubelet_running_pods',
      help: 'Number of pods that have a running pod sandbox',
      registers: [this.registry],
      collect() {
        this.set(gauges.pods());
      },
    });
    new Gauge({
      name: 'kubelet_running_containers',
      help: 'Number of containers currently running',
      labelNames: ['container_state'],
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(gauges.containers())) this.set({ container_state: state }, n);
      },
    });
    new Gauge({
      name: 'kubelet_node_name',
      help: "The node's name. The count is always 1.",
      labelNames: ['node'],
      registers: [this.registry],
    }).set({ node: nodeName }, 1);
    // Zero series up front, so a dashboard sees the counter before the first event.
    for (const t of ['container', 'init_container'] as const) this.startedContainerCount.inc({ container_type: t }, 0);
    this.sandboxErrorCount.inc(DEFAULT_HANDLER, 0);
  }

  sandbox(seconds: number): void {
    this.sandboxSeconds.observe(DEFAULT_HANDLER, seconds);
  }
  sandboxError(): void {
    this.sandboxErrorCount.inc(DEFAULT_HANDLER);
  }
  startedContainer(type: ContainerType): void {
    this.startedContainerCount.inc({ container_type: type });
  }
  /** `code` as the kubelet reports a runtime error; podnet's are process start failures. */
  containerStartError(type: ContainerType, code = 'Unknown'): void {
    this.startedContainerErrors.inc({ code, container_type: type });
  }

  /** The Prometheus text exposition of every kubelet metric. */
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
