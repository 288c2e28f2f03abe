// The contract between the apiserver (which speaks kubectl's streaming protocols: chunked HTTP for
// logs, WebSocket v5.channel.k8s.io / SPDY/3.1 for exec and port-forward) and the kubelet (which
// owns the processes and the pod network namespaces). The apiserver only relays bytes.
import type { Duplex, Readable, Writable } from 'node:stream';

export interface LogOptions {
  readonly container?: string;
  readonly follow?: boolean;
  readonly tailLines?: number;
  readonly sinceSeconds?: number;
  readonly timestamps?: boolean;
  readonly previous?: boolean;
  readonly limitBytes?: number;
}

export interface ExecRequest {
  readonly namespace: string;
  readonly pod: string;
  readonly container?: string;
  readonly command: readonly string[];
  readonly tty: boolean;
  /** Present when the client sends stdin. Ends when the client closes stdin. */
  readonly stdin?: Readable;
  readonly stdout?: Writable;
  /** Absent when tty is true (the terminal merges stderr into stdout). */
  readonly stderr?: Writable;
  /** Terminal size changes sent by the client (tty only). */
  readonly onResize?: (listener: (size: { width: number; height: number }) => void) => void;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
}

export interface PodStreams {
  /** The container's log; with `follow`, the stream stays open and carries new lines until `signal` aborts. */
  logs(namespace: string, pod: string, opts: LogOptions, signal: AbortSignal): Promise<Readable>;
  /** Runs a command in the pod; resolves with its exit code. Rejects (PodnetError) when the pod or container is unknown. */
  exec(req: ExecRequest): Promise<{ exitCode: number }>;
  /** Opens a TCP connection to the pod's port from inside its network namespace. */
  portForward(namespace: string, pod: string, port: number, signal: AbortSignal): Promise<Duplex>;
}
