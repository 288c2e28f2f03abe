// Ingress data-plane and reload benchmark: wrk through podnet's controller vs nginx configured
// with the same routes to the same backends, in the same run; then the time and memory to apply
// one change with 1k and 10k rules, with wrk running against the controller meanwhile.
//   node --import tsx bench/ingress/ingress_bench.ts [seconds=10] [connections=50]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySource } from '../../client/memory.js';
import type { KubeObject } from '../../api/types.js';
import { serveIngress } from '../../ingress/server.js';
import { ingress, serviceFor } from '../../ingress/testing.js';
import { startPodnetWorkers } from './workers_peer.js';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The floor for any Node proxy: pipe to a keep-alive agent, round-robin, no routing, no headers.
 * Measured so the gap to nginx can be split into "Node's http stack" and "podnet's own work".
 */
async function bareNodeProxy(ports: number[]): Promise<http.Server> {
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 256 });
  let i = 0;
  const server = http.createServer((req, res) => {
    const up = http.request({ host: '127.0.0.1', port: ports[i++ % ports.length], method: req.method, path: req.url, headers: req.headers, agent }, (ures) => {
      res.writeHead(ures.statusCode ?? 502, ures.headers);
      ures.pipe(res);
    });
    up.on('error', () => { res.statusCode = 502; res.end(); });
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const SECONDS = Number(process.argv[2] ?? 10);
const CONNS = Number(process.argv[3] ?? 50);
const BACKENDS = 4;
const HOST = 'bench.example';

interface WrkResult { rps: number; p50: number; p99: number; non2xx: number; errors: number; requests: number }

function ms(v: string, unit: string): number {
  return Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!;
}

function runWrk(port: number, seconds: number, path = '/'): Promise<WrkResult> {
  return new Promise((resolve, reject) => {
    const p = spawn('wrk', ['-t2', `-c${CONNS}`, `-d${seconds}s`, '--latency', '-H', `Host: ${HOST}`, `http://127.0.0.1:${port}${path}`]);
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('error', reject);
    p.on('exit', () => {
      const lat = (q: string) => { const m = new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s)`).exec(out); return m ? ms(m[1]!, m[2]!) : NaN; };
      if (/Socket errors|Non-2xx/.test(out)) process.stderr.write(out);
      const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
      resolve({
        rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
        p50: lat('50'),
        p99: lat('99'),
        non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
        errors: errs ? errs.slice(1).reduce((s, x) => s + Number(x), 0) : 0,
        requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? 0),
      });
    });
  });
}

/** Backends in their own process so they do not share the controller's event loop. */
async function startBackends(): Promise<{ child: ChildProcess; ports: number[] }> {
  const code = `
    const http = require('node:http');
    const ports = [];
    let n = ${BACKENDS};
    for (let i = 0; i < n; i++) {
      const s = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 12 }); res.end('hello world\\n'); });
      s.keepAliveTimeout = 75000;
      s.listen(0, '127.0.0.1', () => { ports.push(s.address().port); if (ports.length === n) console.log(JSON.stringify(ports)); });
    }`;
  const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ports = await new Promise<number[]>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(JSON.parse(d.toString()) as number[])));
  return { child, ports };
}

async function startNginx(parent: string, ports: number[], workers = 1): Promise<{ child: ChildProcess; port: number }> {
  const dir = join(parent, `nginx-${workers}`);
  mkdirSync(dir);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const conf = `
worker_processes ${workers};
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  upstream web { ${ports.map((p) => `server 127.0.0.1:${p};`).join(' ')} keepalive 256; }
  server {
    listen 127.0.0.1:${port};
    server_name ${HOST};
    location / {
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Host $host;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Request-ID $request_id;
      proxy_pass http://web;
    }
  }
}`;
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const child = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'inherit' });
  for (let i = 0; i < 100; i++) {
    const ok = spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`]).status === 0;
    if (ok) return { child, port };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('nginx did not start');
}

function manyRules(n: number, backend: string): KubeObject[] {
  // n rules as 100 rules per Ingress: 10 hosts × 10 paths.
  const out: KubeObject[] = [];
  for (let i = 0; i < n / 100; i++) {
    out.push(ingress(`bulk-${i}`, Array.from({ length: 10 }, (_, h) => ({ host: `h${i}-${h}.bulk.example`, paths: Array.from({ length: 10 }, (_, p) => ({ path: `/p${p}`, service: backend })) }))));
  }
  return out;
}

async function main(): Promise<void> {
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(', ');
  const dir = mkdtempSync(join(tmpdir(), 'pn-ingress-bench-'));
  const { child: backends, ports } = await startBackends();
  let nginx: ChildProcess | undefined;
  const src = new MemorySource();
  const echoes = ports.map((port) => ({ host: '127.0.0.1', port }));
  for (const o of serviceFor('web', echoes)) src.apply(o);
  src.apply(ingress('web', [{ host: HOST, paths: [{ path: '/', service: 'web' }] }]));
  const server = await serveIngress({ source: src, listen: { host: '127.0.0.1', port: 0 }, accessLog: false });
  // The same controller with only Node's http pipeline (the engine before the fast one).
  const nodeServer = await serveIngress({ source: src, listen: { host: '127.0.0.1', port: 0 }, accessLog: false, engine: 'node' });
  try {
    const n1 = await startNginx(dir, ports);
    nginx = n1.child;
    const nginxPort = n1.port;
    const podnetPort = server.ports().http;
    const nodePort = nodeServer.ports().http;
    const bare = await bareNodeProxy(ports);
    const barePort = (bare.address() as AddressInfo).port;
    await runWrk(podnetPort, 2); // warm up all three
    await runWrk(nginxPort, 2);
    await runWrk(barePort, 2);
    await runWrk(nodePort, 2);
    const rounds: { podnet: WrkResult; nginx: WrkResult; node: WrkResult; bare: WrkResult }[] = [];
    for (let i = 0; i < 2; i++) {
      rounds.push({ podnet: await runWrk(podnetPort, SECONDS), nginx: await runWrk(nginxPort, SECONDS), node: await runWrk(nodePort, SECONDS), bare: await runWrk(barePort, SECONDS) });
    }
    await new Promise<void>((r) => { bare.close(() => r()); bare.closeAllConnections(); });
    await nodeServer.close();
    console.log('\n## throughput and latency (wrk -t2 -c%d -d%ds, %d backends, load average before: %s)', CONNS, SECONDS, BACKENDS, loadBefore);
    console.log('| round | podnet (fast engine) req/s | nginx req/s | podnet (Node http engine) req/s | bare Node proxy req/s | fast/nginx | node-engine/nginx | bare/nginx | fast p50 | nginx p50 | fast p99 | nginx p99 | node-engine p99 | p99 fast/nginx | errors (fast/nginx/node) |');
    console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [i, r] of rounds.entries()) {
      const ratio = (a: number, b: number): string => (a / b).toFixed(2);
      const err = (w: WrkResult): number => w.errors + w.non2xx;
      console.log(`| ${i + 1} | ${r.podnet.rps.toFixed(0)} | ${r.nginx.rps.toFixed(0)} | ${r.node.rps.toFixed(0)} | ${r.bare.rps.toFixed(0)} | ${ratio(r.podnet.rps, r.nginx.rps)} | ${ratio(r.node.rps, r.nginx.rps)} | ${ratio(r.bare.rps, r.nginx.rps)} | ${r.podnet.p50.toFixed(2)} ms | ${r.nginx.p50.toFixed(2)} ms | ${r.podnet.p99.toFixed(2)} ms | ${r.nginx.p99.toFixed(2)} ms | ${r.node.p99.toFixed(2)} ms | ${ratio(r.podnet.p99, r.nginx.p99)} | ${err(r.podnet)}/${err(r.nginx)}/${err(r.node)} |`);
    }
    console.log('load average after: %s', loadavg().map((x) => x.toFixed(2)).join(', '));

    // Like for like with more than one worker: podnet --workers 2 vs nginx worker_processes 2.
    const objects = [...serviceFor('web', echoes), ingress('web', [{ host: HOST, paths: [{ path: '/', service: 'web' }] }])];
    const pw = await startPodnetWorkers(dir, objects, 2);
    const n2 = await startNginx(dir, ports, 2);
    try {
      await runWrk(pw.port, 2);
      await runWrk(n2.port, 2);
      const wrounds: { podnet: WrkResult; nginx: WrkResult }[] = [];
      for (let i = 0; i < 2; i++) wrounds.push({ podnet: await runWrk(pw.port, SECONDS), nginx: await runWrk(n2.port, SECONDS) });
      console.log('\n## two workers each (podnet ingress serve --workers 2, nginx worker_processes 2), load average %s', loadavg().map((x) => x.toFixed(2)).join(', '));
      console.log('| round | podnet req/s | nginx req/s | podnet/nginx | podnet p99 | nginx p99 | p99 ratio | errors (podnet/nginx) |');
      console.log('|---|---|---|---|---|---|---|---|');
      for (const [i, r] of wrounds.entries()) {
        console.log(`| ${i + 1} | ${r.podnet.rps.toFixed(0)} | ${r.nginx.rps.toFixed(0)} | ${(r.podnet.rps / r.nginx.rps).toFixed(2)} | ${r.podnet.p99.toFixed(2)} ms | ${r.nginx.p99.toFixed(2)} ms | ${(r.podnet.p99 / r.nginx.p99).toFixed(2)} | ${r.podnet.errors + r.podnet.non2xx}/${r.nginx.errors + r.nginx.non2xx} |`);
      }
    } finally {
      await pw.stop();
      n2.child.kill('SIGQUIT');
    }

    console.log('\n## one change with N rules (wrk running against the controller meanwhile)');
    console.log('| rules | full compile | one change (median of 20) | max | heap after | rss after | wrk requests | failed |');
    console.log('|---|---|---|---|---|---|---|---|');
    for (const n of [1000, 10000]) {
      for (const o of manyRules(n, 'web')) src.apply(o);
      (globalThis as { gc?: () => void }).gc?.();
      const t0 = performance.now();
      server.reload();
      const full = performance.now() - t0;
      const load = runWrk(podnetPort, 4);
      const times: number[] = [];
      await new Promise((r) => setTimeout(r, 500));
      for (let i = 0; i < 20; i++) {
        src.apply(ingress('bulk-0', [{ host: 'h0-0.bulk.example', paths: [{ path: `/changed${i}`, service: 'web' }] }]));
        const t = performance.now();
        server.reload();
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 100));
      }
      const w = await load;
      times.sort((a, b) => a - b);
      const mem = process.memoryUsage();
      console.log(`| ${n} | ${full.toFixed(1)} ms | ${times[10]!.toFixed(1)} ms | ${times[19]!.toFixed(1)} ms | ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB | ${(mem.rss / 2 ** 20).toFixed(0)} MiB | ${w.requests} | ${w.errors + w.non2xx} |`);
    }
  } finally {
    await nodeServer.close();
    await server.close();
    if (nginx?.pid) nginx.kill('SIGQUIT');
    backends.kill();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
