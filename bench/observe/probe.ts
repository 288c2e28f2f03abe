// The latency prober's own cost at 3 nodes (9 probes a round): wall time and CPU per round, in the
// daemon and in the helpers, against the alternative of one `ip netns exec … node` per probe.
// Six "pods" (two per "node") on one bridge; none listens, so every probe is answered with a RST.
//   node --import tsx bench/observe/probe.ts [rounds=200] [spawns=9]        (as root)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { runOk } from '../../host/exec.js';
import { cleanupNetnsPrefix, testPrefix } from '../../host/testutil.js';
import type { Pod } from '../../api/types.js';
import { flowMetrics } from '../../observe/metrics.js';
import { startProber } from '../../observe/prober.js';
import { startProbeHelper, type ProbeHelper } from '../../observe/probehelper.js';

const rounds = Number(process.argv[2] ?? 200);
const spawns = Number(process.argv[3] ?? 9);
const prefix = testPrefix();
const HUB = `${prefix}hub`;
const TICK_MS = 10; // USER_HZ = 100 on Linux

const ONE_PROBE = `
const t0 = process.hrtime.bigint();
const s = require('net').connect({ host: process.argv[1], port: 1 });
const done = () => { console.log(Number(process.hrtime.bigint() - t0) / 1e3); process.exit(0); };
s.on('connect', done); s.on('error', done);`;

/** CPU of a process (utime + stime) in ms, or of its waited-for children with `children`. */
function cpuMs(pid: number | 'self', children = false): number {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
  // Fields after the name start at state (3rd): utime 14, stime 15, cutime 16, cstime 17.
  const at = (n: number) => Number(fields[n - 3]);
  return (children ? at(16) + at(17) : at(14) + at(15)) * TICK_MS;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function pod(i: number): Pod {
  return {
    metadata: { namespace: 'bench', name: `p${i}`, uid: `p${i}`, creationTimestamp: `2026-01-01T00:00:0${i}Z` },
    spec: { nodeName: `node-${Math.ceil(i / 2)}`, containers: [{ name: 'c' }] },
    status: { phase: 'Running', podIP: `10.251.0.${i}` },
  } as Pod;
}

async function main(): Promise<void> {
  const pods = [1, 2, 3, 4, 5, 6].map(pod);
  try {
    await runOk('ip', ['netns', 'add', HUB]);
    await runOk('ip', ['-n', HUB, 'link', 'add', 'br0', 'type', 'bridge']);
    await runOk('ip', ['-n', HUB, 'link', 'set', 'br0', 'up']);
    for (let i = 1; i <= 6; i++) {
      const ns = `${prefix}p${i}`;
      await runOk('ip', ['netns', 'add', ns]);
      await runOk('ip', ['-n', HUB, 'link', 'add', `v${i}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await runOk('ip', ['-n', HUB, 'link', 'set', `v${i}`, 'master', 'br0', 'up']);
      await runOk('ip', ['-n', ns, 'addr', 'add', `10.251.0.${i}/24`, 'dev', 'eth0']);
      await runOk('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    }
    const helpers: ProbeHelper[] = [];
    const prober = startProber({
      pods: () => pods, nodes: ['node-1', 'node-2', 'node-3'], podNetns: (uid) => `${prefix}${uid}`, intervalMs: 3_600_000, metrics: flowMetrics(),
      startHelper: async (ns) => {
        const h = await startProbeHelper(ns);
        helpers.push(h);
        return h;
      },
    });
    try {
      // The loop's first round starts the helpers; this waits for it.
      const t0 = Date.now();
      const first = await prober.round();
      console.log(`first rounds (helpers starting): ${Date.now() - t0} ms wall, ${first.filter((r) => r.ok).length}/${first.length} answered`);
      const walls: number[] = [];
      const lat: number[] = [];
      const cpu0 = process.cpuUsage();
      const h0 = helpers.reduce((s, h) => s + cpuMs(h.pid), 0);
      for (let i = 0; i < rounds; i++) {
        const t = process.hrtime.bigint();
        const rs = await prober.round();
        walls.push(Number(process.hrtime.bigint() - t) / 1e6);
        for (const r of rs) if (r.latencyMs !== undefined) lat.push(r.latencyMs);
      }
      const cpu = process.cpuUsage(cpu0);
      const helperMs = helpers.reduce((s, h) => s + cpuMs(h.pid), 0) - h0;
      console.log(`prober, ${rounds} rounds of ${first.length} probes: wall per round median ${median(walls).toFixed(2)} ms; CPU per round: daemon ${((cpu.user + cpu.system) / 1000 / rounds).toFixed(2)} ms, ${helpers.length} helpers ${(helperMs / rounds).toFixed(2)} ms (10 ms ticks); probe RTT median ${median(lat).toFixed(3)} ms`);
    } finally {
      await prober.stop();
    }
    // The alternative: a process per probe.
    const c0 = cpuMs('self', true);
    const walls: number[] = [];
    for (let i = 0; i < spawns; i++) {
      const t = process.hrtime.bigint();
      await new Promise<void>((resolve, reject) => {
        const c = spawn('ip', ['netns', 'exec', `${prefix}p1`, process.execPath, '-e', ONE_PROBE, `10.251.0.${2 + (i % 5)}`], { stdio: ['ignore', 'ignore', 'inherit'] });
        c.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`probe process exited ${code}`))));
      });
      walls.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    const spawnCpu = (cpuMs('self', true) - c0) / spawns;
    console.log(`process per probe, ${spawns} probes: wall per probe median ${median(walls).toFixed(1)} ms, CPU per probe ${spawnCpu.toFixed(1)} ms → ${(spawnCpu * 9).toFixed(0)} ms CPU per round of 9`);
  } finally {
    await cleanupNetnsPrefix(prefix);
  }
}

await main();
