// The `forward` plugin: relays queries to upstream resolvers with a selection policy, failover,
// health checks (a `. IN NS` probe for upstreams that failed) and UDP/TCP choice.
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import type { Directive } from './corefile.js';
import { answer, inZone, normZone, parseDuration, parseIntArg, pluginError, type Next, type Plugin, type PluginEnv, type Request, type Result } from './plugin.js';
import { decodeReply, encodeQuery, rcodeName, RCODE, T, type Answer } from './wire.js';

export interface Upstream {
  readonly host: string;
  readonly port: number;
}

export interface ForwardOptions {
  from: string;
  to: Upstream[];
  except: string[];
  policy: 'random' | 'round_robin' | 'sequential';
  forceTcp: boolean;
  preferUdp: boolean;
  maxFails: number;
  healthCheckMs: number;
  expireMs: number;
  timeoutMs: number;
  maxConcurrent: number;
}

function parseUpstream(d: Directive, spec: string): Upstream[] {
  let s = spec.replace(/^dns:\/\//, '');
  if (/^[a-z]+:\/\//.test(s)) throw pluginError(d, `upstream "${spec}": only plain DNS (dns://) is supported`);
  if (!net.isIP(s.replace(/^\[|\]$/g, '').split('%')[0]!) && !/^\[?[0-9a-fA-F:.]+\]?:\d+$/.test(s)) {
    // Not an address: a resolv.conf-style file, as in `forward . /etc/resolv.conf`.
    let text: string;
    try {
      text = readFileSync(s, 'utf8');
    } catch {
      throw pluginError(d, `upstream "${spec}" is neither an IP address nor a readable resolv.conf file`);
    }
    const out = [...text.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => ({ host: m[1]!, port: 53 }));
    if (out.length === 0) throw pluginError(d, `"${spec}" lists no nameserver`);
    return out;
  }
  let port = 53;
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    s = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else if (net.isIP(s) !== 6) {
    const m = /^(.+):(\d+)$/.exec(s);
    if (m) {
      s = m[1]!;
      port = Number(m[2]);
    }
  }
  if (!net.isIP(s) || port < 1 || port > 65535) throw pluginError(d, `upstream "${spec}" is not an IP[:port]`);
  return [{ host: s, port }];
}

export function parseForward(d: Directive): ForwardOptions {
  if (d.args.length < 2) throw pluginError(d, 'needs FROM and at least one TO');
  const o: ForwardOptions = {
    from: normZone(d.args[0]!),
    to: d.args.slice(1).flatMap((a) => parseUpstream(d, a)),
    except: [],
    policy: 'random',
    forceTcp: false,
    preferUdp: false,
    maxFails: 2,
    healthCheckMs: 500,
    expireMs: 10_000,
    timeoutMs: 2000,
    maxConcurrent: 0,
  };
  if (o.to.length > 15) throw pluginError(d, 'more than 15 upstreams');
  for (const sub of d.block) {
    const a = sub.args;
    switch (sub.name) {
      case 'except':
        o.except = a.map(normZone);
        break;
      case 'force_tcp':
        o.forceTcp = true;
        break;
      case 'prefer_udp':
        o.preferUdp = true;
        break;
      case 'max_fails':
        o.maxFails = parseIntArg(d, a[0], 'max_fails', 0, 1000);
        break;
      case 'expire':
        o.expireMs = parseDuration(d, a[0]);
        break;
      case 'health_check':
        o.healthCheckMs = parseDuration(d, a[0]);
        break;
      case 'policy':
        if (a[0] !== 'random' && a[0] !== 'round_robin' && a[0] !== 'sequential') throw pluginError(d, `policy "${a[0] ?? ''}" must be random, round_robin or sequential`);
        o.policy = a[0];
        break;
      case 'max_concurrent':
        o.maxConcurrent = parseIntArg(d, a[0], 'max_concurrent', 1, 1_000_000);
        break;
      case 'timeout': // podnet extra: per-try read timeout (CoreDNS uses 2s)
        o.timeoutMs = parseDuration(d, a[0]);
        break;
      default:
        throw pluginError(d, `unknown property "${sub.name}" (line ${sub.line})`);
    }
  }
  if (o.forceTcp && o.preferUdp) throw pluginError(d, 'force_tcp and prefer_udp are mutually exclusive');
  return o;
}

interface UpstreamState {
  readonly up: Upstream;
  readonly label: string;
  fails: number;
  checking?: NodeJS.Timeout;
}

/** Sends one query to one upstream; resolves the reply bytes, rejects on timeout/refusal. */
export function exchange(up: Upstream, query: Buffer, proto: 'udp' | 'tcp', timeoutMs: number): Promise<Buffer> {
  return proto === 'udp' ? exchangeUdp(up, query, timeoutMs) : exchangeTcp(up, query, timeoutMs);
}

function exchangeUdp(up: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket(net.isIP(up.host) === 6 ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (err: Error | undefined, buf?: Buffer) => {
      clearTimeout(timer);
      sock.close();
      if (err) reject(err);
      else resolve(buf!);
    };
    const timer = setTimeout(() => done(new Error(`timeout after ${timeoutMs}ms`)), timeoutMs);
    // A connected socket gets ICMP port-unreachable as ECONNREFUSED, so a down upstream fails fast.
    sock.on('error', (e) => done(e));
    sock.on('message', (msg) => {
      if (msg.length >= 2 && msg.readUInt16BE(0) === id) done(undefined, msg);
    });
    sock.connect(up.port, up.host, () => sock.send(query));
  });
}

function exchangeTcp(up: Upstream, query: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: up.host, port: up.port });
    let buf = Buffer.alloc(0);
    const done = (err: Error | undefined, out?: Buffer) => {
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(out!);
    };
    const timer = setTimeout(() => done(new Error(`timeout after ${timeoutMs}ms`)), timeoutMs);
    sock.on('error', (e) => done(e));
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) done(undefined, buf.subarray(2, 2 + buf.readUInt16BE(0)));
    });
    sock.on('end', () => done(new Error('connection closed before a reply')));
  });
}

export class ForwardPlugin implements Plugin {
  readonly name = 'forward';
  private readonly ups: UpstreamState[];
  private rr = 0;
  private inflight = 0;
  private closed = false;

  constructor(
    readonly opts: ForwardOptions,
    private readonly env: PluginEnv,
  ) {
    this.ups = opts.to.map((up) => ({ up, label: `${net.isIP(up.host) === 6 ? `[${up.host}]` : up.host}:${up.port}`, fails: 0 }));
    env.metrics.registry.onCollect(() => {
      for (const u of this.ups) env.metrics.forwardHealthy.set([u.label], this.isDown(u) ? 0 : 1);
    });
  }

  close(): void {
    this.closed = true;
    for (const u of this.ups) if (u.checking) clearInterval(u.checking);
  }

  private isDown(u: UpstreamState): boolean {
    return this.opts.maxFails > 0 && u.fails >= this.opts.maxFails;
  }

  /** Upstreams in the order to try: healthy ones by policy; if all are down, try them anyway. */
  private order(): UpstreamState[] {
    let list: UpstreamState[];
    if (this.opts.policy === 'sequential') list = [...this.ups];
    else if (this.opts.policy === 'round_robin') {
      const start = this.rr++ % this.ups.length;
      list = [...this.ups.slice(start), ...this.ups.slice(0, start)];
    } else {
      list = [...this.ups];
      for (let i = list.length - 1; i > 0; i--) {
        const j = Math.floor(Math.random() * (i + 1));
        [list[i], list[j]] = [list[j]!, list[i]!];
      }
    }
    const healthy = list.filter((u) => !this.isDown(u));
    return healthy.length ? healthy : list;
  }

  private fail(u: UpstreamState): void {
    u.fails++;
    this.env.metrics.forwardHealthFails.inc([u.label]);
    if (this.isDown(u) && !u.checking && !this.closed) {
      u.checking = setInterval(() => {
        exchange(u.up, encodeQuery('.', T.NS, { rd: false }), this.opts.forceTcp ? 'tcp' : 'udp', Math.min(this.opts.timeoutMs, 1000)).then(
          () => {
            u.fails = 0;
            if (u.checking) clearInterval(u.checking);
            u.checking = undefined;
          },
          () => this.env.metrics.forwardHealthFails.inc([u.label]),
        );
      }, this.opts.healthCheckMs);
      u.checking.unref();
    }
  }

  handle(req: Request, next: Next): Result {
    const name = req.q.name;
    if (!inZone(name, this.opts.from) || this.opts.except.some((z) => inZone(name, z))) return next(req);
    if (this.opts.maxConcurrent && this.inflight >= this.opts.maxConcurrent) {
      this.env.metrics.forwardMaxConcurrentRejects.inc([]);
      req.plugin = 'forward';
      return answer(RCODE.REFUSED);
    }
    req.plugin = 'forward';
    return this.forward(req);
  }

  private async forward(req: Request): Promise<Answer> {
    this.inflight++;
    try {
      const proto: 'udp' | 'tcp' = this.opts.forceTcp ? 'tcp' : this.opts.preferUdp ? 'udp' : req.proto;
      const query = encodeQuery(req.q.name, req.q.qtype, { rd: req.q.rd, edns: 1232 });
      let lastError = 'no upstream';
      for (const u of this.order()) {
        this.env.metrics.forwardRequests.inc([u.label]);
        try {
          let wire = await exchange(u.up, query, proto, this.opts.timeoutMs);
          let info = decodeReply(wire);
          if (info?.tc && proto === 'udp' && req.proto === 'tcp') {
            wire = await exchange(u.up, query, 'tcp', this.opts.timeoutMs);
            info = decodeReply(wire);
          }
          if (!info) throw new Error('malformed reply');
          u.fails = 0;
          this.env.metrics.forwardResponses.inc([u.label, rcodeName(info.rcode)]);
          return { rcode: info.rcode, aa: false, ra: true, tc: info.tc, answer: info.answer, authority: info.authority, additional: info.additional };
        } catch (err) {
          lastError = `${proto} ${u.label}: ${(err as Error).message}`;
          this.fail(u);
        }
      }
      return { ...answer(RCODE.SERVFAIL), error: lastError };
    } finally {
      this.inflight--;
    }
  }
}
