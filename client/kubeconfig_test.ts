import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadKubeconfig, parseKubeconfig } from './kubeconfig.js';

const CONFIG = `
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    server: https://127.0.0.1:6443
    insecure-skip-tls-verify: true
- name: other
  cluster:
    server: http://127.0.0.1:8080
    certificate-authority-data: ${Buffer.from('-----BEGIN CERTIFICATE-----\nX\n').toString('base64')}
users:
- name: dev
  user: {token: dev-token}
contexts:
- name: local
  context: {cluster: local, user: dev, namespace: team-a}
- name: other
  context: {cluster: other}
current-context: local
`;

test('the current context gives server, token, TLS choice and namespace', () => {
  assert.deepEqual(parseKubeconfig(CONFIG, '/x/config'), {
    server: 'https://127.0.0.1:6443',
    token: 'dev-token',
    insecureSkipTLSVerify: true,
    namespace: 'team-a',
  });
});

test('a named context overrides current-context and decodes inline CA data', () => {
  const a = parseKubeconfig(CONFIG, '/x/config', 'other');
  assert.equal(a.server, 'http://127.0.0.1:8080');
  assert.match(a.caPem!, /BEGIN CERTIFICATE/);
  assert.equal(a.token, undefined);
});

test('an unknown context is a KUBECONFIG_INVALID error naming it', () => {
  assert.throws(() => parseKubeconfig(CONFIG, '/x/config', 'nope'), (e: Error & { code?: string }) => e.code === 'KUBECONFIG_INVALID' && e.message.includes('"nope"'));
});

test('loadKubeconfig reads $KUBECONFIG when no path is given', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pn-kc-'));
  const saved = process.env.KUBECONFIG;
  try {
    writeFileSync(join(dir, 'cfg'), CONFIG);
    process.env.KUBECONFIG = join(dir, 'cfg');
    assert.equal(loadKubeconfig().server, 'https://127.0.0.1:6443');
    assert.throws(() => loadKubeconfig(join(dir, 'missing')), (e: Error & { code?: string }) => e.code === 'KUBECONFIG_NOT_FOUND');
  } finally {
    if (saved === undefined) delete process.env.KUBECONFIG;
    else process.env.KUBECONFIG = saved;
    rmSync(dir, { recursive: true, force: true });
  }
});
