import { after, before, test } from 'node:test';
import { freeLocalPort as freePort } from '../../host/testutil.js';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type AddressInfo } from 'node:net';
import { createSocket } from 'node:dgram';
import { UserspaceProxy } from './l4.js';
import type { EndpointView, ServicePortView, Algorithm, Protocol } from '../types.js';

const servers: Server[] = [];
const udp = createSocket('udp4');
let ports: number[] = [];
let deadPort = 0;
let udpPort = 0;

function listen(name: string): Promise<number> {
  const s = createServer((c) => {
    c.on('error', () => {});
    c.end(`${name}\n`);
  });
  servers.push(s);
  return new Promise((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
}

const ep = (port: number, weight = 1): EndpointView => ({ ip: '127.0.0.1', port, ready: true, serving: true, terminating: false, weight, base: `x__127.0.0.1/${port}` });

function view(proxyPort: number, algorithm: Algorithm, eps: EndpointView[], protocol: Protocol = 'tcp'): ServicePortView {
  return {
    namespace: 'default', name: 'web', portName: '', protocol, base: `default/web/${protocol}/`, clusterIP: '10.96.0.10', port: 80,
    externalIPs: [], loadBalancerIPs: [], loadBalancerSourceRanges: [], externalPolicyLocal: false, internalPolicyLocal: false,
    algorithm, allEndpoints: eps, clusterEndpoints: eps, externalEndpoints: eps, localEndpoints: eps.length, hasAnyEndpoints: eps.length > 0,
    proxyPort, warnings: [],
  };
}

function ask(port: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let buf = '';
    s.on('data', (d) => (buf += d));
    s.on('end', () => resolve(buf.trim()));
    s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'ERR'));
  });
}

before(async () => {
  ports = [await listen('a'), await listen('b')];
  deadPort = await freePort();
  udp.on('message', (m, r) => udp.send(`udp:${m}`, r.port, r.address));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  udpPort = udp.address().port;
});
after(() => {
  for (const s of servers) s.close();
  udp.close();
});

test('the userspace proxy round-robins TCP connections across endpoints', async () => {
  const proxy = new UserspaceProxy({ host: '127.0.0.1', probeIntervalMs: 0 });
  try {
    const port = await freePort();
    assert.deepEqual(await proxy.update([view(port, 'rr', [ep(ports[0]!), ep(ports[1]!)])]), []);
    const got = [await ask(port), await ask(port), await ask(port), await ask(port)];
    assert.deepEqual(got, ['a', 'b', 'a', 'b']);
  } finally {
    proxy.close();
  }
});

test('an endpoint that fails its probe is skipped, and a failed dial moves on to the next endpoint', async () => {
  const proxy = new UserspaceProxy({ host: '127.0.0.1', probeIntervalMs: 0, probeTimeoutMs: 500 });
  try {
    const port = await freePort();
    await proxy.update([view(port, 'rr', [ep(deadPort), ep(ports[1]!)])]);
    // Before any probe, the dead endpoint is tried first and the dial falls through to b.
    assert.equal(await ask(port), 'b');
    await proxy.prober.probeAll();
    assert.equal(proxy.prober.isHealthy(ep(deadPort)), false);
    assert.deepEqual([await ask(port), await ask(port)], ['b', 'b']);
  } finally {
    proxy.close();
  }
});

test('a Service port without endpoints resets connections instead of hanging', async () => {
  const proxy = new UserspaceProxy({ host: '127.0.0.1', probeIntervalMs: 0 });
  try {
    const port = await freePort();
    await proxy.update([view(port, 'random', [])]);
    assert.match(await ask(port), /^(ECONNRESET|)$/);
  } finally {
    proxy.close();
  }
});

test('UDP datagrams are relayed to an endpoint and replies come back', async () => {
  const proxy = new UserspaceProxy({ host: '127.0.0.1', probeIntervalMs: 0 });
  const client = createSocket('udp4');
  try {
    const port = await freePort();
    await proxy.update([view(port, 'random', [ep(udpPort)], 'udp')]);
    const reply = new Promise<string>((r) => client.once('message', (m) => r(m.toString())));
    client.send('ping', port, '127.0.0.1');
    assert.equal(await reply, 'udp:ping');
  } finally {
    client.close();
    proxy.close();
  }
});
