// verify (with a JUnit report) and lint over crafted manifests.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lintCommand, verifyCommand } from './commands.js';
import type { AnalyzeIO } from './io.js';

const data = (f: string) => fileURLToPath(new URL(`./testdata/${f}`, import.meta.url).href.replace('/dist/', '/'));
const dir = mkdtempSync(join(tmpdir(), 'podnet-verify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture() {
  let out = '';
  let err = '';
  const io: AnalyzeIO = { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) } };
  return { io, out: () => out, err: () => err };
}

describe('podnet verify', () => {
  it('passes expectations that hold and writes a JUnit report', async () => {
    const c = capture();
    const junit = join(dir, 'ok.xml');
    assert.equal(await verifyCommand(['-f', data('shop.yaml'), '--expect', data('expect.yaml'), '--junit', junit], c.io), 1, c.err());
    // db-0 → db-1 is denied by db-policy (only api may reach the database): that expectation fails.
    assert.match(c.out(), /^PASS {2}api reaches the database \(2 pod pairs\)$/m);
    assert.match(c.out(), /^PASS {2}frontend cannot reach the database \(4 pod pairs\)$/m);
    assert.match(c.out(), /^FAIL {2}the database replicas talk to each other\n {6}shop\/db-0 → shop\/db-1 TCP\/5432: expected allowed, is denied \(ingress: selected by "db-policy"/m);
    assert.match(c.out(), /2 passed, 1 failed/);
    const xml = readFileSync(junit, 'utf8');
    assert.match(xml, /<testsuite name="podnet verify" tests="3" failures="1" errors="0">/);
    assert.match(xml, /<testcase classname="podnet.verify" name="api reaches the database"\/>/);
    assert.match(xml, /<testcase classname="podnet.verify" name="the database replicas talk to each other">\n {6}<failure message="shop\/db-0 → shop\/db-1 TCP\/5432: expected allowed, is denied/);
  });

  it('exits 0 when every expectation holds, and flags selectors that match nothing', async () => {
    const file = join(dir, 'e.yaml');
    writeFileSync(file, '- {from: {namespace: shop, podSelector: {matchLabels: {app: frontend}}}, to: {namespace: shop, podSelector: {matchLabels: {app: api}}}, port: 9090, allow: true}\n');
    const c = capture();
    assert.equal(await verifyCommand(['-f', data('shop.yaml'), '--expect', file], c.io), 0, c.out());
    writeFileSync(file, '- {from: {namespace: shop, podSelector: {matchLabels: {app: nope}}}, to: shop/db-0, port: 5432, allow: false}\n');
    const d = capture();
    assert.equal(await verifyCommand(['-f', data('shop.yaml'), '--expect', file], d.io), 1);
    assert.match(d.out(), /matches no pod/);
  });

  it('rejects an expectation without allow', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, '- {from: shop/db-0, to: shop/db-1, port: 5432}\n');
    const c = capture();
    assert.equal(await verifyCommand(['-f', data('shop.yaml'), '--expect', file], c.io), 1);
    assert.match(c.err(), /expectation 1 needs from, to, port \(number\) and allow/);
  });
});

describe('podnet lint', () => {
  it('reports each kind of finding on a crafted manifest', async () => {
    const c = capture();
    assert.equal(await lintCommand(['-f', data('lint.yaml')], c.io), 1);
    const lines = c.out().trim().split('\n');
    assert.deepEqual(lines, [
      'NetworkPolicy lint/typo: POLICY_SELECTS_NOTHING: podSelector "app=wbe" selects no pod in namespace lint',
      'NetworkPolicy lint/web-in: PEER_MATCHES_NOTHING: ingress[0] peer 0 (pods with app=client in namespace lint) matches no pod',
      'NetworkPolicy lint/web-in: NAMED_PORT_UNDECLARED: ingress[0]: TCP port "https" is declared by no selected pod',
      'NetworkPolicy lint/web-in: EXCEPT_OUTSIDE_CIDR: ingress[2] peer 0: except 10.1.0.0/24 is not inside 10.0.0.0/16',
      'NetworkPolicy lint/web-in: RULE_SHADOWED: ingress[0] allows nothing that ingress[1] does not already allow',
      'NetworkPolicy lint/web-in: RULE_SHADOWED: ingress[2] allows nothing that ingress[1] does not already allow',
      'Service lint/orphan: SERVICE_SELECTS_NOTHING: selector "app=nothing" matches no pod in namespace lint',
      '7 findings',
    ]);
  });

  it('finds nothing in a clean manifest', async () => {
    const c = capture();
    assert.equal(await lintCommand(['-f', data('shop.yaml')], c.io), 0, c.out());
    assert.equal(c.out(), 'no findings\n');
  });
});
