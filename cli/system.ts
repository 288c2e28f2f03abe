// The cluster's own workloads, deployed as ordinary objects so users see them with kubectl:
// CoreDNS-compatible DNS (kube-system/coredns behind kube-dns 10.96.0.10) and the ingress
// controller (podnet-ingress/controller behind a LoadBalancer Service, IngressClass "podnet").
import type { KubeObject } from '../api/types.js';
import type { KubeClient } from '../client/kube.js';
import { inClusterCorefile } from '../dns/incluster.js';
import { applyObjects } from './apply.js';

export const INGRESS_NAMESPACE = 'podnet-ingress';

export function systemObjects(opts: { upstreamDNS: string; inClusterKubeconfig: string; flowSocket: string }): KubeObject[] {
  const source = `kubeconfig:${opts.inClusterKubeconfig}`;
  return [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'coredns', namespace: 'kube-system' },
      data: { Corefile: inClusterCorefile(opts.upstreamDNS) },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'coredns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'k8s-app': 'kube-dns' } },
        template: {
          metadata: { labels: { 'k8s-app': 'kube-dns' } },
          spec: {
            dnsPolicy: 'Default',
            containers: [
              {
                name: 'coredns',
                image: 'podnet/coredns',
                args: ['--source', source, '--corefile-configmap', 'kube-system/coredns', '--flow-socket', opts.flowSocket],
                ports: [
                  { name: 'dns', containerPort: 53, protocol: 'UDP' },
                  { name: 'dns-tcp', containerPort: 53, protocol: 'TCP' },
                  { name: 'metrics', containerPort: 9153, protocol: 'TCP' },
                ],
                readinessProbe: { httpGet: { path: '/ready', port: 8181 }, periodSeconds: 2 },
                livenessProbe: { httpGet: { path: '/health', port: 8080 }, periodSeconds: 10, failureThreshold: 5 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' } },
      spec: {
        clusterIP: '10.96.0.10',
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
          { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
          { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
        ],
      },
    },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: INGRESS_NAMESPACE } },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'IngressClass',
      metadata: { name: 'podnet', annotations: { 'ingressclass.kubernetes.io/is-default-class': 'true' } },
      spec: { controller: 'podnet.dev/ingress' },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'controller', namespace: INGRESS_NAMESPACE, labels: { 'app.kubernetes.io/name': 'podnet-ingress' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { 'app.kubernetes.io/name': 'podnet-ingress' } },
        template: {
          metadata: { labels: { 'app.kubernetes.io/name': 'podnet-ingress' } },
          spec: {
            containers: [
              {
                name: 'controller',
                image: 'podnet/ingress',
                args: ['--source', source, '--listen', '0.0.0.0:80', '--tls-listen', '0.0.0.0:443', '--class', 'podnet', '--publish-service', `${INGRESS_NAMESPACE}/ingress`, '--flow-socket', opts.flowSocket],
                ports: [
                  { name: 'http', containerPort: 80 },
                  { name: 'https', containerPort: 443 },
                ],
                readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 2 },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'ingress', namespace: INGRESS_NAMESPACE },
      spec: {
        type: 'LoadBalancer',
        selector: { 'app.kubernetes.io/name': 'podnet-ingress' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'https', port: 443, targetPort: 'https' },
        ],
      },
    },
  ];
}

export async function ensureSystemWorkloads(client: KubeClient, opts: { upstreamDNS: string; inClusterKubeconfig: string; flowSocket: string }): Promise<void> {
  const { errors } = await applyObjects(client, systemObjects(opts), 'podnet-system');
  if (errors.length) throw new Error(`cannot deploy the cluster's system workloads: ${errors.join('; ')}`);
}
