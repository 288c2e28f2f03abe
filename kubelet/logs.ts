// Container logs, one file per container run in the CRI format (`<RFC3339Nano> <stream> F <line>`),
// the previous run kept beside it. Followers get new lines as they are written.
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';

export interface LogLine {
  readonly time: string;
  readonly stream: 'stdout' | 'stderr';
  readonly text: string;
}

export function formatLogLine(l: LogLine): string {
  return `${l.time} ${l.stream} F ${l.text}\n`;
}

export function parseLogLine(line: string): LogLine | undefined {
  const m = /^(\S+) (stdout|stderr) [FP] (.*)$/.exec(line);
  return m ? { time: m[1]!, stream: m[2] as 'stdout' | 'stderr', text: m[3]! } : undefined;
}

export class ContainerLog extends EventEmitter {
  private partial = { stdout: '', stderr: '' };
  constructor(readonly dir: string) {
    super();
    fs.mkdirSync(dir, { recursive: true });
  }

  get currentPath(): string {
    return path.join(this.dir, 'current.log');
  }
  get previousPath(): string {
    return path.join(this.dir, 'previous.log');
  }

  /** A new run begins: the current log becomes the previous one. */
  rotate(): void {
    this.flush();
    if (fs.existsSync(this.currentPath)) fs.renameSync(this.currentPath, this.previousPath);
    fs.writeFileSync(this.currentPath, '');
    this.emit('rotate');
  }

  write(stream: 'stdout' | 'stderr', chunk: Buffer | string): void {
    const text = this.partial[stream] + chunk.toString();
    const parts = text.split('\n');
    this.partial[stream] = parts.pop() ?? '';
    for (const p of parts) this.line({ time: new Date().toISOString(), stream, text: p.replace(/\r$/, '') });
  }

  /** Writes any unterminated line (the process ended). */
  flush(): void {
    for (const s of ['stdout', 'stderr'] as const) {
      if (this.partial[s]) this.line({ time: new Date().toISOString(), stream: s, text: this.partial[s] });
      this.partial[s] = '';
    }
  }

  private line(l: LogLine): void {
    fs.appendFileSync(this.currentPath, formatLogLine(l));
    this.emit('line', l);
  }

  read(previous: boolean): LogLine[] {
    const p = previous ? this.previousPath : this.currentPath;
    if (!fs.existsSync(p)) return [];
    return fs.readFileSync(p, 'utf8').split('\n').map(parseLogLine).filter((l): l is LogLine => l !== undefined);
  }
}

export interface LogSelect {
  readonly tailLines?: number;
  readonly sinceSeconds?: number;
  readonly limitBytes?: number;
  readonly timestamps?: boolean;
}

/** Lines as `kubectl logs` shows them, after since/tail/limit. */
export function selectLogText(lines: readonly LogLine[], o: LogSelect, now = Date.now()): string {
  let sel = lines;
  if (o.sinceSeconds !== undefined) sel = sel.filter((l) => Date.parse(l.time) >= now - o.sinceSeconds! * 1000);
  if (o.tailLines !== undefined) sel = o.tailLines <= 0 ? [] : sel.slice(-o.tailLines);
  let text = sel.map((l) => renderLine(l, o.timestamps ?? false)).join('');
  if (o.limitBytes !== undefined) text = Buffer.from(text).subarray(0, o.limitBytes).toString();
  return text;
}

export function renderLine(l: LogLine, timestamps: boolean): string {
  return timestamps ? `${l.time} ${l.text}\n` : `${l.text}\n`;
}
