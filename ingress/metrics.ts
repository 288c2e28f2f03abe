// Prometheus metrics on a registry of our own, named like ingress-nginx's so dashboards carry over.
import { Counter, Histogram, Registry } from 'prom-client';

export interface IngressMetrics {
  readonly registry: Registry;
  readonly requests: Counter<'ingress' | 'namespace' | 'service' | 'status' | 'method'>;
  readonly duration: Histogram<'ingress' | 'namespace' | 'service' | 'method'>;
  readonly connectErrors: Counter<'namespace' | 'service'>;
  readonly reloads: Counter<'result'>;
  readonly reloadDuration: Histogram<never>;
}

export function ingressMetrics(): IngressMetrics {
  const registry = new Registry();
  return {
    registry,
    requests: new Counter({ name: 'nginx_ingress_controller_requests', help: 'Requests answered, by Ingress, Service, status and method', labelNames: ['ingress', 'namespace', 'service', 'status', 'method'], registers: [registry] }),
    duration: new Histogram({ name: 'nginx_ingress_controller_request_duration_seconds', help: 'Time from the request to the last response byte', labelNames: ['ingress', 'namespace', 'service', 'method'], buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry] }),
    connectErrors: new Counter({ name: 'podnet_ingress_upstream_connect_errors_total', help: 'Upstream connections that failed before the request was sent', labelNames: ['namespace', 'service'], registers: [registry] }),
    reloads: new Counter({ name: 'nginx_ingress_controller_config_reloads_total', help: 'Route table recompiles, by result', labelNames: ['result'], registers: [registry] }),
    reloadDuration: new Histogram({ name: 'podnet_ingress_config_reload_duration_seconds', help: 'Time to recompile and swap the route table', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1], registers: [registry] }),
  };
}
