// Bad input never takes the server down: random and mutated packets over UDP and TCP, then a
// good query must still be answered. Also the exact rcodes for the classic malformed cases.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { serveDns, type DnsServer } from './server.js';
import { sourceFromYaml } from './testing.js';
import * as dnsPacket from 'dns-packet';
import { encodeQuery, parseQuery, T } from './wire.js';

const FIXTURE = `
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.12, ports: [{name: http, port: 80}]}
`;

// A small deterministic PRNG so a failure can be replayed.
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(base: Buffer, rnd: () => number): Buffer {
  const b = Buffer.from(base);
  const kind = Math.floor(rnd() * 4);
  if (kind === 0) for (let i = 0; i < 1 + rnd() * 6; i++) b[Math.floor(rnd() * b.length)] = Math.floor(rnd() * 256);
  if (kind === 1) return b.subarray(0, Math.floor(rnd() * b.length));
  if (kind === 2) return Buffer.concat([b, randomBytes(Math.floor(rnd() * 40))]);
  if (kind === 3) b.writeUInt16BE(Math.floor(rnd() * 65536), 4 + 2 * Math.floor(rnd() * 4)); // section counts
  return b;
}

function udpClient() {
  const sock = dgram.createSocket('udp4');
  const waiting = new Map<number, (b: Buffer) => void>();
  const replies: Buffer[] = [];
  sock.on('message', (m) => {
    replies.push(m);
    if (m.length >= 2) waiting.get(m.readUInt16BE(0))?.(m);
  });
  return {
    sock,
    replies,
    send: (port: number, b: Buffer) => new Promise<void>((r) => sock.send(b, port, '127.0.0.1', () => r())),
    ask: (port: number, b: Buffer) =>
      new Promise<Buffer>((resolve) => {
        waiting.set(b.readUInt16BE(0), resolve);
        sock.send(b, port, '127.0.0.1');
      }),
  };
}

describe('malformed input', () => {
  let server: DnsServer;
  let port: number;
  const client = udpClient();
  before(async () => {
    server = await serveDns({ corefile: '.:0 {\n bind 127.0.0.1\n errors\n log\n cache\n kubernetes cluster.local\n}', source: sourceFromYaml(FIXTURE), log: () => undefined });
    port = server.addresses()[0]!.udp.port;
  });
  after(async () => {
    client.sock.close();
    await server?.close();
  });

  test('parseQuery never throws on random bytes', () => {
    const rnd = prng(7);
    const good = encodeQuery('web.shop.svc.cluster.local', T.A, { edns: 1232 });
    for (let i = 0; i < 20_000; i++) {
      const b = i % 2 ? randomBytes(Math.floor(rnd() * 80)) : mutate(good, rnd);
      parseQuery(b);
    }
  });

  test('the fast query parser agrees with dns-packet on name, type and EDNS size', () => {
    const rnd = prng(3);
    const alphabet = 'aB9-_*x';
    for (let i = 0; i < 2000; i++) {
      const labels = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => alphabet[Math.floor(rnd() * alphabet.length)]).join(''));
      const edns = rnd() < 0.5 ? 512 + Math.floor(rnd() * 4000) : undefined;
      const raw = encodeQuery(labels.join('.'), 1 + Math.floor(rnd() * 300), { edns });
      const p = parseQuery(raw);
      assert.ok(p.ok);
      const d = dnsPacket.decode(raw);
      assert.equal(p.query.qname, d.questions![0]!.name);
      assert.equal(p.query.qtype, raw.readUInt16BE(raw.length - (edns ? 15 : 4)));
      assert.equal(p.query.edns, edns === undefined ? undefined : Math.max(512, edns));
    }
  });

  test('multiple questions are FORMERR', async () => {
    const q = encodeQuery('web.shop.svc.cluster.local', T.A, { id: 4242 });
    q.writeUInt16BE(2, 4);
    const r = await client.ask(port, q);
    assert.equal(r.readUInt16BE(2) & 0xf, 1);
  });

  test('a question that runs past the end of the packet is FORMERR', async () => {
    const q = encodeQuery('web.shop.svc.cluster.local', T.A, { id: 4243 }).subarray(0, 20);
    const r = await client.ask(port, q);
    assert.equal(r.readUInt16BE(2) & 0xf, 1);
  });

  test('a compression pointer loop in the question is FORMERR', async () => {
    const q = Buffer.from([0x10, 0x94, 0x01, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xc0, 12, 0, 1, 0, 1]);
    const r = await client.ask(port, q);
    assert.equal(r.readUInt16BE(2) & 0xf, 1);
  });

  test('opcode NOTIFY is NOTIMP', async () => {
    const q = encodeQuery('web.shop.svc.cluster.local', T.A, { id: 4244 });
    q.writeUInt16BE(q.readUInt16BE(2) | (4 << 11), 2);
    const r = await client.ask(port, q);
    assert.equal(r.readUInt16BE(2) & 0xf, 4);
  });

  test('thousands of random and mutated packets over UDP and TCP, then a good query is answered', async () => {
    const rnd = prng(42);
    const good = encodeQuery('web.shop.svc.cluster.local', T.A, { edns: 1232 });
    const packets: Buffer[] = [];
    for (let i = 0; i < 4000; i++) packets.push(i % 3 === 0 ? randomBytes(Math.floor(rnd() * 300)) : mutate(good, rnd));
    for (const p of packets) await client.send(port, p);
    // TCP: garbage frames, a frame longer than the data, then a close mid-frame.
    await new Promise<void>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        for (const p of packets.slice(0, 500)) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(p.length);
          s.write(Buffer.concat([len, p]));
        }
        s.end(Buffer.from([0xff, 0xff, 1, 2, 3]));
      });
      s.on('data', () => undefined);
      s.on('error', () => resolve());
      s.on('close', () => resolve());
    });
    const r = await client.ask(port, encodeQuery('web.shop.svc.cluster.local', T.A, { id: 777 }));
    assert.equal(r.readUInt16BE(2) & 0xf, 0);
    assert.equal(r.readUInt16BE(6), 1, 'one answer');
    assert.deepEqual([...r.subarray(r.length - 4)], [10, 96, 0, 12]);
  });
});
