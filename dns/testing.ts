// Test helpers: run the real `dig`/`kdig` against a server and read its sections back as
// zone-file lines with single spaces ("web.shop.svc.cluster.local. 5 IN A 10.96.0.12").
import { execFile, execFileSync } from 'node:child_process';
import { parseManifest } from '../api/manifest.js';
import { MemorySource } from '../client/memory.js';
import dgram from 'node:dgram';
import { freeLocalPort } from '../host/testutil.js';
import net from 'node:net';
import { encodeAnswer, parseQuery, RCODE, T, type RR } from './wire.js';

export function haveTool(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface DigResult {
  status: string;
  flags: string[];
  answer: string[];
  authority: string[];
  additional: string[];
  /** The whole output, for failure messages. */
  text: string;
}

export function parseDig(text: string): DigResult {
  const r: DigResult = { status: '', flags: [], answer: [], authority: [], additional: [], text };
  let section: 'answer' | 'authority' | 'additional' | undefined;
  for (const line of text.split('\n')) {
    const st = /status: ([A-Z]+)/.exec(line);
    if (st) r.status = st[1]!;
    const fl = /;; flags: ([a-z ]+);/.exec(line);
    if (fl) r.flags = fl[1]!.trim().split(/\s+/);
    if (/^;; ANSWER SECTION/.test(line)) section = 'answer';
    else if (/^;; AUTHORITY SECTION/.test(line)) section = 'authority';
    else if (/^;; ADDITIONAL SECTION/.test(line)) section = 'additional';
    else if (line.trim() === '' || line.startsWith(';')) {
      if (line.trim() === '') section = undefined;
    } else if (section) r[section].push(line.trim().replace(/\s+/g, ' '));
  }
  return r;
}

/** Runs dig; `args` are extra options like "+tcp" or "+norec". */
export function dig(port: number, name: string, type = 'A', args: string[] = [], tool = 'dig'): Promise<DigResult> {
  return new Promise((resolve, reject) => {
    const retry = tool === 'kdig' ? ['+retry=0', '+time=3'] : ['+tries=1', '+time=3'];
    execFile(tool, ['@127.0.0.1', '-p', String(port), ...retry, ...args, name, type], { timeout: 15_000 }, (err, stdout) => {
      if (err && !stdout) reject(err);
      else resolve(parseDig(stdout));
    });
  });
}

export function sourceFromYaml(yaml: string): MemorySource {
  const s = new MemorySource();
  for (const { object } of parseManifest(yaml)) s.apply(object);
  return s;
}


export interface FakeUpstream {
  port: number;
  /** Queries received, as "name TYPE". */
  queries: string[];
  /** The transport of each query, in order. */
  protos: ('udp' | 'tcp')[];
  close(): Promise<void>;
}

/**
 * A stand-in for an upstream resolver "on the internet": a UDP+TCP DNS server on 127.0.0.1:0
 * answering A records from `names` (NXDOMAIN otherwise, SOA in authority, ttl 60).
 */
export async function fakeUpstream(names: Record<string, string[]>, opts: { port?: number; onQuery?: (q: string) => void } = {}): Promise<FakeUpstream> {
  const queries: string[] = [];
  const protos: ('udp' | 'tcp')[] = [];
  const answerFor = (raw: Buffer, proto: 'udp' | 'tcp' = 'udp'): Buffer | undefined => {
    const p = parseQuery(raw);
    if (!p.ok) return undefined;
    const q = p.query;
    queries.push(`${q.name} ${q.qtype}`);
    protos.push(proto);
    opts.onQuery?.(`${q.name} ${q.qtype}`);
    const ips = names[q.name];
    const soa: RR = { name: 'test.', type: T.SOA, ttl: 60, data: { mname: 'ns.test.', rname: 'hostmaster.test.', serial: 1, refresh: 1, retry: 1, expire: 1, minimum: 60 } };
    const answer: RR[] = (ips ?? []).filter((ip) => (q.qtype === T.A && !ip.includes(':')) || (q.qtype === T.AAAA && ip.includes(':'))).map((ip) => ({ name: q.name, type: ip.includes(':') ? T.AAAA : T.A, ttl: 60, data: ip }) as RR);
    return encodeAnswer(q, { rcode: ips || q.name === '.' ? RCODE.NOERROR : RCODE.NXDOMAIN, aa: true, ra: true, answer, authority: answer.length ? [] : [soa], additional: [] }, { edns: q.edns !== undefined, ra: true });
  };
  let udp = dgram.createSocket('udp4');
  let port = 0;
  const tcp = net.createServer((sock) => {
    let buf = Buffer.alloc(0);
    sock.on('error', () => undefined);
    sock.on('data', (c) => {
      buf = Buffer.concat([buf, c]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const out = answerFor(buf.subarray(2, 2 + buf.readUInt16BE(0)), 'tcp');
        buf = buf.subarray(2 + buf.readUInt16BE(0));
        if (out) {
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          sock.write(Buffer.concat([len, out]));
        }
      }
    });
  });
  const onMessage = (msg: Buffer, rinfo: dgram.RemoteInfo) => {
    const out = answerFor(msg);
    if (out) udp.send(out, rinfo.port, rinfo.address);
  };
  // Port 0: UDP picks a port and TCP takes the same one, retried when TCP's is taken (the port
  // comes from the ephemeral range, where a concurrent test's outgoing connection may hold it).
  for (let attempt = 0; ; attempt++) {
    await new Promise<void>((r) => udp.bind(opts.port ?? 0, '127.0.0.1', () => r()));
    port = udp.address().port;
    udp.on('message', onMessage);
    const err = await new Promise<Error | undefined>((resolve) => {
      tcp.once('error', resolve);
      tcp.listen(port, '127.0.0.1', () => {
        tcp.off('error', resolve);
        resolve(undefined);
      });
    });
    if (!err) break;
    udp.close();
    if (opts.port !== undefined || attempt > 10) throw err;
    udp = dgram.createSocket('udp4');
  }
  return {
    port,
    queries,
    protos,
    close: () =>
      new Promise<void>((resolve) => {
        udp.close();
        tcp.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (TCP or UDP), for "upstream down" or a server's own port. */
export const closedPort = freeLocalPort;
