// Can conntrack events time a connection's handshake (NEW → the reply's SYN_RECV update)? Two
// `conntrack -E -o extended,timestamp,id` readers follow the same namespace while loopback connections are
// made in it; each prints, per connection, its NEW → SYN_RECV gap and how far apart the two readers
// stamped the same SYN_RECV event. If the stamps were the kernel's, the readers would agree.
//   node --import tsx bench/observe/ctstamp.ts [connections=20]        (as root)
import { runOk } from '../../host/exec.js';
import { cleanupNetnsPrefix, testPrefix } from '../../host/testutil.js';
import { followLines, type LineProcess } from '../../observe/lines.js';
import { parseConntrackEvent } from '../../observe/conntrack.js';

const count = Number(process.argv[2] ?? 20);
const prefix = testPrefix();
const NS = `${prefix}ct`;

const CLIENT = `
const net = require('net');
const server = net.createServer((s) => s.destroy()).listen(8080, '127.0.0.1', async () => {
  for (let i = 0; i < ${count}; i++) {
    await new Promise((r) => { const c = net.connect(8080, '127.0.0.1', () => { c.destroy(); setTimeout(r, 20); }); });
  }
  server.close();
});`;

type Stamps = Map<string, { newMs?: number; synRecvMs?: number }>;

function reader(into: Stamps): LineProcess {
  return followLines(NS, 'conntrack', ['-E', '-e', 'NEW,UPDATE', '-o', 'extended,timestamp,id'], (line) => {
    const rec = parseConntrackEvent(line);
    if (!rec?.id || rec.orig.dport !== 8080) return;
    // The parser keeps milliseconds; the tool prints microseconds.
    const m = /^\s*\[(\d+)\.(\d{6})\]/.exec(line);
    if (!m) return;
    const ms = (Number(m[1]) % 100_000) * 1000 + Number(m[2]) / 1000;
    const s = into.get(rec.id) ?? {};
    if (rec.type === 'NEW') s.newMs = ms;
    if (rec.type === 'UPDATE' && /\bSYN_RECV\b/.test(line)) s.synRecvMs ??= ms;
    into.set(rec.id, s);
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

async function main(): Promise<void> {
  const a: Stamps = new Map();
  const b: Stamps = new Map();
  const readers: LineProcess[] = [];
  try {
    await runOk('ip', ['netns', 'add', NS]);
    await runOk('ip', ['-n', NS, 'link', 'set', 'lo', 'up']);
    // Conntrack runs in a namespace only once a rule needs it.
    await runOk('nft', ['-f', '-'], { netns: NS, input: 'table ip t {\n chain c {\n type filter hook output priority 0;\n ct state new counter\n }\n}\n' });
    readers.push(reader(a), reader(b));
    // The readers subscribe asynchronously; a warm-up connection shows when both are listening.
    for (;;) {
      await runOk('bash', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/8080 || true'], { netns: NS }).catch(() => undefined);
      if (a.size && b.size) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    a.clear();
    b.clear();
    await runOk(process.execPath, ['-e', CLIENT], { netns: NS });
    await new Promise((r) => setTimeout(r, 300));
    const gaps: number[] = [];
    const skew: number[] = [];
    for (const [id, x] of a) {
      const y = b.get(id);
      if (x.newMs === undefined || x.synRecvMs === undefined) continue;
      gaps.push(x.synRecvMs - x.newMs);
      if (y?.synRecvMs !== undefined) skew.push(Math.abs(x.synRecvMs - y.synRecvMs));
    }
    console.log(`${gaps.length} connections over loopback (real handshake: a few µs)`);
    console.log(`reader A's NEW → SYN_RECV gap, ms: median ${median(gaps).toFixed(3)}, max ${Math.max(...gaps).toFixed(3)}`);
    console.log(`the same SYN_RECV event stamped by A and B, |difference| ms: median ${median(skew).toFixed(3)}, max ${Math.max(...skew).toFixed(3)}`);
  } finally {
    await Promise.all(readers.map((r) => r.stop()));
    await cleanupNetnsPrefix(prefix);
  }
}

await main();
