// The `hosts` plugin: /etc/hosts-style entries, inline and from a file, re-read when the file
// changes; answers A/AAAA/PTR and falls through (if configured) for names it does not have.
import { readFileSync, statSync } from 'node:fs';
import { canonicalIP, parseIP, reverseName } from '../api/ip.js';
import type { Directive } from './corefile.js';
import { answer, fallsThrough, inZone, normZone, parseDuration, parseIntArg, pluginError, type Next, type Plugin, type PluginEnv, type Request, type Result } from './plugin.js';
import { RCODE, T, fqdn, type RR } from './wire.js';

export interface HostsOptions {
  file?: string;
  zones: string[];
  inline: string[];
  ttl: number;
  noReverse: boolean;
  reloadMs: number;
  fallthrough?: string[];
}

export function parseHosts(d: Directive, blockZones: readonly string[]): HostsOptions {
  const o: HostsOptions = { file: d.args[0], zones: d.args.length > 1 ? d.args.slice(1).map(normZone) : blockZones.map(normZone), inline: [], ttl: 3600, noReverse: false, reloadMs: 5000 };
  for (const sub of d.block) {
    switch (sub.name) {
      case 'ttl':
        o.ttl = parseIntArg(d, sub.args[0], 'ttl', 0, 2 ** 31);
        break;
      case 'no_reverse':
        o.noReverse = true;
        break;
      case 'reload':
        o.reloadMs = parseDuration(d, sub.args[0]);
        break;
      case 'fallthrough':
        o.fallthrough = sub.args.map(normZone);
        break;
      default:
        if (!canonicalIP(sub.name)) throw pluginError(d, `unknown property "${sub.name}" (line ${sub.line})`);
        o.inline.push([sub.name, ...sub.args].join(' '));
    }
  }
  return o;
}

/** Parses hosts-file text into name → records (forward and, unless disabled, PTR). */
export function planHosts(lines: readonly string[], ttl: number, noReverse: boolean): Map<string, Map<number, RR[]>> {
  const table = new Map<string, Map<number, RR[]>>();
  const add = (rr: RR) => {
    let t = table.get(rr.name);
    if (!t) table.set(rr.name, (t = new Map()));
    const l = t.get(rr.type);
    if (!l) t.set(rr.type, [rr]);
    else if (!l.some((x) => x.data === rr.data)) l.push(rr);
  };
  for (const raw of lines) {
    const fields = raw.replace(/#.*/, '').trim().split(/\s+/).filter(Boolean);
    if (fields.length < 2) continue;
    const ip = canonicalIP(fields[0]!.split('%')[0]!);
    if (!ip) continue;
    const type = ip.includes(':') ? T.AAAA : T.A;
    for (const n of fields.slice(1)) {
      const name = fqdn(n);
      add({ name, type, ttl, data: ip } as RR);
      if (!noReverse) add({ name: `${reverseName(parseIP(ip))}.`, type: T.PTR, ttl, data: name });
    }
  }
  return table;
}

export class HostsPlugin implements Plugin {
  readonly name = 'hosts';
  private table = new Map<string, Map<number, RR[]>>();
  private mtime = -1;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly opts: HostsOptions,
    private readonly env: PluginEnv,
  ) {
    this.load();
    if (opts.file && opts.reloadMs > 0) {
      this.timer = setInterval(() => this.load(), opts.reloadMs);
      this.timer.unref();
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
  }

  private load(): void {
    let fileLines: string[] = [];
    if (this.opts.file) {
      try {
        const st = statSync(this.opts.file);
        if (st.mtimeMs === this.mtime) return;
        this.mtime = st.mtimeMs;
        fileLines = readFileSync(this.opts.file, 'utf8').split('\n');
      } catch (err) {
        if (this.mtime !== -2) this.env.log(`[WARNING] plugin/hosts: cannot read "${this.opts.file}": ${(err as Error).message}`);
        this.mtime = -2;
      }
    }
    this.table = planHosts([...this.opts.inline, ...fileLines], this.opts.ttl, this.opts.noReverse);
    this.env.metrics.hostsEntries.set([], this.table.size);
  }

  handle(req: Request, next: Next): Result {
    const q = req.q;
    if (!this.opts.zones.some((z) => inZone(q.name, z))) return next(req);
    const entry = this.table.get(q.name);
    const rrs = entry?.get(q.qtype);
    if (rrs?.length) {
      req.plugin = 'hosts';
      return answer(RCODE.NOERROR, rrs, [], [], true);
    }
    if (fallsThrough(this.opts.fallthrough, q.name)) return next(req);
    req.plugin = 'hosts';
    // CoreDNS hosts: a known name without records of this type is NODATA, otherwise NXDOMAIN.
    return answer(entry ? RCODE.NOERROR : RCODE.NXDOMAIN, [], [], [], true);
  }
}
