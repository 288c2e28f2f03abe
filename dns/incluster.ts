// The Corefile podnet deploys as ConfigMap kube-system/coredns: kubeadm's, with `forward`
// pointed at the fake upstream resolver of podnet's "internet" (never a real resolver).

/** The fake upstream podnet's internet namespace runs (TEST-NET-3). */
export const FAKE_UPSTREAM_DNS = '203.0.113.53';

export function inClusterCorefile(upstream: string = FAKE_UPSTREAM_DNS): string {
  return `.:53 {
    errors
    health :8080
    ready :8181
    kubernetes cluster.local in-addr.arpa ip6.arpa {
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
        ttl 30
    }
    prometheus :9153
    forward . ${upstream}
    cache 30
    loop
    reload
    loadbalance
}
`;
}

export const IN_CLUSTER_COREFILE = inClusterCorefile();
