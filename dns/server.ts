// serveDns: UDP+TCP listeners for every server block of a Corefile, dispatch to the most
// specific zone's plugin chain, encoded-answer templates, metrics, logs, flows and reload.
import dgram from 'node:dgram';
import net from 'node:net';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import { PodnetError, errorMessage } from '../api/errors.js';
import type { ConfigMap, EndpointSlice, KubeObject, Pod, Service } from '../api/types.js';
import { R, type ObjectSource } from '../client/source.js';
import { buildChain, type Chain } from './chain.js';
import { compileCorefile, type BlockConfig } from './config.js';
import { exchange } from './forward.js';
import { httpKey, listenHttp, type HttpListener } from './http.js';
import { logLine } from './log.js';
import { dnsMetrics, type DnsMetrics } from './metrics.js';
import { matchZone, type PluginEnv, type Request } from './plugin.js';
import { encodeAnswer, encodeError, encodeQuery, parseQuery, patchTemplate, RCODE, rcodeName, T, typeName, type Answer, type Query } from './wire.js';

/** One answered query, for the observability component. */
export interface DnsFlow {
  time: Date;
  client: string;
  name: string;
  type: string;
  rcode: string;
  latencyMs: number;
  proto: 'udp' | 'tcp';
  server: string;
}

export interface ServeDnsOptions {
  /** Corefile text; may be empty when `corefileConfigMap` supplies it. */
  corefile: string;
  source: ObjectSource;
  onQuery?: (flow: DnsFlow) => void;
  /** The file `corefile` came from: watched when the Corefile has `reload`. */
  corefilePath?: string;
  /** Read the Corefile from this ConfigMap (key `Corefile`) and reload when it changes. */
  corefileConfigMap?: { namespace: string; name: string };
  /** Where `log`/`errors` lines go (default stdout). */
  log?: (line: string) => void;
  /** Environment for `{$VAR}` (default process.env). */
  env?: Record<string, string | undefined>;
}

export interface DnsServer {
  close(): Promise<void>;
  /** Replaces the Corefile; throws (and keeps serving the old one) when it is invalid. */
  reload(corefileText: string): Promise<void>;
  addresses(): { udp: { address: string; port: number }; tcp: { address: string; port: number } }[];
  /** Prometheus text of every metric. */
  metrics(): string;
  /** Listening address of health/ready/prometheus, by plugin. */
  httpAddresses(): Record<string, { address: string; port: number }>;
  /** The live chains (tests and benchmarks look into the kubernetes plugin and cache). */
  chains(): readonly Chain[];
}

interface Block {
  readonly cfg: BlockConfig;
  readonly chain: Chain;
  readonly server: string;
  readonly ra: boolean;
  /** "server\0zone" for the zone of this block that holds `name` (metric label prefix). */
  labelBase(name: string): string;
}

interface Listener {
  readonly key: string;
  readonly udp: dgram.Socket[];
  readonly tcp: net.Server[];
  blocks: Block[];
}

const TCP_IDLE_MS = 10_000;

function listenerKey(cfg: BlockConfig): string {
  return `${cfg.bind.join(',') || '*'}|${cfg.port}`;
}

function serverLabel(cfg: BlockConfig): string {
  return `dns://${cfg.bind[0] ?? ''}:${cfg.port}`;
}

async function bindUdp(host: string, port: number): Promise<dgram.Socket> {
  // Replies go to the sender's literal IP: skip dns.lookup's extra tick on every send.
  const lookup = (address: string, _family: unknown, cb: (err: Error | null, address: string, family: number) => void) => cb(null, address, net.isIP(address));
  const sock = dgram.createSocket({ type: net.isIP(host) === 6 ? 'udp6' : 'udp4', reuseAddr: false, lookup: lookup as never });
  await new Promise<void>((resolve, reject) => {
    sock.once('error', reject);
    sock.bind(port, host, () => {
      sock.off('error', reject);
      resolve();
    });
  });
  return sock;
}

async function bindTcp(host: string, port: number, onConn: (s: net.Socket) => void): Promise<net.Server> {
  const srv = net.createServer(onConn);
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(port, host, () => {
      srv.off('error', reject);
      resolve();
    });
  });
  return srv;
}

export async function serveDns(opts: ServeDnsOptions): Promise<DnsServer> {
  const metrics: DnsMetrics = dnsMetrics();
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const src = opts.source;
  const informers = {
    services: src.informer<Service & KubeObject>(R.services),
    endpointslices: src.informer<EndpointSlice & KubeObject>(R.endpointslices),
    pods: src.informer<Pod & KubeObject>(R.pods),
    configmaps: src.informer<ConfigMap & KubeObject>(R.configmaps),
  };
  let synced = false;
  const listeners = new Map<string, Listener>();
  const https = new Map<string, HttpListener>();
  const templates = new WeakMap<Answer, { variant: number; qtype: number; name: string; buf: Buffer }[]>();
  let blocks: Block[] = [];
  let closed = false;
  let corefileText = opts.corefile;
  const cleanups: (() => void)[] = [];

  const envFor = (cfg: BlockConfig, server: string, chainRef: { chain?: Chain }): PluginEnv => ({
    metrics,
    informers,
    log,
    server,
    zones: cfg.zones,
    listenAddresses: () => addressesOf(listeners.get(listenerKey(cfg))),
    resolve: async (name, qtype, depth) => {
      const raw = encodeQuery(name, qtype);
      const parsed = parseQuery(raw);
      if (!parsed.ok) throw new PodnetError('DNS_INTERNAL', `dns: cannot build a query for "${name}"`);
      const req: Request = { q: parsed.query, proto: 'udp', client: { address: '127.0.0.1', port: 0, family: 4 }, server, zone: cfg.zones[0]!, depth };
      // Internal lookups go through the block serving the target name, like a query would.
      const listener = listeners.get(listenerKey(cfg));
      const block = listener ? pickBlock(listener.blocks, parsed.query.name) : undefined;
      return (block?.chain ?? chainRef.chain!).run(req);
    },
  });

  const build = (configs: BlockConfig[]): Block[] =>
    configs.map((cfg) => {
      const server = serverLabel(cfg);
      const ref: { chain?: Chain } = {};
      const chain = buildChain(cfg, envFor(cfg, server, ref));
      ref.chain = chain;
      const bases = new Map(cfg.zones.map((z) => [z, `${server}\u0000${z}`]));
      const labelBase = (name: string) => (cfg.zones.length === 1 ? bases.get(cfg.zones[0]!)! : bases.get(matchZone(name, cfg.zones) ?? cfg.zones[0]!)!);
      return { cfg, chain, server, ra: cfg.forward !== undefined, labelBase };
    });

  const pickBlock = (list: readonly Block[], name: string): Block | undefined => {
    let best: Block | undefined;
    let bestLen = -1;
    for (const b of list) {
      const z = matchZone(name, b.cfg.zones);
      if (z === undefined) continue;
      const len = z === '.' ? 0 : z.length;
      if (len > bestLen) {
        best = b;
        bestLen = len;
      }
    }
    return best;
  };

  const send = (req: Request, block: Block | undefined, a: Answer, t0: number, reply: (b: Buffer) => void) => {
    const q = req.q;
    const udp = req.proto === 'udp';
    const limit = udp ? (q.edns ?? 512) : undefined;
    const variant = (q.edns ?? 0) * 2 + (udp ? 1 : 0);
    const ra = block?.ra ?? false;
    let per = templates.get(a);
    let tpl: Buffer | undefined;
    if (per) {
      for (const t of per) {
        if (t.variant === variant && t.qtype === q.qtype && t.name === q.name) {
          tpl = t.buf;
          break;
        }
      }
    }
    let out: Buffer;
    if (tpl) out = patchTemplate(tpl, q);
    else {
      out = encodeAnswer(q, a, { limit, edns: q.edns !== undefined, ra });
      if (!per) templates.set(a, (per = []));
      if (per.length < 8) per.push({ variant, qtype: q.qtype, name: q.name, buf: out });
    }
    reply(out);
    const seconds = (performance.now() - t0) / 1000;
    const server = block?.server ?? 'dns://:0';
    const type = typeName(q.qtype);
    const base = block ? block.labelBase(q.name) : `${server}\u0000.`;
    const k = metricKeys(base, q.qtype, udp, req.client.family, a.rcode, req.plugin ?? '');
    metrics.requests.incKey(k.request);
    metrics.responses.incKey(k.response);
    metrics.duration.observeKey(k.duration, seconds);
    const lp = block?.chain.log;
    if (lp && lp.wants(a)) log(logLine(req, a, out.length, seconds, ra));
    if (opts.onQuery) {
      try {
        opts.onQuery({ time: new Date(), client: req.client.address, name: q.name, type, rcode: rcodeName(a.rcode), latencyMs: seconds * 1000, proto: req.proto, server });
      } catch {
        /* an observer's bug must not break answering */
      }
    }
  };

  // Label keys are interned per combination: the same string object each time keeps its hash,
  // so the per-query Map updates do not rehash freshly concatenated strings.
  type Keys = { request: string; response: string; duration: string };
  const keyCache = new Map<string, Map<string, Map<number, Keys>>>();
  const metricKeys = (base: string, qtype: number, udp: boolean, family: 4 | 6, rcode: number, plugin: string): Keys => {
    const id = ((qtype * 2 + (udp ? 1 : 0)) * 2 + (family === 6 ? 1 : 0)) * 16 + (rcode & 0xf);
    let byPlugin = keyCache.get(base);
    if (!byPlugin) keyCache.set(base, (byPlugin = new Map()));
    let byBase = byPlugin.get(plugin);
    if (!byBase) byPlugin.set(plugin, (byBase = new Map()));
    let k = byBase.get(id);
    if (!k) {
      const type = typeName(qtype);
      k = {
        request: `${base}\u0000${udp ? 'udp' : 'tcp'}\u0000${family === 6 ? '2' : '1'}\u0000${type}`,
        response: `${base}\u0000${rcodeName(rcode)}\u0000${plugin}`,
        duration: `${base}\u0000${type}`,
      };
      if (byBase.size < 4096) byBase.set(id, k);
    }
    return k;
  };

  const SERVFAIL: Answer = { rcode: RCODE.SERVFAIL, aa: false, answer: [], authority: [], additional: [] };
  const REFUSED: Answer = { rcode: RCODE.REFUSED, aa: false, answer: [], authority: [], additional: [] };

  const handle = (listener: Listener, raw: Buffer, client: { address: string; port: number; family: 4 | 6 }, proto: 'udp' | 'tcp', reply: (b: Buffer) => void) => {
    const t0 = performance.now();
    const parsed = parseQuery(raw);
    if (!parsed.ok) {
      if (parsed.rcode >= 0) reply(encodeError(raw, parsed.id, parsed.rcode));
      return;
    }
    const q: Query = parsed.query;
    const block = pickBlock(listener.blocks, q.name);
    const req: Request = { q, proto, client, server: block?.server ?? '', zone: block?.cfg.zones[0] ?? '.', depth: 0 };
    if (!block) {
      send(req, block, REFUSED, t0, reply);
      return;
    }
    // RFC 8482: ANY gets one small synthesized record instead of everything.
    if (q.qtype === T.ANY) {
      req.plugin = 'any';
      send(req, block, { rcode: 0, aa: false, answer: [{ name: q.name, type: T.HINFO, ttl: 8482, data: { cpu: 'RFC8482', os: '' } }], authority: [], additional: [] }, t0, reply);
      return;
    }
    if (q.qtype === T.AXFR || q.qtype === 251 || (q.qclass !== 1 && q.qclass !== 255)) {
      send(req, block, q.qclass !== 1 ? REFUSED : { ...REFUSED, rcode: RCODE.NOTIMP }, t0, reply);
      return;
    }
    let r;
    try {
      r = block.chain.run(req);
    } catch (err) {
      metrics.panics.inc([]);
      log(`[ERROR] plugin/errors: 2 ${q.qname}. ${typeName(q.qtype)}: ${errorMessage(err)}`);
      r = SERVFAIL;
    }
    if (r instanceof Promise) {
      r.then(
        (a) => send(req, block, a, t0, reply),
        (err) => {
          log(`[ERROR] plugin/errors: 2 ${q.qname}. ${typeName(q.qtype)}: ${errorMessage(err)}`);
          send(req, block, SERVFAIL, t0, reply);
        },
      ).catch(() => undefined);
    } else send(req, block, r, t0, reply);
  };

  const onTcp = (listener: Listener) => (sock: net.Socket) => {
    let buf = Buffer.alloc(0);
    sock.setTimeout(TCP_IDLE_MS, () => sock.destroy());
    sock.on('error', () => sock.destroy());
    const family: 4 | 6 = sock.remoteFamily === 'IPv6' ? 6 : 4;
    const client = { address: sock.remoteAddress ?? '', port: sock.remotePort ?? 0, family };
    sock.on('data', (chunk) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2) {
        const len = buf.readUInt16BE(0);
        if (buf.length < 2 + len) break;
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        handle(listener, msg, client, 'tcp', (out) => {
          if (sock.destroyed) return;
          const frame = Buffer.allocUnsafe(out.length + 2);
          frame.writeUInt16BE(out.length, 0);
          out.copy(frame, 2);
          sock.write(frame);
        });
      }
    });
  };

  const openListener = async (cfg: BlockConfig): Promise<Listener> => {
    const hosts = cfg.bind.length ? cfg.bind : ['0.0.0.0'];
    const listener: Listener = { key: listenerKey(cfg), udp: [], tcp: [], blocks: [] };
    try {
      for (const host of hosts) {
        // Port 0: UDP picks a port and TCP takes the same one; retry when TCP's is taken.
        for (let attempt = 0; ; attempt++) {
          const udp = await bindUdp(host, cfg.port);
          const port = udp.address().port;
          try {
            const tcp = await bindTcp(host, port, onTcp(listener));
            listener.udp.push(udp);
            listener.tcp.push(tcp);
            break;
          } catch (err) {
            udp.close();
            if (cfg.port !== 0 || attempt > 10) throw err;
          }
        }
      }
    } catch (err) {
      closeListener(listener);
      throw new PodnetError('DNS_LISTEN_FAILED', `dns: cannot listen on ${hosts.join(',')}:${cfg.port}: ${errorMessage(err)}`, { cause: err });
    }
    for (const udp of listener.udp) {
      udp.on('message', (msg, rinfo) => {
        const client = { address: rinfo.address, port: rinfo.port, family: (rinfo.family === 'IPv6' ? 6 : 4) as 4 | 6 };
        handle(listener, msg, client, 'udp', (out) => udp.send(out, rinfo.port, rinfo.address));
      });
      udp.on('error', (err) => log(`[ERROR] dns: udp socket: ${errorMessage(err)}`));
    }
    return listener;
  };

  const closeListener = (l: Listener) => {
    for (const u of l.udp) {
      try {
        u.close();
      } catch {
        /* already closed */
      }
    }
    for (const t of l.tcp) t.close();
  };

  const addressesOf = (l: Listener | undefined) =>
    (l?.udp ?? []).map((u) => {
      const a = u.address();
      return { address: a.address, port: a.port };
    });

  const syncHttp = async (configs: BlockConfig[]) => {
    const wanted = new Map<string, { addr: { host: string; port: number }; routes: [string, (p: string) => { status: number; body: string; type?: string } | undefined][] }>();
    const want = (addr: { host: string; port: number } | undefined, name: string, route: (p: string) => { status: number; body: string; type?: string } | undefined) => {
      if (!addr) return;
      const k = httpKey(addr);
      const w = wanted.get(k) ?? { addr, routes: [] };
      w.routes.push([name, route]);
      wanted.set(k, w);
    };
    for (const c of configs) {
      want(c.health, 'health', (p) => (p === '/health' ? { status: 200, body: 'OK' } : undefined));
      want(c.ready, 'ready', (p) => (p === '/ready' ? (synced ? { status: 200, body: 'OK' } : { status: 503, body: 'kubernetes' }) : undefined));
      want(c.prometheus, 'prometheus', (p) => (p === '/metrics' ? { status: 200, body: metrics.registry.render(), type: 'text/plain; version=0.0.4; charset=utf-8' } : undefined));
    }
    for (const [k, w] of wanted) {
      let l = https.get(k);
      if (!l) {
        l = await listenHttp(w.addr);
        https.set(k, l);
      }
      l.routes.clear();
      for (const [name, route] of w.routes) l.routes.set(name, route);
    }
    for (const [k, l] of https) {
      if (!wanted.has(k)) {
        https.delete(k);
        await l.close();
      }
    }
  };

  const runLoopProbes = async (list: Block[]) => {
    for (const b of list) {
      const loop = b.chain.loop;
      if (!loop) continue;
      const addr = addressesOf(listeners.get(listenerKey(b.cfg)))[0];
      if (!addr) continue;
      const host = addr.address === '0.0.0.0' ? '127.0.0.1' : addr.address === '::' ? '::1' : addr.address;
      await exchange({ host, port: addr.port }, encodeQuery(loop.probeName, T.HINFO), 'udp', 2000).catch(() => undefined);
      if (loop.detected) {
        throw new PodnetError(
          'DNS_LOOP_DETECTED',
          `dns: plugin/loop: Loop (${host}:${addr.port} -> ${b.server.replace('dns://', '')}) detected for zone "${b.cfg.zones[0]}", see https://coredns.io/plugins/loop#troubleshooting. Query: "HINFO ${loop.probeName}"`,
        );
      }
    }
  };

  /** Applies a Corefile: new chains, listeners opened/closed as needed, old chains closed. */
  const apply = async (text: string) => {
    const configs = compileCorefile(text, opts.env);
    const next = build(configs);
    const opened: Listener[] = [];
    const byKey = new Map<string, Block[]>();
    try {
      for (const b of next) {
        const k = listenerKey(b.cfg);
        byKey.set(k, [...(byKey.get(k) ?? []), b]);
        if (!listeners.has(k) && !opened.some((l) => l.key === k)) opened.push(await openListener(b.cfg));
      }
      await syncHttp(configs);
    } catch (err) {
      for (const l of opened) closeListener(l);
      for (const b of next) for (const p of b.chain.plugins) p.close?.();
      throw err;
    }
    for (const l of opened) listeners.set(l.key, l);
    for (const [k, l] of listeners) {
      const bl = byKey.get(k);
      if (bl) l.blocks = bl;
      else {
        listeners.delete(k);
        closeListener(l);
      }
    }
    const old = blocks;
    blocks = next;
    corefileText = text;
    for (const b of old) for (const p of b.chain.plugins) p.close?.();
    await runLoopProbes(next);
  };

  const reloadFromText = async (text: string, why: string) => {
    if (closed || text === corefileText) return;
    try {
      await apply(text);
      metrics.reloads.inc(['success']);
      log(`[INFO] Reloading complete (${why})`);
    } catch (err) {
      metrics.reloads.inc(['failed']);
      log(`[ERROR] Restart failed: ${errorMessage(err)}`);
      throw err;
    }
  };

  const configMapText = (): string | undefined => {
    const cm = opts.corefileConfigMap;
    if (!cm) return undefined;
    return informers.configmaps.get(cm.namespace, cm.name)?.data?.['Corefile'];
  };

  // Validate before syncing so a bad Corefile fails fast; health/ready come up early (ready=503).
  if (corefileText.trim() !== '') await syncHttp(compileCorefile(corefileText, opts.env));
  await src.start();
  synced = true;
  if (corefileText.trim() === '') {
    const text = configMapText();
    if (text === undefined) throw new PodnetError('DNS_NO_COREFILE', `dns: no Corefile: ${opts.corefileConfigMap ? `ConfigMap "${opts.corefileConfigMap.namespace}/${opts.corefileConfigMap.name}" has no key "Corefile"` : 'none given'}`);
    corefileText = text;
  }
  const initial = corefileText;
  corefileText = '';
  try {
    await apply(initial);
  } catch (err) {
    for (const l of listeners.values()) closeListener(l);
    for (const l of https.values()) await l.close();
    for (const b of blocks) for (const p of b.chain.plugins) p.close?.();
    throw err;
  }

  if (opts.corefileConfigMap) {
    const unsub = informers.configmaps.onChange((c) => {
      const cm = opts.corefileConfigMap!;
      if (c.object.metadata?.namespace !== cm.namespace || c.object.metadata?.name !== cm.name) return;
      const text = c.type === 'DELETED' ? undefined : c.object.data?.['Corefile'];
      if (text !== undefined) reloadFromText(text, `ConfigMap ${cm.namespace}/${cm.name}`).catch(() => undefined);
    });
    cleanups.push(unsub);
  }
  const reloadMs = Math.min(...blocks.map((b) => b.cfg.reloadMs ?? Infinity));
  if (opts.corefilePath && Number.isFinite(reloadMs)) {
    const path = opts.corefilePath;
    const check = () => {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return;
      }
      reloadFromText(text, path).catch(() => undefined);
    };
    const timer = setInterval(check, reloadMs);
    timer.unref();
    cleanups.push(() => clearInterval(timer));
    // podnet extra: a file watch reacts at once; the interval still catches missed events.
    try {
      const w: FSWatcher = watch(path, () => setImmediate(check));
      cleanups.push(() => w.close());
    } catch {
      /* polling only */
    }
  }

  return {
    async close() {
      if (closed) return;
      closed = true;
      for (const c of cleanups) c();
      for (const l of listeners.values()) closeListener(l);
      listeners.clear();
      for (const l of https.values()) await l.close();
      https.clear();
      for (const b of blocks) for (const p of b.chain.plugins) p.close?.();
    },
    reload: (text) => reloadFromText(text, 'reload()'),
    addresses() {
      const out: { udp: { address: string; port: number }; tcp: { address: string; port: number } }[] = [];
      for (const l of listeners.values()) {
        l.udp.forEach((u, i) => {
          const a = u.address();
          const t = l.tcp[i]!.address() as net.AddressInfo;
          out.push({ udp: { address: a.address, port: a.port }, tcp: { address: t.address, port: t.port } });
        });
      }
      return out;
    },
    metrics: () => metrics.registry.render(),
    httpAddresses() {
      const out: Record<string, { address: string; port: number }> = {};
      for (const l of https.values()) for (const name of l.routes.keys()) out[name] = l.address();
      return out;
    },
    chains: () => blocks.map((b) => b.chain),
  };
}
