// The sending side of observe's L7 sink (observe/sink.ts): components that see requests (cluster DNS, the
// ingress controller) write one JSON record per line to the daemon's unix socket. Records are
// best-effort: while connecting they wait in a bounded queue; when the socket is away they are
// dropped, never queued without bound or retried in the request path.
import net from 'node:net';
import { networkInterfaces } from 'node:os';

export type L7Record = Record<string, string | number | undefined>;

/** The first non-loopback IPv4 address of this process' network namespace (a pod's own IP). */
export function ownPodIP(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Host part of "ip:port" / "[v6]:port" / "ip". */
export function hostOf(addr: string): string {
  const m = /^\[(.*)\]:\d+$/.exec(addr) ?? /^([^:]+):\d+$/.exec(addr);
  return m ? m[1]! : addr;
}

export function l7Writer(socketPath: string): { send(record: L7Record): void; close(): void } {
  let sock: net.Socket | undefined;
  let connecting = false;
  const MAX_BUFFERED = 1 << 20;
  // Records that arrive while connecting wait here (bounded), so the first requests are not lost.
  const pending: string[] = [];
  const MAX_PENDING = 1000;
  const connect = () => {
    if (connecting) return;
    connecting = true;
    const s = net.connect(socketPath);
    s.on('connect', () => {
      sock = s;
      connecting = false;
      for (const line of pending.splice(0)) s.write(line);
    });
    s.on('error', () => {
      s.destroy();
      connecting = false;
    });
    s.on('close', () => {
      if (sock === s) sock = undefined;
    });
  };
  connect();
  return {
    send(record) {
      const line = `${JSON.stringify(record)}\n`;
      if (!sock) {
        if (pending.length < MAX_PENDING) pending.push(line);
        connect();
        return;
      }
      if (sock.writableLength > MAX_BUFFERED) return;
      sock.write(line);
    },
    close() {
      sock?.end();
    },
  };
}
