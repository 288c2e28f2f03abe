// The fast engine seen from the wire: raw client bytes in, raw backend bytes out, through a real
// controller. Echo backends are Node http servers; the scripted ones are raw TCP servers that
// answer with exactly the bytes a test names (chunked, close-delimited, 1xx, cut off mid-body).
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { KubeObject } from '../api/types.js';
import { ingress, request, serviceFor, world, type World } from './testing.js';
import type { Flow } from './server.js';

class RawClient {
  private text = '';
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;

  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { this.text += d; this.wake(); });
    socket.on('error', () => {});
    this.closed = new Promise((r) => socket.once('close', () => { this.wake(); r(); }));
  }

  static async connect(port: number): Promise<RawClient> {
    const s = net.connect(port, '127.0.0.1');
    await once(s, 'connect');
    return new RawClient(s);
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  send(data: string | Buffer): void {
    this.socket.write(data);
  }

  /** Everything received once `pred` holds (or the connection closed). */
  async until(pred: (text: string) => boolean): Promise<string> {
    while (!pred(this.text) && !this.socket.destroyed) await new Promise<void>((r) => this.waiters.push(r));
    return this.text;
  }

  /** Everything received once `n` whole responses with Content-Length bodies (or bodiless ones) are in. */
  responses(n: number): Promise<string> {
    return this.until((t) => countComplete(t) >= n);
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Complete responses in `t`, counting Content-Length bodies only (enough for these tests). */
function countComplete(t: string): number {
  let n = 0;
  let i = 0;
  for (;;) {
    const h = t.indexOf('\r\n\r\n', i);
    if (h === -1) return n;
    const head = t.slice(i, h);
    const len = /\r\ncontent-length: *(\d+)/i.exec(head);
    const end = h + 4 + (len ? Number(len[1]) : 0);
    if (end > t.length) return n;
    n++;
    i = end;
  }
}

function statuses(t: string): number[] {
  return [...t.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => Number(m[1]));
}

/** A raw TCP backend: `answer(head, socket)` runs for every request head it reads. */
async function scripted(answer: (head: string, socket: net.Socket) => void): Promise<{ port: number; server: net.Server; connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => {});
    let buf = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      buf += d;
      for (let i = buf.indexOf('\r\n\r\n'); i !== -1; i = buf.indexOf('\r\n\r\n')) {
        const head = buf.slice(0, i);
        const len = /\r\ncontent-length: *(\d+)/i.exec(head);
        const chunked = /\r\ntransfer-encoding: *chunked/i.test(head);
        let end = i + 4 + (len ? Number(len[1]) : 0);
        if (chunked) {
          const z = buf.indexOf('\r\n0\r\n\r\n', i);
          if (z === -1) return;
          end = z + 7;
        }
        if (end > buf.length) return;
        buf = buf.slice(end);
        answer(head, s);
      }
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    server,
    connections: () => connections,
    close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); }),
  };
}

const GET = (path: string, host = 'fast.example', extra = ''): string => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\n${extra}\r\n`;

describe('fast engine', () => {
  let w: World;
  let script: Awaited<ReturnType<typeof scripted>>;
  const flows: Flow[] = [];
  // What the scripted backend answers, by request path.
  const replies: Record<string, (s: net.Socket) => void> = {
    '/chunked': (s) => s.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nServer: raw\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n'),
    '/nocontent': (s) => s.write('HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n'),
    '/notmodified': (s) => s.write('HTTP/1.1 304 Not Modified\r\nETag: "x"\r\nContent-Length: 99\r\n\r\n'),
    '/head': (s) => s.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n'),
    '/early': (s) => s.write('HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'),
    '/untilclose': (s) => s.end('HTTP/1.1 200 OK\r\n\r\nall of this until the end'),
    '/cutoff': (s) => { s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part'); setImmediate(() => s.destroy()); },
    '/hang': () => { /* never answers: the client gives up */ },
  };

  before(async () => {
    script = await scripted((head, s) => {
      const path = /^\S+ (\S+)/.exec(head)![1]!;
      (replies[path] ?? ((x: net.Socket) => x.write('HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nraw')))(s);
    });
    w = await world(['a'], { onRequest: (f) => flows.push(f) });
    const objs: KubeObject[] = [
      ...serviceFor('raw', [{ host: '127.0.0.1', port: script.port }]),
      ingress('fast', [{ host: 'fast.example', paths: [{ path: '/', service: 'svc-a' }] }, { host: 'raw.example', paths: [{ path: '/', service: 'raw' }] }]),
      ingress('small', [{ host: 'small.example', paths: [{ path: '/', service: 'svc-a' }] }], { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '10' } }),
      ingress('big', [{ host: 'big.example', paths: [{ path: '/', service: 'svc-a' }] }], { annotations: { 'nginx.ingress.kubernetes.io/proxy-body-size': '0' } }),
      ingress('cors', [{ host: 'cors.example', paths: [{ path: '/', service: 'svc-a' }] }], { annotations: { 'nginx.ingress.kubernetes.io/enable-cors': 'true' } }),
    ];
    w.apply(...objs);
  });
  after(async () => {
    await w?.close();
    await script?.close();
  });

  test('pipelined requests are answered in order on one connection', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/one') + GET('/two') + GET('/three'));
      const t = await c.responses(3);
      assert.deepEqual(statuses(t), [200, 200, 200]);
      assert.deepEqual([...t.matchAll(/"url":"([^"]+)"/g)].map((m) => m[1]), ['/one', '/two', '/three']);
    } finally { c.close(); }
  });

  test('the upstream gets the forwarding headers and the client gets our Server header', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/h?q=1', 'fast.example:8080', 'X-Forwarded-For: 203.0.113.9\r\nConnection: keep-alive, X-Drop\r\nX-Drop: secret\r\nX-Keep: yes\r\n'));
      const t = await c.responses(1);
      const echo = JSON.parse(t.slice(t.indexOf('\r\n\r\n') + 4)) as { url: string; headers: Record<string, string> };
      assert.equal(echo.url, '/h?q=1');
      assert.equal(echo.headers['host'], 'fast.example:8080');
      assert.equal(echo.headers['x-forwarded-for'], '203.0.113.9, 127.0.0.1');
      assert.equal(echo.headers['x-real-ip'], '127.0.0.1');
      assert.equal(echo.headers['x-forwarded-proto'], 'http');
      assert.equal(echo.headers['x-forwarded-host'], 'fast.example:8080');
      assert.equal(echo.headers['x-forwarded-port'], String(w.port));
      assert.match(echo.headers['x-request-id']!, /^[0-9a-f]{32}$/);
      assert.equal(echo.headers['x-keep'], 'yes');
      assert.equal(echo.headers['x-drop'], undefined);
      assert.match(t, /\r\nserver: podnet-ingress\r\n/);
      assert.doesNotMatch(t, /\r\nserver: echo/i);
    } finally { c.close(); }
  });

  test('a chunked request body reaches the upstream whole', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send('POST /up HTTP/1.1\r\nHost: fast.example\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\n');
      c.send('3;ext=1\r\nefg\r\n0\r\n\r\n' + GET('/after'));
      const t = await c.responses(2);
      assert.match(t, /"body":"abcdefg"/);
      assert.match(t, /"url":"\/after"/);
    } finally { c.close(); }
  });

  test('a Content-Length request body sent in pieces reaches the upstream whole', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send('PUT /put HTTP/1.1\r\nHost: fast.example\r\nContent-Length: 10\r\n\r\n01234');
      await new Promise((r) => setImmediate(r));
      c.send('56789');
      assert.match(await c.responses(1), /"body":"0123456789"/);
    } finally { c.close(); }
  });

  test('megabytes go through both ways with backpressure, byte for byte', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 'abcdefghijklmnopqrstuvwxyz');
    const r = await request(w.port, '/big', { host: 'big.example', method: 'POST', body });
    assert.equal(r.status, 200);
    assert.equal(r.echo!.body.length, body.length);
    assert.equal(r.echo!.body, body.toString());
  });

  test('a chunked response is passed through with its framing, and the connection is reused', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/chunked', 'raw.example'));
      const t = await c.until((x) => x.includes('\r\n0\r\nX-Trailer: t\r\n\r\n'));
      assert.match(t, /^HTTP\/1\.1 200 OK\r\n/);
      assert.match(t, /\r\ntransfer-encoding: chunked\r\n/);
      assert.match(t, /\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n/);
      c.send(GET('/next', 'raw.example'));
      assert.match(await c.until((x) => x.endsWith('raw')), /raw$/);
    } finally { c.close(); }
  });

  test('HEAD, 204 and 304 answers carry no body and keep the connection usable', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(`HEAD /head HTTP/1.1\r\nHost: raw.example\r\n\r\n${GET('/nocontent', 'raw.example')}${GET('/notmodified', 'raw.example')}${GET('/plain', 'raw.example')}`);
      const t = await c.until((x) => x.endsWith('raw'));
      assert.deepEqual(statuses(t), [200, 204, 304, 200]);
      assert.match(t, /content-length: 5\r\n/i);
      assert.match(t, /HTTP\/1\.1 304 Not Modified\r\n[^]*?\r\n\r\nHTTP\/1\.1 200/);
    } finally { c.close(); }
  });

  test('a 103 Early Hints answer is forwarded before the final response', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/early', 'raw.example'));
      const t = await c.until((x) => x.endsWith('ok'));
      assert.deepEqual(statuses(t), [103, 200]);
      assert.match(t, /Link: <\/a\.css>; rel=preload/);
    } finally { c.close(); }
  });

  test('a close-delimited response is relayed whole and then the client connection closes', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/untilclose', 'raw.example'));
      await c.closed;
      const t = await c.until(() => true);
      assert.match(t, /\r\nconnection: close\r\n/);
      assert.match(t, /\r\n\r\nall of this until the end$/);
    } finally { c.close(); }
  });

  test('an upstream that closes mid-body cuts the client connection instead of completing it', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/cutoff', 'raw.example'));
      await c.closed;
      const t = await c.until(() => true);
      assert.match(t, /only part$/);
      assert.equal(countComplete(t), 0);
    } finally { c.close(); }
  });

  test('a client that goes away mid-request is logged as 499 and its upstream connection is not reused', async () => {
    const before = script.connections();
    const c = await RawClient.connect(w.port);
    c.send(GET('/hang', 'raw.example'));
    await new Promise<void>((r) => { const t = setInterval(() => { if (script.connections() > before) { clearInterval(t); r(); } }, 5); });
    c.close();
    await new Promise<void>((r) => { const t = setInterval(() => { if (flows.some((f) => f.path === '/hang')) { clearInterval(t); r(); } }, 5); });
    assert.equal(flows.find((f) => f.path === '/hang')!.status, 499);
    const c2 = await RawClient.connect(w.port);
    try {
      c2.send(GET('/again', 'raw.example'));
      assert.match(await c2.until((x) => x.endsWith('raw')), /raw$/);
      assert.equal(script.connections(), before + 2, 'a new upstream connection, not the abandoned one');
    } finally { c2.close(); }
  });

  test('keep-alive requests reuse one upstream connection', async () => {
    const before = script.connections();
    const c = await RawClient.connect(w.port);
    try {
      for (let i = 0; i < 5; i++) {
        c.send(GET(`/k${i}`, 'raw.example'));
        await c.until((x) => x.split('raw').length - 1 === i + 1);
      }
      assert.ok(script.connections() - before <= 1, `${script.connections() - before} upstream connections for 5 requests`);
    } finally { c.close(); }
  });

  test('malformed heads get 400 and the connection closes', async () => {
    for (const bad of ['GARBAGE\r\n\r\n', 'GET / HTTP/1.1\r\nHost: fast.example\r\nBad Header: x\r\n\r\n', 'GET / HTTP/1.1\r\nHost: fast.example\r\n folded\r\n\r\n',
      'POST / HTTP/1.1\r\nHost: fast.example\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n', 'GET / HTTP/1.1\r\nHost: fast.example\r\nContent-Length: 1x\r\n\r\n',
      'GET / HTTP/1.1\r\nHost: fast.example\nX: y\r\n\r\n']) {
      const c = await RawClient.connect(w.port);
      c.send(bad);
      await c.closed;
      assert.match(await c.until(() => true), /^HTTP\/1\.1 400 Bad Request\r\n/, JSON.stringify(bad));
    }
  });

  test('a head over the limit gets 431', async () => {
    const c = await RawClient.connect(w.port);
    c.send(`GET / HTTP/1.1\r\nHost: fast.example\r\nX-Big: ${'x'.repeat(20_000)}\r\n\r\n`);
    await c.closed;
    assert.match(await c.until(() => true), /^HTTP\/1\.1 431 /);
  });

  test('a chunked body over proxy-body-size gets 413 and the connection closes', async () => {
    const c = await RawClient.connect(w.port);
    c.send('POST / HTTP/1.1\r\nHost: small.example\r\nTransfer-Encoding: chunked\r\n\r\n8\r\n01234567\r\n8\r\n01234567\r\n0\r\n\r\n');
    await c.closed;
    assert.match(await c.until(() => true), /^HTTP\/1\.1 413 /);
  });

  test('a connection switches to the full pipeline mid-way (CORS preflight, then a WebSocket-style upgrade)', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/first'));
      await c.responses(1);
      c.send('OPTIONS /x HTTP/1.1\r\nHost: cors.example\r\nOrigin: http://o.example\r\n\r\n');
      const t = await c.responses(2);
      assert.deepEqual(statuses(t), [200, 204]);
      assert.match(t, /access-control-allow-methods/i);
      c.send(GET('/third'));
      assert.match(await c.responses(3), /"url":"\/third"/);
      c.send('GET /ws HTTP/1.1\r\nHost: fast.example\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      await c.until((x) => x.includes('101 Switching Protocols'));
      c.send('ping-through');
      assert.match(await c.until((x) => x.endsWith('ping-through')), /x-backend: a[^]*ping-through$/);
    } finally { c.close(); }
  });

  test('fast-path requests reach the access hooks with route, endpoint and status', async () => {
    const c = await RawClient.connect(w.port);
    try {
      c.send(GET('/logged?x=1', 'fast.example', 'User-Agent: t\r\n'));
      await c.responses(1);
    } finally { c.close(); }
    const f = flows.find((x) => x.path === '/logged')!;
    assert.equal(f.status, 200);
    assert.equal(f.ingress, 'default/fast');
    assert.equal(f.service, 'default/svc-a');
    assert.equal(f.endpoint, `127.0.0.1:${w.echoes['a']!.port}`);
    assert.equal(f.host, 'fast.example');
    assert.match(await w.server.metrics(), /nginx_ingress_controller_requests\{ingress="fast",namespace="default",service="svc-a",status="200",method="GET"\} \d+/);
  });
});

describe('fast engine retries', () => {
  test('a request on a kept-alive connection the upstream closed goes again on a new one', async () => {
    let served = 0;
    const s = await scripted((_h, sock) => {
      served++;
      // Answer, then close the connection behind the proxy's back without saying so.
      sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok', () => setImmediate(() => sock.destroy()));
    });
    const w = await world([]);
    try {
      w.apply(...serviceFor('flaky', [{ host: '127.0.0.1', port: s.port }]), ingress('r', [{ host: 'r.example', paths: [{ path: '/', service: 'flaky' }] }]));
      for (let i = 0; i < 4; i++) assert.equal((await w.get('/', { host: 'r.example' })).status, 200);
      assert.equal(served, 4);
    } finally {
      await w.close();
      await s.close();
    }
  });

  test('an upstream that does not answer within proxy-read-timeout gets 504, and the connection stays usable', async () => {
    const s = await scripted((head, sock) => { if (!head.startsWith('GET /slow ')) sock.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'); });
    const w = await world([]);
    try {
      w.apply(...serviceFor('slow', [{ host: '127.0.0.1', port: s.port }]),
        ingress('t', [{ host: 't.example', paths: [{ path: '/', service: 'slow' }] }], { annotations: { 'nginx.ingress.kubernetes.io/proxy-read-timeout': '1' } }));
      const c = await RawClient.connect(w.port);
      try {
        c.send(GET('/slow', 't.example'));
        assert.match(await c.responses(1), /^HTTP\/1\.1 504 /);
        c.send(GET('/fine', 't.example'));
        assert.match(await c.until((x) => x.endsWith('ok')), /ok$/);
      } finally { c.close(); }
    } finally {
      await w.close();
      await s.close();
    }
  });

  test('a refused connection is retried on another endpoint', async () => {
    const dead = net.createServer();
    dead.listen(0, '127.0.0.2');
    await once(dead, 'listening');
    const deadPort = (dead.address() as net.AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const w = await world(['a']);
    try {
      const aPort = w.echoes['a']!.port;
      // Two endpoints on one port number would be one slice; give each its own slice.
      const svc = serviceFor('mixed', [{ host: '127.0.0.2', port: deadPort }, { host: '127.0.0.1', port: aPort }]);
      w.apply(...svc, ingress('m', [{ host: 'm.example', paths: [{ path: '/', service: 'mixed' }] }]));
      for (let i = 0; i < 4; i++) assert.equal((await w.get('/', { host: 'm.example' })).backend, 'a');
      assert.match(await w.server.metrics(), /podnet_ingress_upstream_connect_errors_total\{namespace="default",service="mixed"\} [1-9]/);
    } finally { await w.close(); }
  });
});
