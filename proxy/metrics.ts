// The proxy's Prometheus metrics, named as kube-proxy names them, in a registry of its own.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';

export class ProxyMetrics {
  readonly registry = new Registry();
  readonly syncDuration = new Histogram({
    name: 'kubeproxy_sync_proxy_rules_duration_seconds',
    help: 'SyncProxyRules latency in seconds',
    labelNames: ['kind'],
    buckets: [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30],
    registers: [this.registry],
  });
  readonly programming = new Histogram({
    name: 'kubeproxy_network_programming_duration_seconds',
    help: 'Time from an EndpointSlice change (its last-change-trigger-time, else when it was observed) to the rules being live',
    buckets: [0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60],
    registers: [this.registry],
  });
  readonly failures = new Counter({
    name: 'kubeproxy_sync_proxy_rules_nftables_sync_failures_total',
    help: 'Syncs whose ruleset transaction failed',
    registers: [this.registry],
  });
  readonly lastTimestamp = new Gauge({
    name: 'kubeproxy_sync_proxy_rules_last_timestamp_seconds',
    help: 'The last time a sync of proxy rules succeeded',
    registers: [this.registry],
  });
  readonly services = new Gauge({
    name: 'podnet_proxy_service_ports',
    help: 'Service ports in the last plan',
    registers: [this.registry],
  });
  private text = '';

  /** Re-renders the exposition text (prom-client renders asynchronously). */
  async refresh(): Promise<string> {
    this.text = await this.registry.metrics();
    return this.text;
  }

  current(): string {
    return this.text;
  }
}

/** When an EndpointSlice change was triggered: its annotation if valid, else `observedMs`. */
export function triggerTimeOf(annotations: Readonly<Record<string, string>> | undefined, observedMs: number): number {
  const v = annotations?.[TRIGGER_TIME_ANNOTATION];
  const t = v ? Date.parse(v) : NaN;
  return Number.isFinite(t) && t <= observedMs ? t : observedMs;
}
