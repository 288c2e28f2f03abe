// The benchmark's data: N ClusterIP Services (each with a named port and one endpoint), as
// Kubernetes objects for podnet and as the equivalent zone file for the authoritative peer.

export function serviceIP(i: number): string {
  return `10.96.${Math.floor(i / 250) + 1}.${(i % 250) + 1}`;
}

export function objectsYaml(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`apiVersion: v1
kind: Service
metadata: {name: svc-${i}, namespace: bench}
spec: {clusterIP: ${serviceIP(i)}, clusterIPs: [${serviceIP(i)}], ports: [{name: http, port: 80, protocol: TCP}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: svc-${i}-a, namespace: bench, labels: {kubernetes.io/service-name: svc-${i}}}
addressType: IPv4
endpoints: [{addresses: [10.244.${Math.floor(i / 250)}.${(i % 250) + 1}], conditions: {ready: true}}]
ports: [{name: http, port: 8080, protocol: TCP}]`);
  }
  return `${out.join('\n---\n')}\n`;
}

export function clusterZone(n: number, ttl: number): string {
  const lines = [
    `$ORIGIN cluster.local.`,
    `@ ${ttl} IN SOA ns.dns.cluster.local. hostmaster.cluster.local. 1 7200 1800 86400 ${ttl}`,
    `@ ${ttl} IN NS ns.dns.cluster.local.`,
    `ns.dns ${ttl} IN A 10.96.0.10`,
    `dns-version ${ttl} IN TXT "1.1.0"`,
  ];
  for (let i = 0; i < n; i++) {
    lines.push(`svc-${i}.bench.svc ${ttl} IN A ${serviceIP(i)}`);
    lines.push(`_http._tcp.svc-${i}.bench.svc ${ttl} IN SRV 0 100 80 svc-${i}.bench.svc.cluster.local.`);
  }
  return `${lines.join('\n')}\n`;
}

/** The stand-in "internet" zone the forwarders resolve through (TEST-NET addresses only). */
export function upstreamZone(n: number): string {
  const lines = [`$ORIGIN example.test.`, `@ 3600 IN SOA ns.example.test. hostmaster.example.test. 1 7200 1800 86400 300`, `@ 3600 IN NS ns.example.test.`, `ns 3600 IN A 192.0.2.53`];
  for (let i = 0; i < n; i++) lines.push(`host-${i} 3600 IN A 192.0.2.${(i % 250) + 1}`);
  return `${lines.join('\n')}\n`;
}

/** dnsperf input: cluster names, a mix of hits for A and SRV plus a few misses. */
export function clusterQueries(n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    out.push(`svc-${i}.bench.svc.cluster.local A`);
    if (i % 10 === 0) out.push(`_http._tcp.svc-${i}.bench.svc.cluster.local SRV`);
  }
  return `${out.join('\n')}\n`;
}

export function externalQueries(n: number): string {
  return `${Array.from({ length: n }, (_, i) => `host-${i}.example.test A`).join('\n')}\n`;
}
