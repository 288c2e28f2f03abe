// The fake internet's servers, run inside its namespace: an HTTP server on port 80 of every
// address there (answering with its name and the client's address) and the upstream DNS server
// on 203.0.113.53:53 (UDP and TCP). Prints "ready" once all listen.
import http from 'node:http';
import net from 'node:net';
import dgram from 'node:dgram';
import * as dnsPacket from 'dns-packet';
import { ZONE, INTERNET, answer } from './internet_zone.js';

function respond(query: Buffer): Buffer {
  const q = dnsPacket.decode(query);
  const question = q.questions?.[0];
  const base = { id: q.id, type: 'response' as const, flags: dnsPacket.AUTHORITATIVE_ANSWER | ((q.flags ?? 0) & dnsPacket.RECURSION_DESIRED) | dnsPacket.RECURSION_AVAILABLE, questions: q.questions };
  // dns-packet takes the rcode from the low 4 bits of `flags` when encoding.
  if (!question) return dnsPacket.encode({ ...base, flags: base.flags | 1 } as dnsPacket.Packet);
  const a = answer(ZONE, question.name, question.type);
  const answers = a.records.map((r) => ({ name: r.name, type: r.type, class: 'IN' as const, ttl: r.ttl, data: r.data }));
  return dnsPacket.encode({ ...base, flags: base.flags | (a.rcode === 'NXDOMAIN' ? 3 : 0), answers } as dnsPacket.Packet);
}

function startDns(host: string, port: number): Promise<void>[] {
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    try {
      udp.send(respond(msg), rinfo.port, rinfo.address);
    } catch {
      // undecodable query: drop it, as servers do
    }
  });
  const tcp = net.createServer((c) => {
    let buf = Buffer.alloc(0);
    c.on('error', () => c.destroy());
    c.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const msg = buf.subarray(2, 2 + len);
        buf = buf.subarray(2 + len);
        try {
          const out = respond(msg);
          const head = Buffer.alloc(2);
          head.writeUInt16BE(out.length);
          c.write(Buffer.concat([head, out]));
        } catch {
          c.destroy();
        }
      }
    });
  });
  return [
    new Promise((res) => udp.bind(port, host, () => res())),
    new Promise((res) => tcp.listen({ host, port }, () => res())),
  ];
}

function startHttp(port: number): Promise<void> {
  const server = http.createServer((req, res) => {
    const client = (req.socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    const local = (req.socket.localAddress ?? '').replace(/^::ffff:/, '');
    res.setHeader('content-type', 'text/plain');
    res.end(`internet ${req.headers.host ?? local} (${local}) says hello to ${client}: ${req.method} ${req.url}\n`);
  });
  return new Promise((res) => server.listen({ host: '0.0.0.0', port }, () => res()));
}

process.stdout.on('error', () => {});
await Promise.all([startHttp(80), ...startDns(INTERNET.dnsIP, 53)]);
process.stdout.write('ready\n');
