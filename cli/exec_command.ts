// `podnet exec NS/POD [-c CONTAINER] [-i] [-t] -- CMD…`: runs a command in a pod through the
// apiserver (WebSocket v5.channel.k8s.io), like `kubectl exec`, without needing kubectl.
import { parseArgs, UsageError } from './args.js';
import { clusterPaths } from './paths.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { openStream } from './wsclient.js';
import type { CommandIO } from './io.js';

export const EXEC_FLAGS = {
  name: { type: 'string', default: 'podnet', help: 'cluster name' },
  kubeconfig: { type: 'string', help: "kubeconfig to use instead of the cluster's" },
  container: { type: 'string', short: 'c', help: 'container name (default: the first)' },
  stdin: { type: 'boolean', short: 'i', default: false, help: 'pass stdin to the command' },
  tty: { type: 'boolean', short: 't', default: false, help: 'allocate a terminal' },
} as const;

/** Splits "NS/POD" (or "POD" in namespace default). */
export function parsePodRef(ref: string | undefined): { namespace: string; name: string } {
  if (!ref) throw new UsageError('expected NS/POD');
  const parts = ref.split('/');
  if (parts.length === 1) return { namespace: 'default', name: parts[0]! };
  if (parts.length === 2 && parts[0] && parts[1]) return { namespace: parts[0], name: parts[1] };
  throw new UsageError(`expected NS/POD, got "${ref}"`);
}

export async function execCommand(argv: string[], io: CommandIO): Promise<number> {
  const { flags, positional, rest } = parseArgs(argv, EXEC_FLAGS);
  const { namespace, name } = parsePodRef(positional[0]);
  if (rest.length === 0) throw new UsageError('nothing to run: podnet exec NS/POD -- CMD [ARGS…]');
  const access = loadKubeconfig((flags.kubeconfig as string | undefined) ?? clusterPaths(String(flags.name)).kubeconfig);
  const q = new URLSearchParams();
  for (const c of rest) q.append('command', c);
  if (flags.container) q.set('container', String(flags.container));
  q.set('stdout', 'true');
  q.set('stderr', String(!flags.tty));
  q.set('stdin', String(Boolean(flags.stdin)));
  q.set('tty', String(Boolean(flags.tty)));
  const ws = await openStream(access, `/api/v1/namespaces/${namespace}/pods/${name}/exec?${q}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  let exitCode = 0;
  const done = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  ws.on('message', (data: Buffer) => {
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === 1) process.stdout.write(payload);
    else if (channel === 2) process.stderr.write(payload);
    else if (channel === 3) {
      const status = JSON.parse(payload.toString() || '{}') as { status?: string; reason?: string; message?: string; details?: { causes?: { reason?: string; message?: string }[] } };
      if (status.status === 'Failure') {
        const code = status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
        exitCode = code ? Number(code) : 1;
        if (!code) io.err(`podnet exec: ${status.message ?? status.reason ?? 'failed'}`);
      }
    }
  });
  if (flags.stdin) {
    const raw = Boolean(flags.tty) && process.stdin.isTTY;
    if (raw) process.stdin.setRawMode(true);
    process.stdin.on('data', (chunk: Buffer) => ws.send(Buffer.concat([Buffer.from([0]), chunk])));
    process.stdin.once('end', () => {
      // v5: channel 255 closes the remote stdin.
      if (ws.protocol === 'v5.channel.k8s.io') ws.send(Buffer.from([255, 0]));
    });
    done.then(() => {
      if (raw) process.stdin.setRawMode(false);
      process.stdin.pause();
    });
  }
  await done;
  return exitCode;
}
