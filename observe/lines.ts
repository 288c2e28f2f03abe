// A long-running command inside a node's namespace whose stdout is read line by line
// (`conntrack -E`, `nft monitor trace`). Like host/exec.ts, it always names the namespace.
import { spawn, type ChildProcess } from 'node:child_process';

export interface LineProcess {
  readonly pid: number | undefined;
  stop(): Promise<void>;
}

export function followLines(netns: string, cmd: string, args: readonly string[], onLine: (line: string) => void, onExit?: (code: number | null, stderr: string) => void): LineProcess {
  const child: ChildProcess = spawn('ip', ['netns', 'exec', netns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let buf = '';
  let err = '';
  let stopping = false;
  child.stdout!.on('data', (b: Buffer) => {
    buf += b.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line) onLine(line);
    }
  });
  child.stderr!.on('data', (b: Buffer) => {
    if (err.length < 4096) err += b.toString();
  });
  const exited = new Promise<void>((resolve) => {
    child.on('close', (code) => {
      if (!stopping) onExit?.(code, err);
      resolve();
    });
    child.on('error', () => resolve());
  });
  return {
    pid: child.pid,
    async stop() {
      stopping = true;
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
