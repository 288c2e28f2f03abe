// reach and explain over a manifest folder, as a user runs them.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { explainCommand, reachCommand } from './commands.js';
import type { AnalyzeIO } from './io.js';
import { MemorySource } from '../client/memory.js';

const SHOP = fileURLToPath(new URL('./testdata/shop.yaml', import.meta.url).href.replace('/dist/', '/'));

function capture(extra: Partial<AnalyzeIO> = {}) {
  let out = '';
  let err = '';
  const io: AnalyzeIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, ...extra };
  return { io, out: () => out, err: () => err };
}

describe('podnet reach', () => {
  it('expands workloads into pods named like their controllers and prints the JSON matrix', async () => {
    const c = capture();
    assert.equal(await reachCommand(['-f', SHOP, '-o', 'json'], c.io), 0, c.err());
    const { results } = JSON.parse(c.out()) as { results: { from: string; to: string; port: number; protocol: string; allowed: boolean; reason: string }[] };
    const pods = [...new Set(results.map((r) => r.from))];
    assert.equal(pods.length, 5);
    assert.ok(pods.includes('shop/db-0') && pods.includes('shop/db-1'));
    assert.equal(pods.filter((p) => /^shop\/frontend-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$/.test(p)).length, 2);
    const api = pods.find((p) => p.startsWith('shop/api-'))!;
    const fe = pods.find((p) => p.startsWith('shop/frontend-'))!;
    const cell = (from: string, to: string, port: number) => results.find((r) => r.from === from && r.to === to && r.port === port);
    assert.equal(cell(api, 'shop/db-0', 5432)!.allowed, true);
    assert.equal(cell(fe, 'shop/db-0', 5432)!.allowed, false);
    assert.match(cell(fe, 'shop/db-0', 5432)!.reason, /ingress: selected by "db-policy" \(Ingress\)/);
    assert.equal(cell(fe, api, 9090)!.allowed, true);
    assert.equal(cell('shop/db-0', api, 9090)!.allowed, false);
    // Cells exist only for ports the destination declares.
    assert.equal(cell(fe, api, 5432), undefined);
  });

  it('prints one table per declared port with . and X', async () => {
    const c = capture();
    assert.equal(await reachCommand(['-f', SHOP, '--port', '5432'], c.io), 0, c.err());
    const lines = c.out().split('\n');
    assert.match(lines[0]!, /^TCP\/5432\s+shop\/api-/);
    const row = (prefix: string) => lines.find((l) => l.startsWith(prefix))!.split(/\s+/).slice(1);
    // Columns: api, db-0, db-1, frontend, frontend.
    assert.deepEqual(row('shop/frontend-'), ['X', 'X', 'X', '.', '.']);
    assert.deepEqual(row('shop/api-'), ['.', '.', '.', '.', '.']);
    assert.deepEqual(row('shop/db-1'), ['X', 'X', '.', '.', '.']);
  });

  it('reads the running cluster when no -f is given', async () => {
    const src = new MemorySource();
    src.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'n', name: 'p' }, spec: { containers: [] }, status: { podIP: '10.244.1.5' } });
    src.apply({ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'n', name: 'q' }, spec: { containers: [] }, status: { podIP: '10.244.1.6' } });
    src.apply({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'n', name: 'deny' }, spec: { podSelector: {} } });
    const c = capture({ source: async () => src });
    assert.equal(await reachCommand(['--port', '80', '-o', 'json'], c.io), 0, c.err());
    const { results } = JSON.parse(c.out()) as { results: { from: string; to: string; allowed: boolean }[] };
    assert.deepEqual(results.map((r) => `${r.from}>${r.to}:${r.allowed}`), ['n/p>n/p:true', 'n/p>n/q:false', 'n/q>n/p:false', 'n/q>n/q:true']);
  });

  it('--live --compare reports the cells where measurement and prediction differ', async () => {
    const c = capture({ probe: async () => true });
    assert.equal(await reachCommand(['-f', SHOP, '--port', '5432', '--live', '--compare'], c.io), 1);
    assert.match(c.out(), /shop\/frontend-\S+ → shop\/db-0 TCP\/5432: predicted deny, measured allow/);
    assert.doesNotMatch(c.out(), /shop\/api-\S+ → shop\/db-0/);
  });

  it('rejects unknown flags with exit 2', async () => {
    const c = capture();
    assert.equal(await reachCommand(['--bogus'], c.io), 2);
    assert.match(c.err(), /^reach: /);
  });
});

describe('podnet explain', () => {
  it('names the selecting policy and why no rule allows a denied connection', async () => {
    const c = capture();
    assert.equal(await explainCommand(['-f', SHOP, '--from', 'shop/db-1', '--to', 'shop/db-0:5432'], c.io), 1);
    assert.match(c.out(), /^shop\/db-1 → shop\/db-0 TCP\/5432: DENIED/);
    assert.match(c.out(), /✗ ingress selected by "db-policy" \(Ingress\); no rule allows TCP port 5432 from shop\/db-1: "db-policy" rule 0: peer does not match \(pods with app=api in namespace shop\)/);
    assert.match(c.out(), /✓ egress +no policy selects shop\/db-1 for Egress/);
  });

  it('translates a Service to its backends and resolves the named targetPort', async () => {
    const c = capture();
    const reach = capture();
    await reachCommand(['-f', SHOP, '--port', '9090', '-o', 'json'], reach.io);
    const api = (JSON.parse(reach.out()) as { results: { from: string }[] }).results.map((r) => r.from).find((p) => p.startsWith('shop/api-'))!;
    assert.equal(await explainCommand(['-f', SHOP, '--from', api, '--to', '10.96.0.50:5432'], c.io), 0, c.out() + c.err());
    assert.match(c.out(), /→ Service shop\/db \(10\.96\.0\.50:5432\/TCP\)/);
    assert.match(c.out(), /→ shop\/db-0 10\.244\.0\.\d+:5432\/TCP: ALLOWED/);
    assert.match(c.out(), /"db-policy" ingress rule 0 allows TCP port 5432 from shop\/api-\S+ \(peer: pods with app=api in namespace shop; ports: TCP port "pg"\)/);
  });

  it('an unknown pod is an error naming it', async () => {
    const c = capture();
    assert.equal(await explainCommand(['-f', SHOP, '--from', 'shop/nope', '--to', 'shop/db-0:5432'], c.io), 1);
    assert.match(c.err(), /source "shop\/nope" is neither a pod nor an IP address/);
  });
});
