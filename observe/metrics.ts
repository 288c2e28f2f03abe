// Prometheus metrics of the flows observe sees, in its own registry (not prom-client's global one,
// so two observers in one process — tests — do not collide).
import { Counter, Histogram, Registry } from 'prom-client';
import type { Flow } from './types.js';

export interface FlowMetrics {
  readonly registry: Registry;
  record(flow: Flow): void;
  /** The handshake time of a connection to a Service (NEW → SYN_RECV as conntrack readers stamped them), in milliseconds. */
  serviceConnect(namespace: string, service: string, ms: number): void;
  /** A pod-to-pod round-trip sample (TCP handshake of a probe) between the pods standing for two nodes, in milliseconds. */
  probe(srcNode: string, dstNode: string, ms: number): void;
  /** A probe that got no handshake: `timeout` (a NetworkPolicy drop or a broken path), `unreachable`, `error`, `helper`. */
  probeFailure(srcNode: string, dstNode: string, reason: string): void;
}

export function flowMetrics(): FlowMetrics {
  const registry = new Registry();
  const flows = new Counter({ name: 'podnet_flows_total', help: 'Flows by verdict, protocol and node', labelNames: ['verdict', 'protocol', 'node', 'event'], registers: [registry] });
  const conns = new Counter({ name: 'podnet_service_connections_total', help: 'New connections to a Service (counted on the node that saw them start)', labelNames: ['namespace', 'service', 'verdict'], registers: [registry] });
  const bytes = new Counter({ name: 'podnet_service_bytes_total', help: 'Bytes of finished connections to a Service (both directions)', labelNames: ['namespace', 'service'], registers: [registry] });
  const drops = new Counter({ name: 'podnet_drops_total', help: 'Dropped or rejected connections by reason', labelNames: ['verdict', 'policy', 'direction'], registers: [registry] });
  const l7 = new Histogram({ name: 'podnet_l7_latency_seconds', help: 'DNS and HTTP latency reported to the sink', labelNames: ['type'], buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry] });
  const probes = new Histogram({ name: 'podnet_pod_probe_latency_seconds', help: 'Pod-to-pod latency probes: TCP handshake round trip from a pod on src_node to a pod on dst_node', labelNames: ['src_node', 'dst_node'], buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1], registers: [registry] });
  const connect = new Histogram({ name: 'podnet_service_connect_latency_seconds', help: 'TCP handshake time of connections to a Service, from conntrack NEW to the SYN/ACK (SYN_RECV) as event readers stamped them: approximate', labelNames: ['namespace', 'service'], buckets: [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1], registers: [registry] });
  const probeFailures = new Counter({ name: 'podnet_pod_probe_failures_total', help: 'Pod-to-pod latency probes without a handshake, by reason (timeout: a NetworkPolicy drop or a broken path)', labelNames: ['src_node', 'dst_node', 'reason'], registers: [registry] });
  return {
    registry,
    record(f) {
      flows.inc({ verdict: f.verdict, protocol: f.protocol, node: f.node, event: f.event });
      if (f.service && f.event === 'new') conns.inc({ namespace: f.service.namespace, service: f.service.name, verdict: f.verdict });
      if (f.service && f.event === 'end' && f.bytes !== undefined) bytes.inc({ namespace: f.service.namespace, service: f.service.name }, f.bytes);
      if (f.verdict !== 'forwarded') drops.inc({ verdict: f.verdict, policy: f.policy ?? '', direction: f.direction ?? '' });
      if (f.l7) l7.observe({ type: f.l7.type }, f.l7.latencyMs / 1000);
    },
    serviceConnect(namespace, service, ms) {
      connect.observe({ namespace, service }, ms / 1000);
    },
    probe(srcNode, dstNode, ms) {
      probes.observe({ src_node: srcNode, dst_node: dstNode }, ms / 1000);
    },
    probeFailure(srcNode, dstNode, reason) {
      probeFailures.inc({ src_node: srcNode, dst_node: dstNode, reason });
    },
  };
}
