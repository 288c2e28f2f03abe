// Capture on one node: turns on conntrack accounting in the node's namespace, adds a small table
// that marks the first packet of every new connection for nftables tracing, and follows
// `conntrack -E` (forwarded connections, with counters when they end) and `nft monitor trace`
// (where refused and dropped first packets stopped). Removing the table undoes it all.
import { run, runOk } from '../host/exec.js';
import { parseConntrackEvent } from './conntrack.js';
import { TraceAssembler, type TraceRecord } from './nfttrace.js';
import { followLines, type LineProcess } from './lines.js';
import type { ConntrackRecord } from './conntrack.js';
import { PROBE_PORT_FIRST, PROBE_PORT_LAST } from './probeplan.js';

export const OBSERVE_TABLE = 'podnet-observe';

/** Priority -150: after conntrack (-200) so `ct state` is known, before DNAT (-100) so the Service address is still in the packet. */
export function observeTableScript(): string {
  return [
    `table ip ${OBSERVE_TABLE}`,
    `delete table ip ${OBSERVE_TABLE}`,
    `table ip ${OBSERVE_TABLE} {`,
    `  chain trace-prerouting {`,
    `    type filter hook prerouting priority -150; policy accept;`,
    // Latency probes (prober.ts) are not traced: not the cluster's traffic, and not worth the cost.
    `    tcp sport ${PROBE_PORT_FIRST}-${PROBE_PORT_LAST} return`,
    `    ct state new meta l4proto { tcp, udp, sctp } meta nftrace set 1`,
    `  }`,
    `  chain trace-output {`,
    `    type filter hook output priority -150; policy accept;`,
    `    tcp sport ${PROBE_PORT_FIRST}-${PROBE_PORT_LAST} return`,
    `    ct state new meta l4proto { tcp, udp, sctp } meta nftrace set 1`,
    `  }`,
    `}`,
    '',
  ].join('\n');
}

export interface NodeCaptureHandlers {
  conntrack(rec: ConntrackRecord): void;
  trace(rec: TraceRecord): void;
  error(message: string): void;
}

export interface NodeCapture {
  stop(): Promise<void>;
}

/** How long a trace id may stay silent before it counts as accepted (accepts have no final line). */
const TRACE_IDLE_MS = 500;

/** traces: nft tracing of first packets (refused/dropped flows); connectTimes: SYN_RECV updates too (handshake times). */
export async function startNodeCapture(netns: string, h: NodeCaptureHandlers, opts: { traces?: boolean; connectTimes?: boolean } = {}): Promise<NodeCapture> {
  // Per-namespace sysctl: counters on DESTROY events. Only inside the node's namespace.
  await run('sysctl', ['-qw', 'net.netfilter.nf_conntrack_acct=1'], { netns });
  const procs: LineProcess[] = [];
  procs.push(
    followLines(netns, 'conntrack', ['-E', '-e', 'NEW,DESTROY', '-o', 'extended,timestamp,id', '-b', '8388608'], (line) => {
      const rec = parseConntrackEvent(line);
      if (rec) h.conntrack(rec);
    }, (code, err) => h.error(`observe: conntrack -E in "${netns}" exited (${code}): ${err.trim()}`)),
  );
  if (opts.connectTimes !== false) {
    // Only the SYN/ACK's state change, filtered in the kernel: one more event per TCP connection.
    procs.push(
      followLines(netns, 'conntrack', ['-E', '-e', 'UPDATE', '-p', 'tcp', '--state', 'SYN_RECV', '-o', 'extended,timestamp,id', '-b', '8388608'], (line) => {
        const rec = parseConntrackEvent(line);
        if (rec) h.conntrack(rec);
      }, (code, err) => h.error(`observe: conntrack -E (SYN_RECV) in "${netns}" exited (${code}): ${err.trim()}`)),
    );
  }
  let timer: NodeJS.Timeout | undefined;
  if (opts.traces !== false) {
    await runOk('nft', ['-f', '-'], { netns, input: observeTableScript() });
    const asm = new TraceAssembler();
    procs.push(
      // Rules added after the monitor started print as "unknown rule handle N": the parser takes
      // those as rules too (their chain still names the Service or the pod).
      followLines(netns, 'nft', ['monitor', 'trace'], (line) => {
        const rec = asm.push(line, Date.now());
        if (rec) h.trace(rec);
      }, (code, err) => h.error(`observe: nft monitor trace in "${netns}" exited (${code}): ${err.trim()}`)),
    );
    timer = setInterval(() => {
      for (const rec of asm.flushOlderThan(Date.now(), TRACE_IDLE_MS)) h.trace(rec);
    }, TRACE_IDLE_MS);
    timer.unref();
  }
  return {
    async stop() {
      if (timer) clearInterval(timer);
      await Promise.all(procs.map((p) => p.stop()));
      if (opts.traces !== false) await run('nft', ['delete', 'table', 'ip', OBSERVE_TABLE], { netns });
    },
  };
}
