// Objects shared by observe's tests: a client in default, two web pods behind Service shop/web,
// an Ingress to it and a policy letting only the client in.
import type { KubeObject } from '../api/types.js';

function pod(ns: string, name: string, ip: string, node: string, labels: Record<string, string>): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { namespace: ns, name, labels },
    spec: { nodeName: node, containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True' }] },
  } as KubeObject;
}

export function sampleObjects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-1' }, spec: { podCIDR: '10.244.1.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.2' }] } } as KubeObject,
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' }, spec: { podCIDR: '10.244.2.0/24' }, status: { addresses: [{ type: 'InternalIP', address: '172.18.0.3' }] } } as KubeObject,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } } } as KubeObject,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default', labels: { 'kubernetes.io/metadata.name': 'default' } } } as KubeObject,
    pod('default', 'client', '10.244.1.2', 'node-1', { app: 'client' }),
    pod('shop', 'web-1', '10.244.2.3', 'node-2', { app: 'web' }),
    pod('shop', 'web-2', '10.244.1.4', 'node-1', { app: 'web' }),
    { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'web' }, spec: { type: 'NodePort', clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080, protocol: 'TCP', nodePort: 30080 }] } } as KubeObject,
    { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'shop', name: 'empty' }, spec: { clusterIP: '10.96.0.21', clusterIPs: ['10.96.0.21'], selector: { app: 'none' }, ports: [{ port: 80, protocol: 'TCP' }] } } as KubeObject,
    {
      apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { namespace: 'shop', name: 'web-abc', labels: { 'kubernetes.io/service-name': 'web' } },
      addressType: 'IPv4', ports: [{ port: 8080, protocol: 'TCP' }],
      endpoints: [
        { addresses: ['10.244.2.3'], conditions: { ready: true }, nodeName: 'node-2', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-1' } },
        { addresses: ['10.244.1.4'], conditions: { ready: true }, nodeName: 'node-1', targetRef: { kind: 'Pod', namespace: 'shop', name: 'web-2' } },
      ],
    } as KubeObject,
    { apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { namespace: 'shop', name: 'web' }, spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] } } as KubeObject,
    {
      apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'shop', name: 'web-from-client' },
      spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } }, podSelector: { matchLabels: { app: 'client' } } }] }] },
    } as KubeObject,
  ];
}
