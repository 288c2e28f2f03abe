// A long-lived `nft -i` per network namespace, for small transactions that come often (one changed
// Service). Starting nft costs ~12–16 ms per call (exec, library setup, cache read); a running
// interactive nft takes a one-line transaction in ~1–2 ms. Each line nft reads is one atomic batch,
// so a script is flattened to one line. nft prints nothing on success, so every transaction is
// followed by a marker line that is a syntax error: nft echoes it on stderr, and whatever stderr
// said before it is the transaction's own error. Anything unexpected (the process died, a script
// that cannot be flattened, a large script) goes through `nft -f -` as before.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { realNft, type Nft } from './nft.js';

/** Scripts above this size gain nothing from the session and would make a very long line. */
const MAX_SESSION_SCRIPT = 256 * 1024;
const MARKER = '@@podnet-done-';

/**
 * One line for nft's interactive parser: statements joined by `;`, except inside an element list
 * or a block being opened/closed, where a newline is only whitespace. Undefined when the script has
 * something a line cannot carry safely (a `#` comment would swallow the rest of the line).
 */
export function flattenNftScript(script: string): string | undefined {
  const lines = script.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  let out = '';
  let prev = '';
  for (const line of lines) {
    if (line.includes('#') || line.includes(MARKER)) return undefined;
    if (out !== '') {
      const glue = prev.endsWith('{') || prev.endsWith(',') || prev.endsWith(';') || line.startsWith('}') || line.startsWith(',') ? ' ' : '; ';
      out += glue;
    }
    out += line;
    prev = line;
  }
  return out;
}

class Session {
  private readonly child: ChildProcessWithoutNullStreams;
  private stderr = '';
  private seq = 0;
  private waiting: { marker: string; resolve: (err: string) => void; reject: (e: Error) => void } | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  dead = false;

  constructor(netns: string) {
    this.child = spawn('ip', ['netns', 'exec', netns, 'nft', '-i'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.resume();
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (s: string) => {
      this.stderr += s;
      this.settle();
    });
    const die = (why: string) => {
      this.dead = true;
      this.waiting?.reject(new Error(`host: nft session ended (${why})`));
      this.waiting = undefined;
    };
    this.child.on('error', (e) => die(e.message));
    this.child.on('exit', (code, signal) => die(signal ?? `exit ${code}`));
    this.child.stdin.on('error', () => die('stdin closed'));
  }

  /** Resolves with nft's error text for the transaction ('' on success). */
  run(line: string): Promise<string> {
    const next = this.queue.then(
      () =>
        new Promise<string>((resolve, reject) => {
          if (this.dead) return reject(new Error('host: nft session ended'));
          const marker = `${MARKER}${++this.seq}`;
          this.waiting = { marker, resolve, reject };
          this.child.stdin.write(`${line}\n${marker}\n`);
        }),
    );
    this.queue = next.catch(() => undefined);
    return next;
  }

  private settle(): void {
    const w = this.waiting;
    if (!w) return;
    const lines = this.stderr.split('\n');
    const at = lines.indexOf(w.marker);
    // The marker's own report is three lines: "Error: syntax error…", the marker, a caret line.
    if (at < 0 || lines.length < at + 3) return;
    const own = lines.slice(0, Math.max(0, at - 1)).join('\n').trim();
    this.stderr = lines.slice(at + 2).join('\n');
    this.waiting = undefined;
    w.resolve(own);
  }

  close(): void {
    this.dead = true;
    this.child.stdin.end();
    this.child.kill();
  }
}

export interface NftWithSessions extends Nft {
  /** Ends every session (their nft processes). */
  close(): void;
  /** Transactions applied through a session, and those that went through `nft -f -` instead. */
  stats(): { session: number; fallback: number };
}

/**
 * The `Nft` interface with small `apply` transactions sent to a long-lived nft per namespace.
 * Errors read like `nft -f`'s: a failed transaction is retried once through `nft -f -`, whose
 * error is the one thrown, so a session never changes what succeeds or fails.
 */
export function nftWithSessions(base: Nft = realNft): NftWithSessions {
  const sessions = new Map<string, Session>();
  const counts = { session: 0, fallback: 0 };
  const sessionFor = (netns: string): Session => {
    let s = sessions.get(netns);
    if (!s || s.dead) {
      s = new Session(netns);
      sessions.set(netns, s);
    }
    return s;
  };
  return {
    async apply(netns, script) {
      const line = script.length <= MAX_SESSION_SCRIPT ? flattenNftScript(script) : undefined;
      if (line !== undefined) {
        const err = await sessionFor(netns).run(line).catch((e: Error) => e.message);
        if (err === '') {
          counts.session++;
          return;
        }
      }
      counts.fallback++;
      await base.apply(netns, script);
    },
    check: (netns, script) => base.check(netns, script),
    listTable: (netns, family, table) => base.listTable(netns, family, table),
    listTableJson: (netns, family, table) => base.listTableJson(netns, family, table),
    deleteTable: (netns, family, table) => base.deleteTable(netns, family, table),
    stats: () => ({ ...counts }),
    close() {
      for (const s of sessions.values()) s.close();
      sessions.clear();
    },
  };
}
