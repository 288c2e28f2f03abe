import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { runEcho } from './echo.js';
import { runNetexec, runPorter } from './agnhost.js';

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
