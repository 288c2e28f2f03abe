// The real packet: in every node's namespace a temporary table marks the connection's first packet
// (source address and a fixed source port) for nftables tracing, `nft monitor` collects the trace,
// the pod sends one connection attempt, and the tables go again — whatever happens.
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { run, runOk } from '../host/exec.js';
import { followLines, type LineProcess } from './lines.js';
import { parseTraceLine, type TracedPacket, type TraceStep } from './nfttrace.js';

export type SendResult = 'connected' | 'refused' | 'timeout' | 'answered' | 'no-answer' | 'error';

export interface NodeTrace {
  readonly node: string;
  /** Every rule/policy step of the first traced packet, in order. */
  readonly steps: readonly TraceStep[];
  /** The packet as each chain saw it (after DNAT, with the output interface once routed). */
  readonly packets: readonly (TracedPacket & { table: string; chain: string })[];
}

export interface KernelTrace {
  readonly sent: SendResult;
  readonly sport: number;
  /** Nodes whose namespace saw the packet. */
  readonly nodes: readonly NodeTrace[];
}

export interface KernelTraceInput {
  readonly nodes: readonly { name: string; netns: string }[];
  readonly podNetns: string;
  readonly srcIP: string;
  readonly dstIP: string;
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
  readonly timeoutMs?: number;
}

const SENDER = `
const [proto, host, port, sport, ms] = process.argv.slice(1);
const done = (r) => { console.log(r); process.exit(0); };
setTimeout(() => done(proto === 'tcp' ? 'timeout' : 'no-answer'), Number(ms));
if (proto === 'tcp') {
  const s = require('net').connect({ host, port: Number(port), localPort: Number(sport) });
  s.on('connect', () => { s.destroy(); done('connected'); });
  s.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error'));
} else {
  const d = require('dgram').createSocket('udp4');
  d.on('message', () => done('answered'));
  d.on('error', (e) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'error'));
  d.bind(Number(sport), () => d.connect(Number(port), host, () => d.send('podnet-trace')));
}`;

function tableScript(table: string, srcIP: string, sport: number, protocol: 'tcp' | 'udp'): string {
  // Only the first packet: a TCP SYN (not its retransmits' ACKs), or the one UDP datagram.
  const first = protocol === 'tcp' ? ' tcp flags & (syn | ack) == syn' : '';
  return [
    `table ip ${table} {`,
    `  chain first-packet {`,
    // Before conntrack (-200) and raw (-300): the trace shows every table the packet meets.
    `    type filter hook prerouting priority -350; policy accept;`,
    `    ip saddr ${srcIP} ${protocol} sport ${sport}${first} meta nftrace set 1`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}

/** Adds chains until the monitor reports one: then it is subscribed and sees what follows. */
async function handshake(netns: string, table: string, seen: () => boolean, tag: string): Promise<void> {
  for (let i = 0; i < 60; i++) {
    await run('nft', ['add', 'chain', 'ip', table, `${tag}-${i}`], { netns });
    for (let j = 0; j < 5; j++) {
      if (seen()) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error(`trace: nft monitor in "${netns}" did not report table ${table}`);
}

function sendFromPod(podNetns: string, args: string[]): Promise<SendResult> {
  return new Promise((resolve) => {
    const child = spawn('ip', ['netns', 'exec', podNetns, process.execPath, '-e', SENDER, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.on('close', () => resolve((out.trim() || 'error') as SendResult));
    child.on('error', () => resolve('error'));
  });
}

export async function kernelTrace(input: KernelTraceInput): Promise<KernelTrace> {
  const sport = randomInt(40000, 60000);
  const table = `podnet-trace-${sport}`;
  const lines = new Map<string, string[]>(input.nodes.map((n) => [n.name, []]));
  const monitors: LineProcess[] = [];
  let sent: SendResult = 'error';
  try {
    for (const n of input.nodes) {
      monitors.push(followLines(n.netns, 'nft', ['monitor'], (l) => lines.get(n.name)!.push(l)));
      await runOk('nft', ['-f', '-'], { netns: n.netns, input: tableScript(table, input.srcIP, sport, input.protocol) });
      await handshake(n.netns, table, () => lines.get(n.name)!.some((l) => l.includes(table) && l.includes('ready-')), 'ready');
    }
    sent = await sendFromPod(input.podNetns, [input.protocol, input.dstIP, String(input.port), String(sport), String(input.timeoutMs ?? 1500)]);
    // Netlink events arrive in order: once a later change is reported, every trace before it is in.
    for (const n of input.nodes) await handshake(n.netns, table, () => lines.get(n.name)!.some((l) => l.includes('done-')), 'done');
  } finally {
    await Promise.all(input.nodes.map((n) => run('nft', ['delete', 'table', 'ip', table], { netns: n.netns })));
    await Promise.all(monitors.map((m) => m.stop()));
  }
  const nodes: NodeTrace[] = [];
  for (const n of input.nodes) {
    // The monitor sees every trace in the namespace (observe's own marks too); ours are those whose
    // packet comes from the pod's address and our source port. The kernel gives the packet a new
    // trace id after routing (prerouting and forward differ), so there can be several.
    const parsed = lines.get(n.name)!.map(parseTraceLine).filter((l) => l !== undefined);
    const ids = new Set(parsed.filter((l) => 'packet' in l && l.packet.saddr === input.srcIP && l.packet.sport === sport).map((l) => l.id));
    const steps: TraceStep[] = [];
    const packets: NodeTrace['packets'][number][] = [];
    for (const l of parsed) {
      if (!ids.has(l.id)) continue;
      if ('packet' in l) packets.push({ ...l.packet, table: l.table, chain: l.chain });
      else {
        const { id: _id, ...step } = l;
        steps.push(step);
      }
    }
    if (ids.size) nodes.push({ node: n.name, steps, packets });
  }
  return { sent, sport, nodes };
}
