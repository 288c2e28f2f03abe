// The `log` and `errors` plugins. `log` writes CoreDNS's common log format:
// [INFO] 127.0.0.1:55358 - 23423 "A IN web.shop.svc.cluster.local. udp 43 false 512" NOERROR qr,aa,rd 104 0.000102s
import type { Directive } from './corefile.js';
import { pluginError, type Next, type Plugin, type PluginEnv, type Request, type Result } from './plugin.js';
import { RCODE, rcodeName, typeName, type Answer } from './wire.js';

export interface LogOptions {
  /** Only these response classes are logged: success, denial, error, all. */
  classes: Set<string>;
}

export function parseLog(d: Directive): LogOptions {
  const classes = new Set<string>();
  for (const sub of d.block) {
    if (sub.name !== 'class') throw pluginError(d, `unknown property "${sub.name}" (line ${sub.line})`);
    for (const c of sub.args) {
      if (!['success', 'denial', 'error', 'all'].includes(c)) throw pluginError(d, `class "${c}" must be success, denial, error or all`);
      classes.add(c);
    }
  }
  if (classes.size === 0) classes.add('all');
  return { classes };
}

function classOf(a: Answer): string {
  if (a.rcode === RCODE.NOERROR && a.answer.length > 0) return 'success';
  if (a.rcode === RCODE.NXDOMAIN || a.rcode === RCODE.NOERROR) return 'denial';
  return 'error';
}

export function logLine(req: Request, a: Answer, size: number, seconds: number, ra: boolean): string {
  const q = req.q;
  const c = req.client;
  const remote = c.family === 6 ? `[${c.address}]:${c.port}` : `${c.address}:${c.port}`;
  const flags = ['qr', ...(a.aa ? ['aa'] : []), ...(a.tc ? ['tc'] : []), ...(q.rd ? ['rd'] : []), ...(ra || a.ra ? ['ra'] : [])].join(',');
  const qname = q.qname === '' ? '.' : `${q.qname}.`;
  return `[INFO] ${remote} - ${q.id} "${typeName(q.qtype)} IN ${qname} ${req.proto} ${q.raw.length} ${q.cd ? 'true' : 'false'} ${q.edns ?? 512}" ${rcodeName(a.rcode)} ${flags} ${size} ${seconds.toFixed(9).replace(/0+$/, '')}s`;
}

/** Marks the request for logging; the server writes the line once the reply size is known. */
export class LogPlugin implements Plugin {
  readonly name = 'log';
  constructor(readonly opts: LogOptions) {}
  wants(a: Answer): boolean {
    return this.opts.classes.has('all') || this.opts.classes.has(classOf(a));
  }
  handle(req: Request, next: Next): Result {
    return next(req);
  }
}

/** `errors`: logs SERVFAIL causes and exceptions as CoreDNS does ([ERROR] plugin/errors: 2 name. A: …). */
export class ErrorsPlugin implements Plugin {
  readonly name = 'errors';
  constructor(private readonly env: PluginEnv) {}
  handle(req: Request, next: Next): Result {
    let r: Result;
    try {
      r = next(req);
    } catch (err) {
      return this.fail(req, err);
    }
    if (r instanceof Promise) return r.then((a) => this.check(req, a), (err) => this.fail(req, err));
    return r.error === undefined ? r : this.check(req, r);
  }
  private check(req: Request, a: Answer): Answer {
    if (a.error) this.env.log(`[ERROR] plugin/errors: 2 ${req.q.qname}. ${typeName(req.q.qtype)}: ${a.error}`);
    return a;
  }
  private fail(req: Request, err: unknown): Answer {
    this.env.log(`[ERROR] plugin/errors: 2 ${req.q.qname}. ${typeName(req.q.qtype)}: ${err instanceof Error ? err.message : String(err)}`);
    return { rcode: RCODE.SERVFAIL, aa: false, answer: [], authority: [], additional: [] };
  }
}

export { rcodeName };
