// A pod's /etc/hosts, as the kubelet manages it: localhost lines, the pod's own name (FQDN when it
// has a subdomain, so headless-Service DNS and `hostname -f` agree), then spec.hostAliases.
import type { Pod } from '../api/types.js';

export interface HostsOptions {
  readonly clusterDomain: string;
}

/** The pod's hostname: spec.hostname, else its name, cut to 63 characters (a DNS label). */
export function podHostname(pod: Pod): string {
  const h = pod.spec?.hostname || pod.metadata?.name || '';
  return h.slice(0, 63).replace(/[-.]+$/, '');
}

export function buildHosts(pod: Pod, ip: string | undefined, opts: HostsOptions = { clusterDomain: 'cluster.local' }): string {
  const lines = [
    '# Kubernetes-managed hosts file.',
    '127.0.0.1\tlocalhost',
    '::1\tlocalhost ip6-localhost ip6-loopback',
    'fe00::0\tip6-localnet',
    'fe00::0\tip6-mcastprefix',
    'fe00::1\tip6-allnodes',
    'fe00::2\tip6-allrouters',
  ];
  const host = podHostname(pod);
  if (ip) {
    const sub = pod.spec?.subdomain;
    const ns = pod.metadata?.namespace ?? 'default';
    lines.push(sub ? `${ip}\t${host}.${sub}.${ns}.svc.${opts.clusterDomain}\t${host}` : `${ip}\t${host}`);
  }
  const aliases = pod.spec?.hostAliases ?? [];
  if (aliases.length) {
    lines.push('', '# Entries added by HostAliases.');
    for (const a of aliases) if (a.ip && a.hostnames?.length) lines.push(`${a.ip}\t${a.hostnames.join('\t')}`);
  }
  return `${lines.join('\n')}\n`;
}
