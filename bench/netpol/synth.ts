// A synthetic cluster for the netpol benchmarks: P pods over namespaces of 100 pods, 20 apps per
// namespace, and Q policies that each select one app and allow it from a few apps, namespaces
// and CIDRs (the shapes real policies have).
import type { Namespace, NetworkPolicy, Pod } from '../../api/types.js';

export function synthCluster(podCount: number, policyCount: number, node = 'node-1'): { pods: Pod[]; namespaces: Namespace[]; policies: NetworkPolicy[] } {
  const nsCount = Math.max(1, Math.ceil(podCount / 100));
  const namespaces: Namespace[] = Array.from({ length: nsCount }, (_, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${i}`, labels: { team: `t${i % 10}` } } }));
  const pods: Pod[] = Array.from({ length: podCount }, (_, i) => {
    const ns = `ns-${i % nsCount}`;
    const ip = `10.${244 + Math.floor(i / 65536)}.${Math.floor(i / 256) % 256}.${(i % 256) + 0}`;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: ns, name: `pod-${i}`, labels: { app: `app-${Math.floor(i / nsCount) % 20}`, tier: i % 3 === 0 ? 'db' : 'web' } },
      spec: { nodeName: node, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80 }, { name: 'metrics', containerPort: 9090 }] }] },
      status: { phase: 'Running', podIP: ip },
    };
  });
  const policies: NetworkPolicy[] = Array.from({ length: policyCount }, (_, j): NetworkPolicy => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: `ns-${j % nsCount}`, name: `np-${j}` },
    spec: {
      podSelector: { matchLabels: { app: `app-${j % 20}` } },
      policyTypes: j % 4 === 0 ? ['Ingress', 'Egress'] : ['Ingress'],
      ingress: [
        { from: [{ podSelector: { matchLabels: { app: `app-${(j + 1) % 20}` } } }, { namespaceSelector: { matchLabels: { team: `t${j % 10}` } }, podSelector: { matchLabels: { tier: 'web' } } }], ports: [{ port: 'http' }, { protocol: 'TCP', port: 8000, endPort: 8100 }] },
        { from: [{ ipBlock: { cidr: `10.${244 + (j % 2)}.0.0/16`, except: [`10.${244 + (j % 2)}.${j % 256}.0/24`] } }], ports: [{ port: 9090 }] },
      ],
      ...(j % 4 === 0 ? { egress: [{ to: [{ namespaceSelector: {} }], ports: [{ protocol: 'UDP', port: 53 }] }, { to: [{ podSelector: { matchLabels: { tier: 'db' } } }] }] } : {}),
    },
  }));
  return { pods, namespaces, policies };
}
