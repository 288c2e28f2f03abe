// Rootless podnet: without root, the daemon runs inside a new user + network + mount namespace
// (`unshare --user --map-root-user --net --mount`), where it holds the capabilities it needs over
// namespaces it owns. Its "host" namespace is then private, so a forwarder process outside (in the
// user's real namespace) carries 127.0.0.1 ports in: it accepts on 127.0.0.1:PORT and asks the
// daemon's dial socket (a Unix socket in the state dir — Unix sockets cross network namespaces) to
// connect to 127.0.0.1:PORT inside.
import { spawn } from 'node:child_process';
import net from 'node:net';
import { existsSync, mkdirSync, openSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from '../host/exec.js';
import { nodeArgv } from '../host/entry.js';
import { clusterPaths, packageRoot, podnetHome, type ClusterPaths } from './paths.js';
import { pidAlive, readStatus, type ClusterConfig } from './daemonctl.js';

export function dialSocket(paths: ClusterPaths): string {
  return join(paths.dir, 'dial.sock');
}

export function forwarderPidFile(paths: ClusterPaths): string {
  return join(paths.dir, 'forwarder.pid');
}

/** The command line that starts the daemon in its own user, network and mount namespaces. */
export function rootlessDaemonArgv(name: string): string[] {
  return ['unshare', '--user', '--map-root-user', '--net', '--mount', '--propagation', 'private', '--fork', '--kill-child=SIGTERM', '--', process.execPath, join(packageRoot(), 'bin', 'podnet'), '__daemon', '--name', name];
}

/**
 * Inside the new namespaces (run by the daemon first): loopback up, private /run (for /run/netns)
 * and a private, writable /etc/netns (per-pod resolv.conf and hosts), then the dial socket.
 */
export async function prepareRootlessNamespace(paths: ClusterPaths): Promise<void> {
  await runOk('ip', ['link', 'set', 'lo', 'up']);
  await runOk('mount', ['-t', 'tmpfs', '-o', 'mode=755', 'podnet-run', '/run']);
  mkdirSync('/run/netns', { recursive: true });
  if (existsSync('/etc/netns')) {
    await runOk('mount', ['-t', 'tmpfs', '-o', 'mode=755', 'podnet-etc-netns', '/etc/netns']);
  } else {
    // /etc/netns cannot be created as an unprivileged user: overlay /etc with a writable upper layer.
    const upper = join(paths.dir, 'rootless', 'etc-upper');
    const work = join(paths.dir, 'rootless', 'etc-work');
    mkdirSync(upper, { recursive: true });
    mkdirSync(work, { recursive: true });
    await runOk('mount', ['-t', 'overlay', 'podnet-etc', '-o', `lowerdir=/etc,upperdir=${upper},workdir=${work}`, '/etc']);
    mkdirSync('/etc/netns', { recursive: true });
  }
  const [node, ...entry] = nodeArgv(new URL('../host/relay_main.js', import.meta.url));
  const relay = spawn(node!, [...entry, 'dial-server', dialSocket(paths)], {
    stdio: ['pipe', 'ignore', 'inherit'],
  });
  relay.unref();
}

/** Opens a connection to 127.0.0.1:port inside the daemon's namespace through its dial socket. */
export function dialInside(paths: ClusterPaths, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ path: dialSocket(paths), allowHalfOpen: true });
    sock.once('error', reject);
    sock.once('connect', () => sock.write(`127.0.0.1 ${port}\n`));
    let head = '';
    const onData = (b: Buffer) => {
      head += b.toString('latin1');
      const nl = head.indexOf('\n');
      if (nl < 0) return;
      sock.off('data', onData);
      sock.pause();
      const line = head.slice(0, nl);
      const rest = Buffer.from(head.slice(nl + 1), 'latin1');
      if (!line.startsWith('OK')) {
        sock.destroy();
        reject(new Error(`cannot reach 127.0.0.1:${port} inside the cluster: ${line}`));
        return;
      }
      if (rest.length) sock.unshift(rest);
      resolve(sock);
    };
    sock.on('data', onData);
  });
}

/** Starts the outside forwarder as a detached process; it exits when the daemon does. */
export function spawnForwarder(config: ClusterConfig, daemonPid: number): void {
  const paths = clusterPaths(config.name);
  const log = openSync(join(paths.dir, 'forwarder.log'), 'a');
  const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'podnet'), '__forward', '--name', config.name, '--daemon', String(daemonPid)], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, PODNET_HOME: podnetHome() },
  });
  child.unref();
  writeFileSync(forwarderPidFile(paths), `${child.pid}\n`);
}

/** The forwarder: 127.0.0.1 listeners for the apiserver, the map and published Services. */
export async function runForwarder(name: string, daemonPid: number): Promise<void> {
  const paths = clusterPaths(name);
  const config = JSON.parse(readFileSync(paths.config, 'utf8')) as ClusterConfig;
  const servers = new Map<number, net.Server>();
  const ensure = (port: number) => {
    if (!port || servers.has(port)) return;
    const server = net.createServer({ allowHalfOpen: true }, (client) => {
      client.pause();
      dialInside(paths, port).then(
        (inside) => {
          client.pipe(inside);
          inside.pipe(client);
          const close = () => {
            client.destroy();
            inside.destroy();
          };
          client.on('error', close);
          inside.on('error', close);
          inside.resume();
          client.resume();
        },
        () => client.destroy(),
      );
    });
    server.on('error', (e) => process.stdout.write(`forwarder: 127.0.0.1:${port}: ${e.message}\n`));
    server.listen(port, '127.0.0.1');
    servers.set(port, server);
  };
  for (;;) {
    if (!pidAlive(daemonPid)) break;
    if (existsSync(dialSocket(paths))) {
      ensure(config.apiPort);
      const status = readStatus(paths);
      const ui = status?.ui ? Number(new URL(status.ui).port) : 0;
      ensure(ui);
      for (const p of status?.published ?? []) ensure(p.port);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const s of servers.values()) s.close();
  process.exit(0);
}

/** The user namespace of a process ("user:[4026532…]"), or undefined when it is gone. */
export function userNamespaceOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/user`);
  } catch {
    return undefined;
  }
}

/**
 * Stops every process left in a rootless cluster's user namespace (relays, fake internet servers,
 * pod processes): they were all started by that cluster's daemon and nothing else lives there.
 */
export async function stopNamespaceProcesses(userns: string): Promise<number> {
  const victims = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .map(Number)
    .filter((pid) => userNamespaceOf(pid) === userns);
  for (const pid of victims) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return victims.length;
}
