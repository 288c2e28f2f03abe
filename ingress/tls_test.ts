// TLS: certificates chosen by SNI from kubernetes.io/tls Secrets, the generated default for
// unknown names, the HTTP→HTTPS redirect for TLS hosts, and Secret changes without a restart.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import tls from 'node:tls';
import type { KubeObject } from '../api/types.js';
import { selfSignedCert } from './tls.js';
import { ingress, request, world, type World } from './testing.js';
import type { CertPair } from './table.js';

function tlsSecret(name: string, pair: CertPair): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace: 'default' },
    data: { 'tls.crt': Buffer.from(pair.cert).toString('base64'), 'tls.key': Buffer.from(pair.key).toString('base64') },
  };
}

function peerCN(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = tls.connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false }, () => {
      const cn = s.getPeerCertificate().subject?.CN;
      s.end();
      resolve(Array.isArray(cn) ? cn[0]! : String(cn));
    });
    s.on('error', reject);
  });
}

describe('TLS', () => {
  let w: World;
  let https = 0;
  const one = selfSignedCert(['one.example']);
  const two = selfSignedCert(['two.example']);
  const wild = selfSignedCert(['*.wild.example']);
  before(async () => {
    w = await world(['a', 'b'], { tlsListen: { host: '127.0.0.1', port: 0 } });
    https = w.server.ports().https!;
    w.src.apply(tlsSecret('one', one));
    w.src.apply(tlsSecret('two', two));
    w.src.apply(tlsSecret('wild', wild));
    w.apply(
      ingress('tls', [
        { host: 'one.example', paths: [{ path: '/', service: 'svc-a' }] },
        { host: 'two.example', paths: [{ path: '/', service: 'svc-b' }] },
        { host: 'x.wild.example', paths: [{ path: '/', service: 'svc-a' }] },
      ], { tls: [{ hosts: ['one.example'], secretName: 'one' }, { hosts: ['two.example'], secretName: 'two' }, { hosts: ['*.wild.example'], secretName: 'wild' }] }),
    );
  });
  after(async () => { await w?.close(); });

  test('each host is served its own certificate, chosen by SNI', async () => {
    const r1 = await request(https, '/', { host: 'one.example', tls: { servername: 'one.example', ca: one.cert } });
    assert.equal(r1.backend, 'a');
    assert.equal(r1.echo?.headers['x-forwarded-proto'], 'https');
    const r2 = await request(https, '/', { host: 'two.example', tls: { servername: 'two.example', ca: two.cert } });
    assert.equal(r2.backend, 'b');
    await assert.rejects(request(https, '/', { host: 'two.example', tls: { servername: 'two.example', ca: one.cert } }));
    assert.equal(await peerCN(https, 'x.wild.example'), '*.wild.example');
  });

  test('an unknown name gets the generated default certificate', async () => {
    assert.equal(await peerCN(https, 'unknown.example'), 'podnet-ingress-default');
  });

  test('plain HTTP to a TLS host is redirected with 308, other hosts are not', async () => {
    const r = await w.get('/path?q=1', { host: 'one.example' });
    assert.equal(r.status, 308);
    assert.equal(r.headers.location, `https://one.example:${https}/path?q=1`);
    w.apply(ingress('plain', [{ host: 'plain.example', paths: [{ path: '/', service: 'svc-a' }] }]));
    assert.equal((await w.get('/', { host: 'plain.example' })).status, 200);
  });

  test('ssl-redirect "false" turns the redirect off and force-ssl-redirect turns it on without TLS', async () => {
    w.apply(ingress('noredir', [{ host: 'nr.example', paths: [{ path: '/', service: 'svc-a' }] }], { tls: [{ hosts: ['nr.example'], secretName: 'one' }], annotations: { 'nginx.ingress.kubernetes.io/ssl-redirect': 'false' } }));
    assert.equal((await w.get('/', { host: 'nr.example' })).status, 200);
    w.apply(ingress('force', [{ host: 'force.example', paths: [{ path: '/', service: 'svc-a' }] }], { annotations: { 'nginx.ingress.kubernetes.io/force-ssl-redirect': 'true' } }));
    assert.equal((await w.get('/', { host: 'force.example' })).status, 308);
  });

  test('a changed certificate Secret is served from the next handshake, without a restart', async () => {
    const renewed = selfSignedCert(['one.example']);
    w.apply(tlsSecret('one', renewed));
    const r = await request(https, '/', { host: 'one.example', tls: { servername: 'one.example', ca: renewed.cert } });
    assert.equal(r.backend, 'a');
    await assert.rejects(request(https, '/', { host: 'one.example', tls: { servername: 'one.example', ca: one.cert } }));
  });
});
