// `podnet observe` against a running observer found through a status.json, as the daemon writes it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemorySource } from '../client/memory.js';
import { startObserve, type Observe } from './observe.js';
import { observeCommand, uiCommand } from './cli.js';
import { sampleObjects } from './testdata.js';

let obs: Observe;
const home = mkdtempSync(join(tmpdir(), 'podnet-observe-'));
const savedHome = process.env.PODNET_HOME;

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) } };
}

before(async () => {
  const source = new MemorySource();
  for (const o of sampleObjects()) source.apply(o);
  obs = await startObserve({ source, nodes: [], listen: { host: '127.0.0.1', port: 0 }, capture: false });
  mkdirSync(join(home, 'clusters', 'demo'), { recursive: true });
  writeFileSync(join(home, 'clusters', 'demo', 'status.json'), JSON.stringify({ ui: obs.url }));
  process.env.PODNET_HOME = home;
  const now = new Date().toISOString();
  obs.inject({ time: now, node: 'node-1', event: 'new', protocol: 'TCP', verdict: 'forwarded', src: { ip: '10.244.1.2', port: 40000, pod: 'client', namespace: 'default' }, dst: { ip: '10.244.2.3', port: 8080, pod: 'web-1', namespace: 'shop' }, service: { namespace: 'shop', name: 'web', ip: '10.96.0.20', port: 80 } });
  obs.inject({ time: now, node: 'node-1', event: 'new', protocol: 'TCP', verdict: 'rejected', src: { ip: '10.244.1.2', port: 40001, pod: 'client', namespace: 'default' }, dst: { ip: '10.96.0.21', port: 80 }, service: { namespace: 'shop', name: 'empty', ip: '10.96.0.21', port: 80 }, reason: 'Service shop/empty has no endpoints for port 80' });
});
after(async () => {
  await obs?.stop();
  if (savedHome === undefined) delete process.env.PODNET_HOME;
  else process.env.PODNET_HOME = savedHome;
  rmSync(home, { recursive: true, force: true });
});

test('podnet observe prints a table with the Service and the reject reason', async () => {
  const c = capture();
  assert.equal(await observeCommand(['--name', 'demo'], c.io), 0);
  assert.match(c.out[0]!, /^TIME\s+NODE\s+SOURCE\s+DESTINATION\s+SERVICE\s+PROTO\s+VERDICT\s+DETAIL$/);
  assert.match(c.out[1]!, /default\/client:40000\s+->\s+shop\/web-1:8080\s+shop\/web\s+TCP\s+FORWARDED/);
  assert.match(c.out[2]!, /shop\/empty\s+TCP\s+REJECTED\s+Service shop\/empty has no endpoints for port 80$/);
});

test('podnet observe --verdict rejected -o json prints only matching flows as JSON lines', async () => {
  const c = capture();
  assert.equal(await observeCommand(['--name', 'demo', '--verdict', 'rejected', '-o', 'json', '--since', '10m'], c.io), 0);
  assert.equal(c.out.length, 1);
  assert.equal(JSON.parse(c.out[0]!).service.name, 'empty');
});

test('podnet observe --follow streams flows until stopped', async () => {
  const c = capture();
  const ac = new AbortController();
  const done = observeCommand(['--name', 'demo', '--follow', '--pod', 'shop/web-2'], { out: (l) => { c.out.push(l); if (c.out.length === 2) ac.abort(); }, err: c.err.push.bind(c.err) }, { signal: ac.signal });
  // The follower is registered once the server has answered; poll the hub's listeners, not the clock.
  while (obs.hub.events.listenerCount('flow') === 0) await new Promise((r) => setImmediate(r));
  obs.inject({ time: new Date().toISOString(), node: 'node-1', event: 'new', protocol: 'UDP', verdict: 'dropped', src: { ip: '10.244.1.2', pod: 'client', namespace: 'default' }, dst: { ip: '10.244.1.4', port: 53, pod: 'web-2', namespace: 'shop' }, reason: 'denied by NetworkPolicy (ingress of shop/web-2)' });
  assert.equal(await done, 0);
  assert.match(c.out[1]!, /shop\/web-2:53 .*DROPPED  denied by NetworkPolicy/);
});

test('a cluster that is not up is a clear error, and podnet ui prints the URL', async () => {
  const c = capture();
  assert.equal(await observeCommand(['--name', 'nope'], c.io), 1);
  assert.match(c.err[0]!, /is cluster "nope" up\?/);
  const u = capture();
  assert.equal(await uiCommand(['--name', 'demo'], u.io), 0);
  assert.equal(u.out[0], obs.url);
  const bad = capture();
  assert.equal(await observeCommand(['--name', 'demo', '--verdict', 'maybe'], bad.io), 1);
  assert.match(bad.err[0]!, /unknown verdict "maybe"/);
});

test('podnet observe --probes says when this observer does not probe', async () => {
  const c = capture();
  assert.equal(await observeCommand(['--name', 'demo', '--probes'], c.io), 0);
  assert.deepEqual(c.out, []);
  assert.deepEqual(c.err, ['observe: latency probes are off here']);
});
