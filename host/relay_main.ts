// A userspace forwarder that runs inside a network namespace (`ip netns exec NS node relay_main.js`).
// Unix sockets live on the filesystem, not in a network namespace, so they bridge the daemon (host
// namespace) and the cluster (podnet's namespaces).
//   dial-server UNIX         accept on UNIX; each connection starts with "IP PORT\n"; dial IP:PORT
//                            from this namespace, answer "OK\n" or "ERR msg\n", then pipe bytes.
//                            "udp IP PORT\n" instead opens a UDP socket connected to IP:PORT and
//                            carries datagrams as frames (2-byte big-endian length + payload).
//   listen-to-unix IP PORT UNIX
//                            accept TCP on IP:PORT in this namespace; pipe each connection to UNIX.
// The process exits when its stdin closes, so it never outlives the daemon that started it.
import net from 'node:net';
import { rmSync } from 'node:fs';
import dgram from 'node:dgram';

function pipeBoth(a: net.Socket, b: net.Socket): void {
  a.pipe(b);
  b.pipe(a);
  const close = () => {
    a.destroy();
    b.destroy();
  };
  a.on('error', close);
  b.on('error', close);
  a.on('close', close);
  b.on('close', close);
}

function dialServer(unixPath: string): net.Server {
  rmSync(unixPath, { force: true });
  return net.createServer({ allowHalfOpen: true }, (client) => {
    let buf = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(10);
      if (nl < 0) {
        if (buf.length > 512) client.destroy();
        return;
      }
      client.off('data', onData);
      client.pause();
      const words = buf.subarray(0, nl).toString().trim().split(' ');
      const rest = buf.subarray(nl + 1);
      if (words[0] === 'udp') return udpSession(client, words[1]!, Number(words[2]), rest);
      const [host, portText] = words;
      const upstream = net.connect({ host: host!, port: Number(portText), allowHalfOpen: true });
      upstream.once('connect', () => {
        upstream.off('error', onFail);
        client.write('OK\n');
        if (rest.length) upstream.write(rest);
        pipeBoth(client, upstream);
        client.resume();
      });
      const onFail = (err: Error) => {
        client.end(`ERR ${(err as NodeJS.ErrnoException).code ?? 'EIO'} ${err.message}\n`);
      };
      upstream.once('error', onFail);
    };
    client.on('data', onData);
    client.on('error', () => client.destroy());
  }).listen(unixPath);
}

/** Carries framed datagrams between the Unix connection and a UDP socket connected to host:port. */
function udpSession(client: net.Socket, host: string, port: number, initial: Buffer): void {
  const sock = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  let buf = initial;
  const close = () => {
    client.destroy();
    try {
      sock.close();
    } catch {
      // already closed
    }
  };
  sock.on('error', close);
  client.on('close', close);
  sock.on('message', (msg) => {
    const head = Buffer.alloc(2);
    head.writeUInt16BE(msg.length);
    client.write(Buffer.concat([head, msg]));
  });
  const drain = () => {
    while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
      const len = buf.readUInt16BE(0);
      sock.send(buf.subarray(2, 2 + len));
      buf = buf.subarray(2 + len);
    }
  };
  sock.connect(port, host, () => {
    client.write('OK\n');
    client.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      drain();
    });
    drain();
    client.resume();
  });
}

function listenToUnix(host: string, port: number, unixPath: string): net.Server {
  return net.createServer({ allowHalfOpen: true }, (client) => {
    const upstream = net.connect({ path: unixPath, allowHalfOpen: true });
    pipeBoth(client, upstream);
  }).listen({ host, port });
}

function main(argv: string[]): void {
  const [mode, ...args] = argv;
  let server: net.Server;
  if (mode === 'dial-server' && args.length === 1) server = dialServer(args[0]!);
  else if (mode === 'listen-to-unix' && args.length === 3) server = listenToUnix(args[0]!, Number(args[1]), args[2]!);
  else {
    process.stderr.write(`relay: usage: dial-server UNIX | listen-to-unix IP PORT UNIX (got ${JSON.stringify(argv)})\n`);
    process.exit(2);
  }
  server.on('listening', () => process.stdout.write('ready\n'));
  server.on('error', (err) => {
    process.stderr.write(`relay: ${err.message}\n`);
    process.exit(1);
  });
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
}

main(process.argv.slice(2));
