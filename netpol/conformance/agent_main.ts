// A conformance pod: serves TCP and UDP on the given ports inside its network namespace, and
// probes other pods on request. Requests arrive as JSON lines on a unix socket (filesystem sockets
// are reachable across network namespaces), so one process per pod answers every probe.
// argv: SOCKET_PATH PORT...   Prints "ready" once everything listens; exits when stdin closes.
import { createServer, createConnection, type Socket } from 'node:net';
import { createSocket } from 'node:dgram';
import { unlinkSync } from 'node:fs';

interface ProbeRequest {
  readonly id: number;
  readonly ip: string;
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly timeoutMs: number;
}

function probeTCP(r: ProbeRequest): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host: r.ip, port: r.port });
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), r.timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

function probeUDP(r: ProbeRequest): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket(r.ip.includes(':') ? 'udp6' : 'udp4');
    let finished = false;
    const done = (ok: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      s.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), r.timeoutMs);
    s.once('message', () => done(true));
    s.once('error', () => done(false));
    s.send('probe', r.port, r.ip, (err) => err && done(false));
  });
}

async function main(): Promise<void> {
  const [path, ...ports] = process.argv.slice(2);
  if (!path || ports.length === 0) throw new Error('usage: agent_main SOCKET PORT...');
  for (const p of ports.map(Number)) {
    await new Promise<void>((resolve, reject) => {
      const srv = createServer((c) => {
        c.on('error', () => {}); // probes hang up as soon as they connect
        c.end('ok\n');
      });
      srv.once('error', reject);
      srv.listen(p, '0.0.0.0', () => resolve());
    });
    await new Promise<void>((resolve, reject) => {
      const u = createSocket('udp4');
      u.on('message', (msg, from) => u.send(msg, from.port, from.address));
      u.once('error', reject);
      u.bind(p, '0.0.0.0', () => resolve());
    });
  }
  try {
    unlinkSync(path);
  } catch {
    // not there
  }
  const control = createServer((c: Socket) => {
    let buf = '';
    c.on('data', (chunk) => {
      buf += chunk.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const req = JSON.parse(buf.slice(0, nl)) as ProbeRequest;
        buf = buf.slice(nl + 1);
        void (req.protocol === 'TCP' ? probeTCP(req) : probeUDP(req)).then((ok) => c.write(`${JSON.stringify({ id: req.id, ok })}\n`));
      }
    });
    c.on('error', () => {});
  });
  await new Promise<void>((resolve) => control.listen(path, () => resolve()));
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
  process.stdout.write('ready\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`agent: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
