// Prometheus metrics on a registry of our own, named like ingress-nginx's so dashboards carry over.
import { Counter, Histogram, Registry } from 'prom-client';
import { LabeledCounter, LabeledHistogram } from './labeled.js';

export interface IngressMetrics {
  readonly registry: Registry;
  /** Per request: values for ingress, namespace, service, status, method. */
  readonly requests: LabeledCounter;
  /** Per request: values for ingress, namespace, service, method. */
  readonly duration: LabeledHistogram;
  readonly connectErrors: Counter<'namespace' | 'service'>;
  readonly reloads: Counter<'result'>;
  readonly reloadDuration: Histogram<never>;
}

export function ingressMetrics(): IngressMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new LabeledCounter(registry, 'nginx_ingress_controller_requests', 'Requests answered, by Ingress, Service, status and method', ['ingress', 'namespace', 'service', 'status', 'method']),
    duration: new LabeledHistogram(registry, 'nginx_ingress_controller_request_duration_seconds', 'Time from the request to the last response byte', ['ingress', 'namespace', 'service', 'method'], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]),
    connectErrors: new Counter({ name: 'podnet_ingress_upstream_connect_errors_total', help: 'Upstream connections that failed before the request was sent', labelNames: ['namespace', 'service'], registers: [registry] }),
    reloads: new Counter({ name: 'nginx_ingress_controller_config_reloads_total', help: 'Route table recompiles, by result', labelNames: ['result'], registers: [registry] }),
    reloadDuration: new Histogram({ name: 'podnet_ingress_config_reload_duration_seconds', help: 'Time to recompile and swap the route table', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] }),
  };
}
