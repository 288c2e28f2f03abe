// A real connection attempt from inside a pod, for `podnet reach --live`: an exec (through the
// apiserver, like `kubectl exec`) of a one-line Node program in the pod's network namespace. TCP
// counts as reachable when the connection is accepted or refused (a refusal means the packet reached
// the pod and nothing listens there; NetworkPolicy drops silently), and not when it times out. UDP
// counts when the built-in servers echo back.
import type { ClusterAccess } from '../client/kubeconfig.js';
import { openStream } from './wsclient.js';

const TCP = `const s=require('net').connect(+process.argv[2],process.argv[1]);s.on('connect',()=>process.exit(0));s.on('error',(e)=>process.exit(e.code==='ECONNREFUSED'?0:1));setTimeout(()=>process.exit(1),PODNET_T)`;
const UDP = `const d=require('dgram').createSocket(process.argv[1].includes(':')?'udp6':'udp4');d.on('message',()=>process.exit(0));d.send('hostname',+process.argv[2],process.argv[1]);setTimeout(()=>process.exit(1),PODNET_T)`;

export async function execExitCode(access: ClusterAccess, namespace: string, pod: string, command: readonly string[]): Promise<number> {
  const q = new URLSearchParams();
  for (const c of command) q.append('command', c);
  q.set('stdout', 'true');
  q.set('stderr', 'true');
  const ws = await openStream(access, `/api/v1/namespaces/${namespace}/pods/${pod}/exec?${q}`, ['v5.channel.k8s.io', 'v4.channel.k8s.io']);
  return new Promise((resolve) => {
    let code = 0;
    ws.on('message', (data: Buffer) => {
      if (data[0] !== 3) return;
      const status = JSON.parse(data.subarray(1).toString() || '{}') as { status?: string; details?: { causes?: { reason?: string; message?: string }[] } };
      if (status.status === 'Failure') code = Number(status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message ?? 1);
    });
    ws.once('close', () => resolve(code));
    ws.once('error', () => resolve(1));
  });
}

export function podProbe(access: ClusterAccess, timeoutMs = 1500) {
  return async (fromPod: string, toIP: string, port: number, protocol: string): Promise<boolean> => {
    const [namespace, pod] = fromPod.split('/') as [string, string];
    const program = (protocol.toUpperCase() === 'UDP' ? UDP : TCP).replace('PODNET_T', String(timeoutMs));
    return (await execExitCode(access, namespace, pod, [process.execPath, '-e', program, toIP, String(port)])) === 0;
  };
}
