// What every exec/attach transport shares: turning the query into an ExecRequest and the result
// into the Status kubectl reads from the error channel.
import type { Readable, Writable } from 'node:stream';
import type { ExecRequest } from '../podstreams.js';
import type { StreamRequest } from './upgrade.js';

export interface ExecWiring {
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  readonly stderr?: Writable;
  readonly onResize?: ExecRequest['onResize'];
  readonly signal: AbortSignal;
}

export function execFlags(r: StreamRequest): { stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean } {
  const on = (k: string) => r.query.get(k) === 'true' || r.query.get(k) === '1';
  return { stdin: on('stdin'), stdout: r.query.get('stdout') === null ? true : on('stdout'), stderr: r.query.get('stderr') === null ? !on('tty') : on('stderr'), tty: on('tty') };
}

export function buildExecRequest(r: StreamRequest, w: ExecWiring): ExecRequest {
  const f = execFlags(r);
  return {
    namespace: r.namespace,
    pod: r.pod,
    container: r.query.get('container') ?? undefined,
    // attach has no command: the kubelet connects to the container's main process.
    command: r.kind === 'attach' ? [] : r.query.getAll('command'),
    tty: f.tty,
    ...(w.stdin ? { stdin: w.stdin } : {}),
    ...(w.stdout ? { stdout: w.stdout } : {}),
    ...(w.stderr && !f.tty ? { stderr: w.stderr } : {}),
    ...(w.onResize ? { onResize: w.onResize } : {}),
    signal: w.signal,
  };
}

/** The metav1.Status that v4/v5 clients read from the error channel. */
export function exitStatus(result: { exitCode: number } | Error): object {
  if (result instanceof Error) {
    return { metadata: {}, status: 'Failure', message: result.message, reason: 'InternalError', details: { causes: [{ message: result.message }] } };
  }
  if (result.exitCode === 0) return { metadata: {}, status: 'Success' };
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: error executing command, exit code ${result.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
  };
}
