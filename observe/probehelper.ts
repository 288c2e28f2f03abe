// The daemon's side of one probe helper (probe_main.ts) in a pod's namespace: starts it through
// `ip netns exec` (like lines.ts, observe spawns its long-running helpers itself), matches answers
// to requests by id, and fails whatever is pending when the process goes.
import { spawn } from 'node:child_process';
import { PodnetError } from '../api/errors.js';
import { nodeArgv } from '../host/entry.js';

export type ProbeOutcome = 'connected' | 'refused' | 'timeout' | `error:${string}`;

export interface ProbeAnswer {
  readonly outcome: ProbeOutcome;
  /** From the connect() call to the SYN/ACK or RST (or the timeout), measured inside the pod. */
  readonly micros: number;
}

export interface ProbeHelper {
  readonly netns: string;
  readonly pid: number;
  /** True once the process has exited: start a new one. */
  readonly gone: boolean;
  attempt(ip: string, port: number, sport: number, timeoutMs: number): Promise<ProbeAnswer>;
  stop(): Promise<void>;
}

/** How long a helper may take to start (node under tsx is slow on a loaded machine). */
const START_TIMEOUT_MS = 20_000;

export function startProbeHelper(netns: string): Promise<ProbeHelper> {
  const argv = nodeArgv(new URL('./probe_main.js', import.meta.url));
  const child = spawn('ip', ['netns', 'exec', netns, ...argv], { stdio: ['pipe', 'pipe', 'pipe'] });
  const pending = new Map<string, { resolve(a: ProbeAnswer): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
  let seq = 0;
  let gone = false;
  let err = '';
  let out = '';
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const failAll = (why: string) => {
    for (const [id, p] of pending) {
      clearTimeout(p.timer);
      p.reject(new PodnetError('OBSERVE_PROBE_HELPER', `observe: probe helper in netns "${netns}" ${why}`));
      pending.delete(id);
    }
  };
  child.stderr.on('data', (b: Buffer) => {
    if (err.length < 2048) err += b.toString();
  });
  child.stdin.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const startTimer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new PodnetError('OBSERVE_PROBE_HELPER', `observe: probe helper in netns "${netns}" did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const helper: ProbeHelper = {
      netns,
      pid: child.pid ?? -1,
      get gone() {
        return gone;
      },
      attempt(ip, port, sport, timeoutMs) {
        if (gone) return Promise.reject(new PodnetError('OBSERVE_PROBE_HELPER', `observe: probe helper in netns "${netns}" has exited`));
        const id = String(++seq);
        return new Promise<ProbeAnswer>((res, rej) => {
          // The helper enforces the timeout; this one only catches a helper that stopped answering.
          const timer = setTimeout(() => {
            pending.delete(id);
            rej(new PodnetError('OBSERVE_PROBE_HELPER', `observe: probe helper in netns "${netns}" did not answer within ${timeoutMs + 2000} ms`));
          }, timeoutMs + 2000);
          pending.set(id, { resolve: res, reject: rej, timer });
          child.stdin.write(`${id} ${ip} ${port} ${sport} ${timeoutMs}\n`);
        });
      },
      async stop() {
        if (!gone) child.stdin.end();
        const kill = setTimeout(() => child.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(kill);
      },
    };
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        if (line === 'ready') {
          clearTimeout(startTimer);
          resolve(helper);
          continue;
        }
        const [id, outcome, micros] = line.split(' ');
        const p = pending.get(id ?? '');
        if (!p) continue;
        pending.delete(id!);
        clearTimeout(p.timer);
        p.resolve({ outcome: outcome as ProbeOutcome, micros: Number(micros) });
      }
    });
    child.once('error', (e) => {
      gone = true;
      clearTimeout(startTimer);
      reject(new PodnetError('OBSERVE_PROBE_HELPER', `observe: cannot start the probe helper in netns "${netns}": ${e.message}`));
    });
    child.once('close', (code) => {
      gone = true;
      clearTimeout(startTimer);
      failAll(`exited (${code})${err.trim() ? `: ${err.trim()}` : ''}`);
      reject(new PodnetError('OBSERVE_PROBE_HELPER', `observe: probe helper in netns "${netns}" exited (${code}) before it was ready: ${err.trim()}`));
    });
  });
}
