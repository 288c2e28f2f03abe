// `podnet dns serve --corefile FILE | --corefile-configmap NS/NAME --source file:OBJ.yaml|kubeconfig[:PATH]`
import { hostOf, l7Writer, ownPodIP } from '../client/l7sink.js';
import { readFileSync } from 'node:fs';
import { PodnetError } from '../api/errors.js';
import { openSource } from '../client/spec.js';
import { serveDns, type DnsFlow } from './server.js';

export interface DnsServeArgs {
  /** Unix socket of observe's L7 sink (podnet's daemon passes it to the in-cluster DNS pod). */
  flowSocket?: string;
  corefile?: string;
  configMap?: { namespace: string; name: string };
  source: string;
}

export function parseDnsServeArgs(argv: readonly string[]): DnsServeArgs {
  const out: Partial<DnsServeArgs> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new PodnetError('DNS_USAGE', `dns serve: ${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--corefile':
        out.corefile = value();
        break;
      case '--corefile-configmap': {
        const v = value();
        const m = /^([a-z0-9-]+)\/([a-z0-9.-]+)$/.exec(v);
        if (!m) throw new PodnetError('DNS_USAGE', `dns serve: --corefile-configmap "${v}" must be NAMESPACE/NAME`);
        out.configMap = { namespace: m[1]!, name: m[2]! };
        break;
      }
      case '--source':
        out.source = value();
        break;
      case '--flow-socket':
        out.flowSocket = value();
        break;
      default:
        throw new PodnetError('DNS_USAGE', `dns serve: unknown argument "${arg}" (usage: podnet dns serve --corefile FILE | --corefile-configmap NS/NAME --source file:OBJECTS.yaml|kubeconfig[:PATH] [--flow-socket PATH])`);
    }
  }
  if (!out.corefile && !out.configMap) throw new PodnetError('DNS_USAGE', 'dns serve: one of --corefile or --corefile-configmap is required');
  if (!out.source) throw new PodnetError('DNS_USAGE', 'dns serve: --source is required (file:OBJECTS.yaml or kubeconfig[:PATH])');
  return out as DnsServeArgs;
}

/** Runs the DNS server until SIGINT/SIGTERM. */
export async function dnsServeCommand(argv: string[]): Promise<void> {
  const args = parseDnsServeArgs(argv);
  const { source } = await openSource(args.source);
  const corefile = args.corefile ? readFileSync(args.corefile, 'utf8') : '';
  // DNS queries as L7 flows for `podnet observe` (the daemon's sink), when asked.
  const sink = args.flowSocket ? l7Writer(args.flowSocket) : undefined;
  const self = ownPodIP();
  const onQuery = sink && self
    ? (f: DnsFlow) => sink.send({ type: 'dns', src: hostOf(f.client), dst: self, name: f.name, qtype: f.type, rcode: f.rcode, latencyMs: Math.round(f.latencyMs * 1000) / 1000, time: f.time.toISOString() })
    : undefined;
  const server = await serveDns({ corefile, source, corefilePath: args.corefile, corefileConfigMap: args.configMap, ...(onQuery ? { onQuery } : {}) });
  for (const a of server.addresses()) process.stderr.write(`dns: serving on ${a.udp.address}:${a.udp.port} (udp+tcp)\n`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  sink?.close();
  source.stop();
}
