// Small builders for Services and EndpointSlices, shared by the proxy's tests and benchmarks.
import type { EndpointSlice, Service } from '../api/types.js';
import { SERVICE_NAME_LABEL } from './plan.js';

export interface SvcOpts {
  ns?: string;
  type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  clusterIP?: string;
  ports?: { name?: string; port: number; protocol?: 'TCP' | 'UDP'; nodePort?: number; targetPort?: number | string }[];
  externalTrafficPolicy?: 'Cluster' | 'Local';
  internalTrafficPolicy?: 'Cluster' | 'Local';
  healthCheckNodePort?: number;
  externalIPs?: string[];
  lbIPs?: string[];
  sourceRanges?: string[];
  affinity?: number;
  annotations?: Record<string, string>;
  trafficDistribution?: string;
}

export function svc(name: string, o: SvcOpts = {}): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: o.ns ?? 'default', ...(o.annotations ? { annotations: o.annotations } : {}) },
    spec: {
      type: o.type ?? 'ClusterIP',
      clusterIP: o.clusterIP ?? '10.96.0.10',
      ports: (o.ports ?? [{ port: 80 }]).map((p) => ({ protocol: 'TCP', ...p })),
      ...(o.externalTrafficPolicy ? { externalTrafficPolicy: o.externalTrafficPolicy } : {}),
      ...(o.internalTrafficPolicy ? { internalTrafficPolicy: o.internalTrafficPolicy } : {}),
      ...(o.healthCheckNodePort ? { healthCheckNodePort: o.healthCheckNodePort } : {}),
      ...(o.externalIPs ? { externalIPs: o.externalIPs } : {}),
      ...(o.sourceRanges ? { loadBalancerSourceRanges: o.sourceRanges } : {}),
      ...(o.affinity !== undefined ? { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: o.affinity } } } : {}),
      ...(o.trafficDistribution ? { trafficDistribution: o.trafficDistribution } : {}),
    },
    ...(o.lbIPs ? { status: { loadBalancer: { ingress: o.lbIPs.map((ip) => ({ ip })) } } } : {}),
  } as Service;
}

export interface EpOpts {
  ip: string;
  node?: string;
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  zone?: string;
  hints?: string[];
  pod?: string;
}

export function slice(
  service: string,
  endpoints: EpOpts[],
  ports: { name?: string; port: number; protocol?: 'TCP' | 'UDP' }[] = [{ port: 8080 }],
  o: { ns?: string; name?: string; annotations?: Record<string, string> } = {},
): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: o.name ?? `${service}-abc`,
      namespace: o.ns ?? 'default',
      labels: { [SERVICE_NAME_LABEL]: service },
      ...(o.annotations ? { annotations: o.annotations } : {}),
    },
    addressType: 'IPv4',
    ports: ports.map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' })),
    endpoints: endpoints.map((e) => ({
      addresses: [e.ip],
      conditions: { ready: e.ready ?? true, serving: e.serving ?? e.ready ?? true, terminating: e.terminating ?? false },
      ...(e.node ? { nodeName: e.node } : {}),
      ...(e.zone ? { zone: e.zone } : {}),
      ...(e.hints ? { hints: { forZones: e.hints.map((name) => ({ name })) } } : {}),
      ...(e.pod ? { targetRef: { kind: 'Pod', name: e.pod, namespace: o.ns ?? 'default' } } : {}),
    })),
  };
}
