// PodStreams for the apiserver: logs from the container's log files, exec as a host process inside
// the pod's netns (so it gets the pod's resolv.conf and hosts), port-forward as a TCP connection
// made from the node's netns to the pod, and attach to a container's own process.
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type net from 'node:net';
import { PodnetError } from '../api/errors.js';
import type { ExecRequest, LogOptions, PodStreams } from '../apiserver/podstreams.js';
import type { ContainerRunner } from './container.js';
import { renderLine, selectLogText, type LogLine } from './logs.js';
import type { PodWorker } from './pod.js';
import { signalGroup, spawnInNetns } from './process.js';

export interface KubeletStreams extends PodStreams {
  /**
   * `kubectl attach` / `kubectl run -it`: the container's own stdin/stdout; resolves when it exits
   * or the client leaves, always with exit code 0 as the kubelet's attach does: the container's
   * exit code is in the pod status, where kubectl run reads it (a failed attach would make kubectl
   * fall back to printing the logs again).
   */
  attach(req: Omit<ExecRequest, 'command'>): Promise<{ exitCode: number }>;
}

export interface StreamDeps {
  findPod(namespace: string, name: string): PodWorker | undefined;
  readonly nodeNetns: string;
  dial(netns: string, ip: string, port: number): Promise<net.Socket>;
}

function lookup(d: StreamDeps, namespace: string, pod: string, container?: string): { w: PodWorker; r: ContainerRunner } {
  const w = d.findPod(namespace, pod);
  if (!w) throw new PodnetError('KUBELET_POD_NOT_FOUND', `kubelet: pod "${namespace}/${pod}" is not running on this node`);
  const r = w.runner(container);
  if (!r) throw new PodnetError('KUBELET_CONTAINER_NOT_FOUND', `kubelet: container "${container}" is not valid for pod "${pod}"`);
  return { w, r };
}

export function podStreams(d: StreamDeps): KubeletStreams {
  const streams: KubeletStreams = {
    async logs(namespace: string, pod: string, o: LogOptions, signal: AbortSignal): Promise<Readable> {
      const { r } = lookup(d, namespace, pod, o.container);
      const text = selectLogText(r.log.read(o.previous ?? false), o);
      if (!o.follow || o.previous) return Readable.from(text ? [text] : []);
      const out = new PassThrough();
      out.write(text);
      const onLine = (l: LogLine) => out.write(renderLine(l, o.timestamps ?? false));
      const end = () => {
        r.log.off('line', onLine);
        r.off('exit', end);
        signal.removeEventListener('abort', end);
        out.end();
      };
      r.log.on('line', onLine);
      r.once('exit', end);
      signal.addEventListener('abort', end);
      out.on('close', end);
      if (!r.running) setImmediate(end);
      return out;
    },

    async exec(req: ExecRequest): Promise<{ exitCode: number }> {
      // The apiserver sends pods/attach as an exec without a command (apiserver/streams/exec.ts).
      if (!req.command.length) return streams.attach(req);
      const { w, r } = lookup(d, req.namespace, req.pod, req.container);
      const child = spawnInNetns(w.netns, req.command, { env: { ...r.setup.env, ...(req.tty ? { TERM: 'xterm' } : {}) }, cwd: r.setup.cwd, stdin: !!req.stdin, tty: req.tty, uts: r.setup.uts });
      if (req.stdin && child.stdin) req.stdin.pipe(child.stdin);
      child.stdin?.on('error', () => {});
      if (req.stdout) child.stdout?.pipe(req.stdout, { end: false });
      else child.stdout?.resume();
      const errTo = req.stderr ?? (req.tty ? req.stdout : undefined);
      if (errTo) child.stderr?.pipe(errTo, { end: false });
      else child.stderr?.resume();
      const onAbort = () => child.pid && signalGroup(child.pid, 'SIGKILL');
      req.signal.addEventListener('abort', onAbort);
      return new Promise((resolve, reject) => {
        child.on('error', (e) => reject(new PodnetError('KUBELET_EXEC_FAILED', `kubelet: cannot exec ${JSON.stringify(req.command)} in pod "${req.pod}": ${e.message}`)));
        child.on('close', (code, sig) => {
          req.signal.removeEventListener('abort', onAbort);
          resolve({ exitCode: code ?? (sig ? 128 + 9 : 1) });
        });
      });
    },

    async portForward(namespace: string, pod: string, port: number, signal: AbortSignal): Promise<Duplex> {
      const w = d.findPod(namespace, pod);
      if (!w?.podIP) throw new PodnetError('KUBELET_POD_NOT_FOUND', `kubelet: pod "${namespace}/${pod}" is not running on this node`);
      const sock = w.hostNetwork ? await d.dial(d.nodeNetns, '127.0.0.1', port) : await d.dial(d.nodeNetns, w.podIP, port);
      signal.addEventListener('abort', () => sock.destroy());
      return sock;
    },

    async attach(req): Promise<{ exitCode: number }> {
      const { r } = lookup(d, req.namespace, req.pod, req.container);
      if (!r.running) throw new PodnetError('KUBELET_CONTAINER_NOT_RUNNING', `kubelet: container "${r.name}" of pod "${req.pod}" is not running`);
      const stdin = r.stdin;
      if (req.stdin && stdin) {
        req.stdin.on('data', (b: Buffer) => stdin.write(b));
        if (r.setup.spec.stdinOnce) req.stdin.on('end', () => stdin.end());
      }
      const onOut = (stream: string, b: Buffer) => {
        const to = stream === 'stderr' && !req.tty ? req.stderr : req.stdout;
        to?.write(b);
      };
      r.on('output', onOut);
      return new Promise((resolve) => {
        const done = (code: number) => {
          r.off('output', onOut);
          r.off('exit', onExit);
          req.signal.removeEventListener('abort', onAbort);
          resolve({ exitCode: code });
        };
        const onExit = () => done(0);
        const onAbort = () => done(0);
        r.on('exit', onExit);
        req.signal.addEventListener('abort', onAbort);
      });
    },
  };
  return streams;
}
