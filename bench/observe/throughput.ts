// Flow capture cost: bulk TCP throughput and short-connection rate between a "pod" and its "node"
// (through a DNAT'ed Service address, as pods reach Services), with observe capturing on the node
// (conntrack events + nftables traces of first packets) versus not, and capturing without the
// SYN_RECV reader of handshake times (connectTimes: false). Rounds alternate off / on-no-times / on.
//   node --import tsx bench/observe/throughput.ts [rounds=3] [seconds=3]
import { spawn } from 'node:child_process';
import { MemorySource } from '../../client/memory.js';
import { runOk } from '../../host/exec.js';
import { cleanupNetnsPrefix, testPrefix } from '../../host/testutil.js';
import { startObserve } from '../../observe/observe.js';

const rounds = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);
const prefix = testPrefix();
const NODE = `${prefix}node`;
const POD = `${prefix}pod`;

const SERVER = `
const net = require('net');
net.createServer((s) => { s.on('data', () => {}); s.on('error', () => {}); s.on('end', () => s.end()); }).listen(9000, '10.244.1.1');
net.createServer((s) => { s.end('ok'); s.on('error', () => {}); }).listen(9001, '10.244.1.1');`;

const CLIENT = `
const net = require('net');
const [mode, secs] = process.argv.slice(1);
const until = Date.now() + Number(secs) * 1000;
if (mode === 'bulk') {
  const buf = Buffer.alloc(1 << 16);
  let sent = 0;
  const s = net.connect(80, '10.96.0.20', () => {
    const pump = () => { while (Date.now() < until) { sent += buf.length; if (!s.write(buf)) return s.once('drain', pump); } s.end(); console.log(sent / Number(secs)); };
    pump();
  });
} else {
  let n = 0;
  const one = () => { if (Date.now() >= until) return; const s = net.connect(81, '10.96.0.20'); s.on('data', () => {}); s.on('close', () => { n++; one(); }); s.on('error', () => {}); };
  for (let i = 0; i < 8; i++) one();
  setTimeout(() => console.log(n / Number(secs)), Number(secs) * 1000 + 200);
}`;

function client(mode: 'bulk' | 'conns'): Promise<number> {
  return new Promise((resolve, reject) => {
    const c = spawn('ip', ['netns', 'exec', POD, process.execPath, '-e', CLIENT, mode, String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (b: Buffer) => (out += b.toString()));
    c.on('close', () => (out.trim() ? resolve(Number(out.trim())) : reject(new Error('client printed nothing'))));
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  let server: ReturnType<typeof spawn> | undefined;
  try {
    for (const ns of [NODE, POD]) await runOk('ip', ['netns', 'add', ns]);
    await runOk('ip', ['-n', NODE, 'link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'eth0', 'netns', POD]);
    await runOk('ip', ['-n', NODE, 'addr', 'add', '10.244.1.1/24', 'dev', 'veth0']);
    for (const [ns, dev] of [[NODE, 'veth0'], [NODE, 'lo'], [POD, 'eth0'], [POD, 'lo']] as const) await runOk('ip', ['-n', ns, 'link', 'set', dev, 'up']);
    await runOk('ip', ['-n', POD, 'addr', 'add', '10.244.1.2/24', 'dev', 'eth0']);
    await runOk('ip', ['-n', POD, 'route', 'add', 'default', 'via', '10.244.1.1']);
    await runOk('nft', ['-f', '-'], { netns: NODE, input: 'table ip bench {\n chain pre {\n  type nat hook prerouting priority -100;\n  ip daddr 10.96.0.20 tcp dport 80 dnat to 10.244.1.1:9000\n  ip daddr 10.96.0.20 tcp dport 81 dnat to 10.244.1.1:9001\n }\n}\n' });
    server = spawn('ip', ['netns', 'exec', NODE, process.execPath, '-e', SERVER], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 500));
    const res = { off: { bulk: [] as number[], conns: [] as number[] }, on: { bulk: [] as number[], conns: [] as number[] }, 'on-no-times': { bulk: [] as number[], conns: [] as number[] } };
    for (let i = 0; i < rounds; i++) {
      for (const mode of ['off', 'on-no-times', 'on'] as const) {
        const obs = mode === 'off' ? undefined : await startObserve({ source: new MemorySource(), nodes: [{ name: 'node', netns: NODE }], listen: { host: '127.0.0.1', port: 0 }, onError: () => {}, connectTimes: mode === 'on' });
        try {
          res[mode].bulk.push(await client('bulk'));
          res[mode].conns.push(await client('conns'));
          if (obs) process.stderr.write(`  round ${i + 1}: observe recorded ${obs.flows().length} flows\n`);
        } finally {
          await obs?.stop();
        }
      }
    }
    const mb = (x: number) => (x / 1e6).toFixed(0);
    console.log(`bulk TCP MB/s  off ${res.off.bulk.map(mb).join(' ')}  on ${res.on.bulk.map(mb).join(' ')}  ratio on/off ${(median(res.on.bulk) / median(res.off.bulk)).toFixed(3)}`);
    console.log(`connections/s  off ${res.off.conns.map((x) => x.toFixed(0)).join(' ')}  on ${res.on.conns.map((x) => x.toFixed(0)).join(' ')}  ratio on/off ${(median(res.on.conns) / median(res.off.conns)).toFixed(3)}`);
    const nt = res['on-no-times'];
    console.log(`without handshake times (connectTimes: false): bulk MB/s ${nt.bulk.map(mb).join(' ')} ratio ${(median(nt.bulk) / median(res.off.bulk)).toFixed(3)}; connections/s ${nt.conns.map((x) => x.toFixed(0)).join(' ')} ratio ${(median(nt.conns) / median(res.off.conns)).toFixed(3)}`);
  } finally {
    if (server?.pid) server.kill('SIGKILL');
    await cleanupNetnsPrefix(prefix);
  }
}

await main();
