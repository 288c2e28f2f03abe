// Userspace forwarders between the host namespace (where the daemon and the user live) and the
// namespaces podnet creates. Each relay is a process started with `ip netns exec NS node
// relay_main.js …`, tracked by pid and stopped by pid; it also exits when the daemon goes away
// (its stdin closes).
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import dgram from 'node:dgram';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { PodnetError } from '../api/errors.js';
import { nodeArgv } from './entry.js';

export interface RelayProcess {
  readonly pid: number;
  readonly netns: string;
  /** Resolves when the process has exited (stopped, crashed, or its namespace went away). */
  readonly exited: Promise<void>;
  /** Stops the process (SIGTERM, then SIGKILL) and waits for it to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let socketDir: string | undefined;

/**
 * Puts this process's relay sockets in `dir` (the daemon uses its cluster's folder, which `podnet
 * down` removes whatever way the daemon ended) instead of a fresh folder under the temp dir. Kept
 * only when the socket paths fit the 107-byte limit of a Unix socket address.
 */
export function useRelaySocketDir(dir: string): void {
  if (socketDir || join(dir, 'x'.repeat(16) + '.sock').length > 107) return;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  socketDir = dir;
}

function relaySocketPath(tag: string): string {
  if (!socketDir) {
    const dir = (socketDir = mkdtempSync(join(tmpdir(), 'pn-relay-')));
    // Also when the process ends without stopAllRelays (a test file, a crash path): no leftover dir.
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return join(socketDir, createHash('sha256').update(tag).digest('hex').slice(0, 16) + '.sock');
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts relay_main in `netns` with `args`; resolves once it listens. */
export function startRelay(netns: string, args: readonly string[]): Promise<RelayProcess> {
  const argv = nodeArgv(new URL('./relay_main.js', import.meta.url));
  const child = spawn('ip', ['netns', 'exec', netns, ...argv, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  running.add(child);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  child.once('exit', () => running.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('ready\n')) {
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume();
        resolve({ pid: child.pid!, netns, exited, stop: () => stopChild(child) });
      }
    });
    child.once('error', (e) => reject(new PodnetError('HOST_RELAY_FAILED', `host: cannot start relay in netns "${netns}": ${e.message}`)));
    child.once('exit', (code) => {
      reject(new PodnetError('HOST_RELAY_FAILED', `host: relay in netns "${netns}" exited (${code}) before listening: ${err.trim()}`));
    });
  });
}

/**
 * (b) Listens on ip:port inside `netns` and forwards every connection to the Unix socket
 * `unixPath` on the host (pods reach the apiserver at 172.18.0.1:6443 this way).
 */
export function listenInNetnsToUnix(netns: string, ip: string, port: number, unixPath: string): Promise<RelayProcess> {
  return startRelay(netns, ['listen-to-unix', ip, String(port), unixPath]);
}

const dialers = new Map<string, Promise<{ relay: RelayProcess; path: string }>>();

function dialer(netns: string): Promise<{ relay: RelayProcess; path: string }> {
  let d = dialers.get(netns);
  if (!d) {
    const path = relaySocketPath(`dial/${netns}/${process.pid}`);
    const entry = startRelay(netns, ['dial-server', path]).then((relay) => {
      // A relay that died must not be reused: the next dial starts a fresh one.
      void relay.exited.then(() => {
        if (dialers.get(netns) === entry) dialers.delete(netns);
      });
      return { relay, path };
    });
    entry.catch(() => dialers.delete(netns));
    dialers.set(netns, entry);
    d = entry;
  }
  return d;
}

/**
 * (c) A TCP connection to ip:port made from inside `netns` (probes, port-forward). One long-lived
 * relay per namespace multiplexes connections: each is a new Unix-socket connection to it,
 * opened with a "IP PORT\n" header and answered "OK\n" or "ERR …\n".
 */
export async function dialInNetns(netns: string, ip: string, port: number): Promise<net.Socket> {
  try {
    return await dialOnce(netns, ip, port);
  } catch (e) {
    if (!(e instanceof RelayGone)) throw e;
    // The relay died (killed, or its namespace was recreated): start a fresh one, once.
    dialers.delete(netns);
    return dialOnce(netns, ip, port);
  }
}

class RelayGone extends Error {}

async function dialOnce(netns: string, ip: string, port: number, proto: 'tcp' | 'udp' = 'tcp'): Promise<net.Socket> {
  const { path } = await dialer(netns);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ path, allowHalfOpen: true });
    let buf = Buffer.alloc(0);
    const fail = (msg: string) => {
      sock.destroy();
      reject(new PodnetError('HOST_DIAL_FAILED', `host: cannot connect to ${ip}:${port} in netns "${netns}": ${msg}`));
    };
    // Read the status line with 'readable' (not 'data'), so the socket is handed over neither
    // flowing nor explicitly paused: the caller's first 'data' listener or pipe() starts it.
    const onReadable = () => {
      let chunk: Buffer | null;
      while ((chunk = sock.read() as Buffer | null) !== null) {
        buf = Buffer.concat([buf, chunk]);
        const nl = buf.indexOf(10);
        if (nl < 0) continue;
        sock.off('readable', onReadable);
        sock.off('error', onError);
        sock.off('end', onEnd);
        const line = buf.subarray(0, nl).toString();
        if (line !== 'OK') return fail(line.replace(/^ERR /, ''));
        const rest = buf.subarray(nl + 1);
        if (rest.length) sock.unshift(rest);
        return resolve(sock);
      }
    };
    // A relay always answers before closing; silence means it is gone (killed, namespace deleted).
    const gone = (msg: string) => {
      sock.destroy();
      reject(new RelayGone(msg));
    };
    const onError = (e: Error) => (buf.length === 0 ? gone(e.message) : fail(e.message));
    const onEnd = () => (buf.length === 0 ? gone('relay closed the connection') : fail('relay closed the connection'));
    sock.on('readable', onReadable);
    sock.once('error', onError);
    sock.once('end', onEnd);
    sock.write(`${proto === 'udp' ? 'udp ' : ''}${ip} ${port}\n`);
  });
}

export interface HostListener {
  /** The port actually bound on the host (useful with port 0). */
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

/**
 * (a) Listens on host:port in the host namespace (127.0.0.1 by default) and forwards each
 * connection to ip:targetPort inside `netns` (LoadBalancer/NodePort publishing, port-forward).
 */
export function listenHostTcp(opts: { netns: string; ip: string; targetPort: number; port: number; host?: string }): Promise<HostListener> {
  const host = opts.host ?? '127.0.0.1';
  const conns = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    conns.add(client);
    client.once('close', () => conns.delete(client));
    client.pause();
    client.on('error', () => client.destroy());
    dialInNetns(opts.netns, opts.ip, opts.targetPort).then(
      (up) => {
        conns.add(up);
        up.once('close', () => conns.delete(up));
        client.pipe(up);
        up.pipe(client);
        up.on('error', () => client.destroy());
        client.on('close', () => up.destroy());
        up.on('close', () => client.destroy());
        up.resume();
        client.resume();
      },
      () => client.destroy(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new PodnetError('HOST_LISTEN_FAILED', `host: cannot listen on ${host}:${opts.port}: ${e.message}`)));
    server.listen({ host, port: opts.port }, () => {
      const port = (server.address() as net.AddressInfo).port;
      resolve({
        port,
        host,
        close: () =>
          new Promise<void>((res) => {
            for (const c of conns) c.destroy();
            server.close(() => res());
          }),
      });
    });
  });
}

/** Pid of the namespace's dial relay, if one is running (tests, diagnostics). */
export async function dialerPid(netns: string): Promise<number | undefined> {
  const d = dialers.get(netns);
  return d ? d.then((x) => x.relay.pid, () => undefined) : undefined;
}

/** How long a UDP client may stay silent before its session to the namespace is closed. */
const UDP_IDLE_MS = 30_000;

/**
 * (a) for UDP: datagrams to host:port (127.0.0.1 by default) go to ip:targetPort inside `netns`,
 * replies come back to the sender. One session (a framed Unix connection to the dial relay) per
 * client address, closed after 30 s without traffic.
 */
export function listenHostUdp(opts: { netns: string; ip: string; targetPort: number; port: number; host?: string }): Promise<HostListener> {
  const host = opts.host ?? '127.0.0.1';
  const server = dgram.createSocket('udp4');
  const sessions = new Map<string, { sock: Promise<net.Socket>; timer: NodeJS.Timeout }>();
  const session = (addr: string, port: number) => {
    const key = `${addr}:${port}`;
    let s = sessions.get(key);
    if (s) {
      s.timer.refresh();
      return s.sock;
    }
    const sock = dialOnce(opts.netns, opts.ip, opts.targetPort, 'udp').catch((e: unknown) => {
      if (e instanceof RelayGone) dialers.delete(opts.netns);
      throw e;
    });
    const timer = setTimeout(() => {
      sessions.delete(key);
      void sock.then((x) => x.destroy(), () => undefined);
    }, UDP_IDLE_MS);
    timer.unref();
    s = { sock, timer };
    sessions.set(key, s);
    sock.then(
      (x) => {
        let buf = Buffer.alloc(0);
        x.on('data', (chunk: Buffer) => {
          buf = Buffer.concat([buf, chunk]);
          while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
            const len = buf.readUInt16BE(0);
            server.send(buf.subarray(2, 2 + len), port, addr);
            buf = buf.subarray(2 + len);
          }
        });
        x.on('error', () => x.destroy());
        x.on('close', () => sessions.get(key)?.sock === sock && sessions.delete(key));
      },
      () => sessions.delete(key),
    );
    return sock;
  };
  server.on('message', (msg, rinfo) => {
    session(rinfo.address, rinfo.port).then(
      (x) => {
        const head = Buffer.alloc(2);
        head.writeUInt16BE(msg.length);
        x.write(Buffer.concat([head, msg]));
      },
      () => undefined,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new PodnetError('HOST_LISTEN_FAILED', `host: cannot listen on udp ${host}:${opts.port}: ${e.message}`)));
    server.bind(opts.port, host, () => {
      resolve({
        port: server.address().port,
        host,
        close: () =>
          new Promise<void>((res) => {
            for (const s of sessions.values()) {
              clearTimeout(s.timer);
              void s.sock.then((x) => x.destroy(), () => undefined);
            }
            sessions.clear();
            server.close(() => res());
          }),
      });
    });
  });
}

/** Stops the dial relay of one namespace (e.g. before deleting the namespace). */
export async function stopDialer(netns: string): Promise<void> {
  const d = dialers.get(netns);
  dialers.delete(netns);
  if (d) await d.then((x) => x.relay.stop(), () => undefined);
}

/** Stops every relay process this process started. */
export async function stopAllRelays(): Promise<void> {
  dialers.clear();
  await Promise.all([...running].map(stopChild));
  if (socketDir) rmSync(socketDir, { recursive: true, force: true });
  socketDir = undefined;
}
