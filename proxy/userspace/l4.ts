// The userspace L4 proxy: one TCP listener and one UDP socket per Service port (on the port the
// plan assigns), to which nftables redirects the Service's traffic. Each new connection (or UDP
// client) gets an endpoint from the Service's scheduler, skipping endpoints the prober marked
// unhealthy; a failed dial tries the next endpoint. Runs inside the node's namespace.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createSocket, type Socket as UdpSocket, type RemoteInfo } from 'node:dgram';
import type { EndpointView, ServicePortView } from '../types.js';
import { epKey, newSchedulerState, pickEndpoint, type SchedulerState } from './scheduler.js';
import { Prober } from './prober.js';

const UDP_IDLE_MS = 30_000;

interface Listener {
  view: ServicePortView;
  readonly state: SchedulerState;
  readonly affinity: Map<string, { ep: string; until: number }>;
  tcp?: Server;
  udp?: UdpSocket;
  readonly sessions: Map<string, { upstream: UdpSocket; ep: string; timer: NodeJS.Timeout }>;
}

export interface UserspaceOptions {
  readonly probeIntervalMs?: number;
  readonly probeTimeoutMs?: number;
  readonly host?: string;
}

export class UserspaceProxy {
  private readonly listeners = new Map<string, Listener>();
  readonly prober: Prober;
  private readonly host: string;

  constructor(opts: UserspaceOptions = {}) {
    this.prober = new Prober({ intervalMs: opts.probeIntervalMs ?? 3000, timeoutMs: opts.probeTimeoutMs ?? 1000 });
    this.host = opts.host ?? '0.0.0.0';
  }

  /** Active connections per endpoint, for metrics and tests. */
  active(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const l of this.listeners.values()) for (const [k, n] of l.state.active) out[k] = (out[k] ?? 0) + n;
    return out;
  }

  async update(views: readonly ServicePortView[]): Promise<string[]> {
    const errors: string[] = [];
    const wanted = new Map(views.filter((v) => v.proxyPort && v.protocol !== 'sctp').map((v) => [`${v.protocol}/${v.proxyPort}`, v]));
    for (const [key, l] of this.listeners) {
      if (wanted.has(key)) continue;
      l.tcp?.close();
      l.udp?.close();
      for (const s of l.sessions.values()) {
        clearTimeout(s.timer);
        s.upstream.close();
      }
      this.listeners.delete(key);
    }
    for (const [key, view] of wanted) {
      const have = this.listeners.get(key);
      if (have) {
        have.view = view;
        continue;
      }
      const l: Listener = { view, state: newSchedulerState(), affinity: new Map(), sessions: new Map() };
      try {
        if (view.protocol === 'tcp') await this.listenTcp(l, view.proxyPort!);
        else await this.listenUdp(l, view.proxyPort!);
        this.listeners.set(key, l);
      } catch (err) {
        errors.push(`proxy: userspace cannot listen on ${key} for ${view.base}: ${(err as Error).message}`);
      }
    }
    const targets = views.filter((v) => v.protocol === 'tcp').flatMap((v) => [...v.clusterEndpoints, ...v.externalEndpoints]);
    this.prober.setTargets(targets);
    return errors;
  }

  private candidates(l: Listener, exclude: ReadonlySet<string>): EndpointView[] {
    const eps = l.view.clusterEndpoints.filter((e) => !exclude.has(epKey(e)));
    const healthy = eps.filter((e) => l.view.protocol !== 'tcp' || this.prober.isHealthy(e));
    return healthy.length > 0 ? healthy : eps;
  }

  private choose(l: Listener, client: string, exclude: ReadonlySet<string>): EndpointView | undefined {
    const eps = this.candidates(l, exclude);
    const now = Date.now();
    if (l.view.affinitySeconds !== undefined) {
      const a = l.affinity.get(client);
      const sticky = a && a.until > now ? eps.find((e) => epKey(e) === a.ep) : undefined;
      if (sticky) {
        a!.until = now + l.view.affinitySeconds * 1000;
        return sticky;
      }
    }
    const ep = pickEndpoint(l.view.algorithm, eps, l.state, { client, service: `${l.view.clusterIP}:${l.view.port}` });
    if (ep && l.view.affinitySeconds !== undefined) l.affinity.set(client, { ep: epKey(ep), until: now + l.view.affinitySeconds * 1000 });
    return ep;
  }

  private listenTcp(l: Listener, port: number): Promise<void> {
    const server = createServer((client) => this.handleTcp(l, client));
    l.tcp = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.host, () => resolve());
    });
  }

  private handleTcp(l: Listener, client: Socket): void {
    const clientIP = (client.remoteAddress ?? '').replace(/^::ffff:/, '');
    const tried = new Set<string>();
    client.pause();
    client.on('error', () => {});
    const attempt = () => {
      const ep = this.choose(l, clientIP, tried);
      if (!ep) {
        // No endpoint left: reset, so the client sees a refusal rather than a hang.
        client.resetAndDestroy();
        return;
      }
      const key = epKey(ep);
      tried.add(key);
      const upstream = connect({ host: ep.ip, port: ep.port });
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        l.state.active.set(key, (l.state.active.get(key) ?? 0) + 1);
        upstream.once('close', () => l.state.active.set(key, Math.max(0, (l.state.active.get(key) ?? 1) - 1)));
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on('error', () => {
        if (!connected && tried.size < 3) attempt();
        else client.destroy();
      });
      client.once('close', () => upstream.destroy());
    };
    attempt();
  }

  private listenUdp(l: Listener, port: number): Promise<void> {
    const sock = createSocket('udp4');
    l.udp = sock;
    sock.on('message', (msg, rinfo) => this.handleUdp(l, sock, msg, rinfo));
    return new Promise((resolve, reject) => {
      sock.once('error', reject);
      sock.bind(port, this.host, () => resolve());
    });
  }

  private handleUdp(l: Listener, sock: UdpSocket, msg: Buffer, rinfo: RemoteInfo): void {
    const id = `${rinfo.address}:${rinfo.port}`;
    let s = l.sessions.get(id);
    if (!s) {
      const ep = this.choose(l, rinfo.address, new Set());
      if (!ep) return;
      const upstream = createSocket('udp4');
      const key = epKey(ep);
      upstream.on('message', (reply) => {
        sock.send(reply, rinfo.port, rinfo.address);
        refresh();
      });
      upstream.on('error', () => {});
      upstream.connect(ep.port, ep.ip);
      const close = () => {
        l.sessions.delete(id);
        l.state.active.set(key, Math.max(0, (l.state.active.get(key) ?? 1) - 1));
        upstream.close();
      };
      s = { upstream, ep: key, timer: setTimeout(close, UDP_IDLE_MS) };
      s.timer.unref();
      const sess = s;
      const refresh = () => sess.timer.refresh();
      l.state.active.set(key, (l.state.active.get(key) ?? 0) + 1);
      l.sessions.set(id, s);
      upstream.once('connect', () => upstream.send(msg));
      return;
    }
    s.timer.refresh();
    s.upstream.send(msg);
  }

  close(): void {
    this.prober.stop();
    void this.update([]);
  }
}
