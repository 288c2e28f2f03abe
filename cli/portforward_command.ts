// `podnet port-forward [NS/]svc/NAME|pod/NAME [LOCAL:]REMOTE…`: 127.0.0.1 listeners on the host that
// carry connections into a pod through the apiserver (WebSocket channel protocol, one stream per
// connection), like `kubectl port-forward`. A Service resolves to one of its ready pods, and its
// port to that pod's targetPort, as kubectl does.
import net from 'node:net';
import { parseArgs, UsageError } from './args.js';
import { clusterPaths } from './paths.js';
import { loadKubeconfig, type ClusterAccess } from '../client/kubeconfig.js';
import { KubeClient } from '../client/kube.js';
import { R } from '../client/source.js';
import type { EndpointSlice, Pod, Service } from '../api/types.js';
import { openStream } from './wsclient.js';
import type { CommandIO } from './io.js';

interface Target {
  readonly namespace: string;
  readonly pod: string;
}

export async function resolveTarget(client: KubeClient, ref: string, defaultNs: string, ports: { local: number; remote: number }[]): Promise<Target> {
  const m = /^(?:([^/]+)\/)?(svc|service|services|pod|pods|po)\/([^/]+)$/.exec(ref) ?? /^()()([^/]+)$/.exec(ref);
  if (!m) throw new UsageError(`expected svc/NAME or pod/NAME, got "${ref}"`);
  const namespace = m[1] || defaultNs;
  const kind = m[2] || 'pod';
  const name = m[3]!;
  if (kind.startsWith('p')) return { namespace, pod: name };
  const svc = await client.get<Service>(R.services, namespace, name);
  if (!svc) throw new Error(`services "${name}" not found in namespace "${namespace}"`);
  const { items } = await client.list<EndpointSlice>(R.endpointslices, namespace, { labelSelector: `kubernetes.io/service-name=${name}` });
  const ep = items.flatMap((s) => s.endpoints ?? []).find((e) => e.conditions?.ready !== false && e.targetRef?.kind === 'Pod');
  if (!ep?.targetRef?.name) throw new Error(`service "${namespace}/${name}" has no ready pod to forward to`);
  const pod = await client.get<Pod>(R.pods, namespace, ep.targetRef.name);
  // Map each service port to the pod's target port (numbers, or names looked up in the pod's containers).
  for (const p of ports) {
    const sp = svc.spec?.ports?.find((x) => x.port === p.remote);
    if (!sp) continue;
    const tp = sp.targetPort ?? sp.port;
    if (typeof tp === 'number') p.remote = tp;
    else {
      const cp = pod?.spec?.containers?.flatMap((c) => c.ports ?? []).find((x) => x.name === tp);
      if (!cp) throw new Error(`pod "${ep.targetRef.name}" has no container port named "${tp}"`);
      p.remote = cp.containerPort;
    }
  }
  return { namespace, pod: ep.targetRef.name };
}

function pipeConnection(access: ClusterAccess, target: Target, port: number, sock: net.Socket, io: CommandIO): void {
  sock.pause();
  openStream(access, `/api/v1/namespaces/${target.namespace}/pods/${target.pod}/portforward?ports=${port}`, ['v4.channel.k8s.io', 'channel.k8s.io']).then(
    (ws) => {
      // Each channel's first two bytes from the server are the port number; skip them once.
      const seenPrefix = new Set<number>();
      ws.on('message', (data: Buffer) => {
        const ch = data[0]!;
        let payload = data.subarray(1);
        if (!seenPrefix.has(ch)) {
          seenPrefix.add(ch);
          payload = payload.subarray(2);
        }
        if (ch === 0 && payload.length) sock.write(payload);
        if (ch === 1 && payload.length) io.err(`podnet port-forward: ${payload.toString()}`);
      });
      ws.once('close', () => sock.end());
      sock.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])));
      sock.once('close', () => ws.close());
      sock.on('error', () => ws.close());
      sock.resume();
    },
    (err: Error) => {
      io.err(`podnet port-forward: ${err.message}`);
      sock.destroy();
    },
  );
}

export async function portForwardCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positional } = parseArgs(argv, {
    name: { type: 'string', default: 'podnet', help: 'cluster name' },
    kubeconfig: { type: 'string', help: "kubeconfig to use instead of the cluster's" },
    namespace: { type: 'string', short: 'n', default: 'default', help: 'namespace' },
    address: { type: 'string', default: '127.0.0.1', help: 'local address to listen on (127.0.0.1 or localhost only)' },
  });
  const [ref, ...specs] = positional;
  if (!ref || specs.length === 0) throw new UsageError('usage: podnet port-forward svc/NAME|pod/NAME [LOCAL:]REMOTE…');
  if (!['127.0.0.1', 'localhost'].includes(String(flags.address))) throw new UsageError('--address must be 127.0.0.1 or localhost: podnet only forwards from the loopback address');
  const ports = specs.map((s) => {
    const [a, b] = s.split(':');
    const remote = Number(b ?? a);
    const local = b === undefined ? remote : a === '' ? 0 : Number(a);
    if (!Number.isInteger(remote) || remote < 1 || remote > 65535 || !Number.isInteger(local)) throw new UsageError(`invalid port spec "${s}"`);
    return { local, remote, asked: remote };
  });
  const access = loadKubeconfig((flags.kubeconfig as string | undefined) ?? clusterPaths(String(flags.name)).kubeconfig);
  const client = new KubeClient(access);
  const target = await resolveTarget(client, ref, String(flags.namespace), ports);
  const servers: net.Server[] = [];
  for (const p of ports) {
    const server = net.createServer((sock) => pipeConnection(access, target, p.remote, sock, io));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(p.local, '127.0.0.1', () => resolve());
    });
    servers.push(server);
    io.out(`Forwarding from 127.0.0.1:${(server.address() as net.AddressInfo).port} -> ${p.remote}`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  for (const s of servers) s.close();
  return 0;
}
