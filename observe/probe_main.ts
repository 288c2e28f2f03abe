// The probe helper, run inside a pod's network namespace (`ip netns exec POD node probe_main.js`)
// for as long as that pod stands for its node: one process per source pod, not one per probe (a
// process per probe costs ~65 ms of CPU, a probe here ~0.25 ms: bench/observe/RESULTS.md). It
// times TCP handshakes where the packets start, so no relay or pipe sits in the measured interval.
//   stdin:  "ID IP PORT SPORT TIMEOUT_MS\n"   one connection attempt from source port SPORT
//   stdout: "ready\n" once, then "ID OUTCOME MICROSECONDS\n" per attempt, where OUTCOME is
//           connected | refused (a RST: the round trip is timed all the same) | timeout | error:CODE
// Connections are reset, not closed, once timed: no TIME_WAIT keeps the source port busy, and the
// server sees one aborted connection. The process exits when its stdin closes.
import net from 'node:net';

function attempt(id: string, host: string, port: number, localPort: number, timeoutMs: number): void {
  const t0 = process.hrtime.bigint();
  let done = false;
  const sock = net.connect({ host, port, localPort });
  const finish = (outcome: string) => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    const us = Number((process.hrtime.bigint() - t0) / 1000n);
    process.stdout.write(`${id} ${outcome} ${us}\n`);
  };
  const timer = setTimeout(() => {
    finish('timeout');
    // Still connecting: closing a half-open socket sends nothing and leaves no TIME_WAIT.
    sock.destroy();
  }, timeoutMs);
  sock.once('connect', () => {
    finish('connected');
    sock.resetAndDestroy();
  });
  sock.once('error', (e: NodeJS.ErrnoException) => finish(e.code === 'ECONNREFUSED' ? 'refused' : `error:${e.code ?? 'EIO'}`));
}

let buf = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => {
  buf += chunk;
  let nl: number;
  while ((nl = buf.indexOf('\n')) >= 0) {
    const [id, host, port, sport, ms] = buf.slice(0, nl).trim().split(' ');
    buf = buf.slice(nl + 1);
    if (id && host && port && sport && ms) attempt(id, host, Number(port), Number(sport), Number(ms));
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdout.write('ready\n');
