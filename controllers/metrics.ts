// Prometheus metrics for every controller, with upstream's names: the workqueue_* family labelled
// by queue name, and reconcile duration/errors labelled by controller.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { WorkQueueMetrics } from '../client/workqueue.js';

export class ControllerMetrics implements WorkQueueMetrics {
  readonly registry = new Registry();
  private readonly depthG = new Gauge({ name: 'workqueue_depth', help: 'Current depth of the workqueue.', labelNames: ['name'], registers: [this.registry] });
  private readonly adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by the workqueue.', labelNames: ['name'], registers: [this.registry] });
  private readonly retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by the workqueue.', labelNames: ['name'], registers: [this.registry] });
  readonly duration = new Histogram({
    name: 'controller_reconcile_duration_seconds',
    help: 'Time one reconcile of one key took.',
    labelNames: ['controller'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
    registers: [this.registry],
  });
  readonly errors = new Counter({ name: 'controller_reconcile_errors_total', help: 'Reconciles that failed and were requeued.', labelNames: ['controller'], registers: [this.registry] });
  readonly writes = new Counter({ name: 'controller_api_writes_total', help: 'Writes sent to the apiserver.', labelNames: ['controller', 'verb'], registers: [this.registry] });

  depth(name: string, n: number): void {
    this.depthG.set({ name }, n);
  }
  add(name: string): void {
    this.adds.inc({ name });
  }
  retry(name: string): void {
    this.retries.inc({ name });
  }
  text(): Promise<string> {
    return this.registry.metrics();
  }
}
