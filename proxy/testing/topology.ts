// A throwaway test topology for the proxy's root tests: one "node" namespace with bridge cni0
// (10.244.1.1/24) and an uplink to an "external" namespace (node 172.18.0.2, client
// 172.18.0.100), three pod namespaces running tiny TCP/UDP servers that answer
// `name:port:peerIP`, and a client pod. Every name starts with a random `pn-t<hex>-` prefix;
// links are created inside the namespaces, so the host's own namespace is never touched.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { run, runOk } from '../../host/exec.js';

export interface PodNs {
  readonly name: string;
  readonly ns: string;
  readonly ip: string;
}

export interface Topology {
  readonly prefix: string;
  readonly nodeNs: string;
  readonly nodeIP: string;
  readonly extNs: string;
  readonly extIP: string;
  readonly pods: readonly PodNs[];
  readonly client: PodNs;
  destroy(): Promise<void>;
}

const SERVER = `
const net = require('net'), dgram = require('dgram');
const name = process.argv[1]; const ports = JSON.parse(process.argv[2]);
let n = 0; const ready = () => { if (++n === ports.tcp.length + ports.udp.length) console.log('ready'); };
for (const p of ports.tcp) net.createServer((s) => {
  s.on('error', () => {});
  s.write(name + ':' + p + ':' + String(s.remoteAddress).replace('::ffff:', '') + '\\n');
  s.on('data', (d) => s.write(d));
}).listen(p, '0.0.0.0', ready);
for (const p of ports.udp) { const u = dgram.createSocket('udp4');
  u.on('message', (m, r) => u.send(name + ':' + p + ':' + r.address + '\\n', r.port, r.address)); u.bind(p, '0.0.0.0', ready); }
process.stdin.on('end', () => process.exit(0)); process.stdin.resume();
`;

const PROBE = `
const net = require('net'), dgram = require('dgram'), http = require('http');
const o = JSON.parse(process.argv[1]);
function one() { return new Promise((res) => {
  const t = setTimeout(() => { done('TIMEOUT'); }, o.timeoutMs);
  let closer = () => {};
  const done = (v) => { clearTimeout(t); closer(); res(v); };
  if (o.proto === 'udp') { const u = dgram.createSocket('udp4'); closer = () => { try { u.close(); } catch {} };
    u.on('message', (m) => done(m.toString().trim())); u.on('error', (e) => done(e.code));
    u.connect(o.port, o.host, () => u.send('q')); return; }
  if (o.proto === 'http') { const r = http.get({ host: o.host, port: o.port, path: o.path || '/', agent: false }, (resp) => { let b = '';
      resp.on('data', (d) => b += d); resp.on('end', () => done(JSON.stringify({ status: resp.statusCode, body: b }))); });
    r.on('error', (e) => done(e.code)); closer = () => r.destroy(); return; }
  const s = net.connect({ host: o.host, port: o.port }); let buf = ''; closer = () => s.destroy();
  s.on('data', (d) => { buf += d; if (buf.includes('\\n')) done(buf.trim()); }); s.on('error', (e) => done(e.code));
}); }
(async () => { const out = []; for (let i = 0; i < o.n; i++) out.push(await one()); console.log(JSON.stringify(out)); })();
`;

const LONG = `
const net = require('net'); const o = JSON.parse(process.argv[1]);
const s = net.connect({ host: o.host, port: o.port }); s.setNoDelay(true);
s.on('data', (d) => process.stdout.write(d)); process.stdin.on('data', (d) => s.write(d));
process.stdin.on('end', () => s.destroy());
s.on('error', (e) => console.log('ERR ' + e.code)); s.on('close', () => { console.log('CLOSED'); process.exit(0); });
`;

async function sh(args: string[], netns?: string): Promise<void> {
  await runOk('ip', args, netns ? { netns } : {});
}

export async function createTopology(): Promise<Topology> {
  const prefix = `pn-t${randomBytes(3).toString('hex')}`;
  const made: string[] = [];
  const nodeNs = `${prefix}-node`;
  const extNs = `${prefix}-ext`;
  const destroy = async () => {
    for (const ns of made.reverse()) await run('ip', ['netns', 'del', ns]);
  };
  try {
    for (const ns of [nodeNs, extNs]) {
      await sh(['netns', 'add', ns]);
      made.push(ns);
      await sh(['link', 'set', 'lo', 'up'], ns);
    }
    await runOk('sysctl', ['-qw', 'net.ipv4.ip_forward=1'], { netns: nodeNs });
    await sh(['link', 'add', 'cni0', 'type', 'bridge'], nodeNs);
    await sh(['addr', 'add', '10.244.1.1/24', 'dev', 'cni0'], nodeNs);
    await sh(['link', 'set', 'cni0', 'up'], nodeNs);
    await sh(['link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', extNs], nodeNs);
    await sh(['addr', 'add', '172.18.0.2/16', 'dev', 'eth0'], nodeNs);
    await sh(['link', 'set', 'eth0', 'up'], nodeNs);
    await sh(['addr', 'add', '172.18.0.100/16', 'dev', 'eth0'], extNs);
    await sh(['link', 'set', 'eth0', 'up'], extNs);
    // Like a real node, the node has a default route; without one, traffic to an unserved
    // ClusterIP dies in routing (ENETUNREACH) before the filter chains can reject it.
    await sh(['route', 'add', 'default', 'via', '172.18.0.100'], nodeNs);
    await sh(['route', 'add', '10.96.0.0/12', 'via', '172.18.0.2'], extNs);
    await sh(['route', 'add', '10.244.0.0/16', 'via', '172.18.0.2'], extNs);
    const pod = async (name: string, ip: string): Promise<PodNs> => {
      const ns = `${prefix}-${name}`;
      await sh(['netns', 'add', ns]);
      made.push(ns);
      await sh(['link', 'set', 'lo', 'up'], ns);
      await sh(['link', 'add', `v-${name}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns], nodeNs);
      await sh(['link', 'set', `v-${name}`, 'master', 'cni0'], nodeNs);
      // As podnet's CNI does: a pod that reaches itself through a Service gets its frames back
      // out of the bridge port they came in on.
      await sh(['link', 'set', `v-${name}`, 'type', 'bridge_slave', 'hairpin', 'on'], nodeNs);
      await sh(['link', 'set', `v-${name}`, 'up'], nodeNs);
      await sh(['addr', 'add', `${ip}/24`, 'dev', 'eth0'], ns);
      await sh(['link', 'set', 'eth0', 'up'], ns);
      await sh(['route', 'add', 'default', 'via', '10.244.1.1'], ns);
      return { name, ns, ip };
    };
    const pods = [await pod('p1', '10.244.1.11'), await pod('p2', '10.244.1.12'), await pod('p3', '10.244.1.13')];
    const client = await pod('cl', '10.244.1.20');
    return { prefix, nodeNs, nodeIP: '172.18.0.2', extNs, extIP: '172.18.0.100', pods, client, destroy };
  } catch (err) {
    await destroy();
    throw err;
  }
}

function nodeIn(netns: string, script: string, args: string[]): ChildProcess {
  return spawn('ip', ['netns', 'exec', netns, process.execPath, '-e', script, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
}

/** Starts the name server in a pod; resolves once it listens. Stop by calling the result. */
export async function startServer(pod: PodNs, ports: { tcp: number[]; udp: number[] }): Promise<() => Promise<void>> {
  const child = nodeIn(pod.ns, SERVER, [pod.name, JSON.stringify(ports)]);
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.once('line', () => resolve());
    child.once('exit', (code) => reject(new Error(`server in ${pod.ns} exited (${code})`)));
  });
  return async () => {
    if (child.exitCode !== null) return;
    const done = new Promise<void>((r) => child.once('exit', () => r()));
    child.stdin!.end();
    await done;
  };
}

export interface ProbeOptions {
  readonly host: string;
  readonly port: number;
  readonly n?: number;
  readonly proto?: 'tcp' | 'udp' | 'http';
  readonly timeoutMs?: number;
  /** HTTP path for proto http (default /). */
  readonly path?: string;
}

/** Runs `n` sequential connections from a namespace; each result is the first reply line or an error code. */
export async function probe(netns: string, o: ProbeOptions): Promise<string[]> {
  const child = nodeIn(netns, PROBE, [JSON.stringify({ n: 1, proto: 'tcp', timeoutMs: 3000, ...o })]);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  await new Promise<void>((r) => child.once('exit', () => r()));
  return JSON.parse(out) as string[];
}

export interface LongConnection {
  /** Sends a line and resolves with the echoed line (or CLOSED / ERR …). */
  roundTrip(text: string): Promise<string>;
  readonly greeting: string;
  close(): Promise<void>;
}

/** Opens one TCP connection that stays up; the server greets, then echoes. */
export async function openLong(netns: string, host: string, port: number): Promise<LongConnection> {
  const child = nodeIn(netns, LONG, [JSON.stringify({ host, port })]);
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
  child.once('exit', () => {
    for (const w of waiters.splice(0)) w('CLOSED');
  });
  const next = () => new Promise<string>((r) => (queue.length ? r(queue.shift()!) : waiters.push(r)));
  const greeting = await next();
  return {
    greeting,
    async roundTrip(text: string) {
      if (child.exitCode !== null) return 'CLOSED';
      child.stdin!.write(text + '\n');
      return next();
    },
    async close() {
      if (child.exitCode !== null) return;
      const done = new Promise<void>((r) => child.once('exit', () => r()));
      child.stdin!.end();
      await done;
    },
  };
}
