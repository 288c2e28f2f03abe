import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { runEcho } from './echo.js';
import { runNetexec, runPorter } from './agnhost.js';
import { runWebImage } from './webimages.js';

const env = { podName: 'web-1', namespace: 'shop', hostname: 'web-1', ports: [{ port: 0, protocol: 'TCP' }] };

test('the echo server answers with the pod, namespace, client and request', async () => {
  const s = runEcho(env, []);
  try {
    const [port] = await s.bound;
    const body = await (await fetch(`http://127.0.0.1:${port}/hello?x=1`)).text();
    assert.match(body, /^Hostname: web-1\nPod: web-1\nNamespace: shop\nClientAddress: 127\.0\.0\.1:\d+\n/);
    assert.match(body, /Request: GET \/hello\?x=1 HTTP\/1\.1/);
  } finally {
    s.close();
  }
});

test('http-echo -text answers with the text', async () => {
  const s = runEcho({ ...env, ports: [] }, ['-text=hello world', '-listen=:0']);
  try {
    const [port] = await s.bound;
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'hello world\n');
  } finally {
    s.close();
  }
});

test('a UDP port echoes the datagram with the pod name', async () => {
  const s = runEcho({ ...env, ports: [{ port: 0, protocol: 'UDP' }] }, []);
  const sock = dgram.createSocket('udp4');
  try {
    const [port] = await s.bound;
    const reply = new Promise<string>((r) => sock.once('message', (m) => r(m.toString())));
    sock.send('ping', port!, '127.0.0.1');
    assert.equal(await reply, 'web-1: ping');
  } finally {
    sock.close();
    s.close();
  }
});

test('netexec serves hostname, echo, clientip and dial to itself', async () => {
  const s = runNetexec(env, ['--http-port=0', '--udp-port=0']);
  try {
    const [http, udp] = await s.bound;
    const get = async (p: string) => (await fetch(`http://127.0.0.1:${http}${p}`)).text();
    assert.equal(await get('/hostname'), 'web-1');
    assert.equal(await get('/echo?msg=hi'), 'hi');
    assert.match(await get('/clientip'), /^127\.0\.0\.1:\d+$/);
    assert.deepEqual(JSON.parse(await get(`/dial?request=hostname&host=127.0.0.1&port=${http}&protocol=http&tries=2`)), { responses: ['web-1', 'web-1'] });
    assert.deepEqual(JSON.parse(await get(`/dial?request=hostname&host=127.0.0.1&port=${udp}&protocol=udp`)), { responses: ['web-1'] });
    assert.equal((await fetch(`http://127.0.0.1:${http}/shell?cmd=id`)).status, 404);
  } finally {
    s.close();
  }
});

test('porter serves each SERVE_PORT_ variable', async () => {
  const srv = await import('node:net').then((n) => new Promise<number>((r) => { const x = n.createServer().listen(0, () => { const p = (x.address() as { port: number }).port; x.close(() => r(p)); }); }));
  const s = runPorter({ [`SERVE_PORT_${srv}`]: 'foo' });
  try {
    await s.bound;
    assert.equal(await (await fetch(`http://127.0.0.1:${srv}/`)).text(), 'foo');
  } finally {
    s.close();
  }
});

test('the nginx stand-in serves the welcome page at / and nginx 404/405 pages elsewhere, logging each request', async () => {
  const lines: string[] = [];
  const s = runWebImage(env, 'nginx', '1.27', { port: 0, log: (l) => lines.push(l) });
  try {
    const [port] = await s.bound;
    const home = await fetch(`http://127.0.0.1:${port}/`, { headers: { 'user-agent': 'curl/8.5.0' } });
    assert.equal(home.status, 200);
    assert.equal(home.headers.get('server'), 'nginx/1.27');
    assert.match(home.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(await home.text(), /<title>Welcome to nginx!<\/title>[\s\S]*<h1>Welcome to nginx!<\/h1>/);
    const missing = await fetch(`http://127.0.0.1:${port}/nope`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /<h1>404 Not Found<\/h1><\/center>\r\n<hr><center>nginx\/1\.27<\/center>/);
    assert.equal((await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: 'x' })).status, 405);
    assert.match(lines[0] ?? '', /^127\.0\.0\.1 - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \/ HTTP\/1\.1" 200 \d+ "-" "curl\/8\.5\.0" "-"$/);
    assert.equal(lines.length, 3);
  } finally {
    s.close();
  }
});

test('httpd says it works, whoami dumps the request, hello-app greets with its version', async () => {
  const opts = { port: 0, log: () => {} };
  const servers = [runWebImage(env, 'httpd', '2.4', opts), runWebImage(env, 'whoami', '', opts), runWebImage(env, 'hello-app', '2.0', opts)];
  try {
    const [[h], [w], [g]] = await Promise.all(servers.map((s) => s.bound));
    assert.equal(await (await fetch(`http://127.0.0.1:${h}/`)).text(), '<html><body><h1>It works!</h1></body></html>\n');
    const who = await (await fetch(`http://127.0.0.1:${w}/api?x=1`, { headers: { 'x-test': 'yes' } })).text();
    assert.match(who, /^Hostname: web-1\n(IP: .+\n)+RemoteAddr: 127\.0\.0\.1:\d+\nGET \/api\?x=1 HTTP\/1\.1\n/);
    assert.match(who, /\nx-test: yes\n/);
    assert.equal(await (await fetch(`http://127.0.0.1:${g}/`)).text(), 'Hello, world!\nVersion: 2.0.0\nHostname: web-1\n');
  } finally {
    servers.forEach((s) => s.close());
  }
});
