// Certificates: a generated self-signed default for names no Ingress covers, and SecureContexts
// made from kubernetes.io/tls Secrets, looked up per SNI name from the current route table (so a
// changed Secret is served from the next handshake on, without a restart).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createSecureContext, type SecureContext } from 'node:tls';
import forge from 'node-forge';
import { wildcardKeyOf } from './paths.js';
import type { CertPair, RouteTable } from './table.js';

/** A self-signed certificate for `names` (the first is the CN), valid for a year. */
export function selfSignedCert(names: readonly string[], opts: { days?: number } = {}): CertPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = '01' + randomBytes(8).toString('hex');
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + (opts.days ?? 365) * 86_400_000);
  const attrs = [{ name: 'commonName', value: names[0] ?? 'podnet-ingress-default' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'subjectAltName', altNames: names.map((n) => ({ type: 2, value: n })) },
  ]);
  cert.sign(forge.pki.privateKeyFromPem(keyPem), forge.md.sha256.create());
  return { cert: forge.pki.certificateToPem(cert), key: keyPem };
}

/** The certificate an SNI name gets from a table: exact host, then "*.parent", else undefined. */
export function certFor(table: RouteTable, servername: string): CertPair | undefined {
  const name = servername.toLowerCase();
  const exact = table.certs.get(name);
  if (exact) return exact;
  const w = wildcardKeyOf(name);
  return w === undefined ? undefined : table.certs.get('*.' + w);
}

/** Caches SecureContexts by certificate text; `retain` drops those no table refers to any more. */
export class ContextCache {
  private cache = new Map<string, SecureContext>();

  get(pair: CertPair): SecureContext {
    const k = pair.cert + pair.key;
    let ctx = this.cache.get(k);
    if (!ctx) {
      ctx = createSecureContext({ cert: pair.cert, key: pair.key });
      this.cache.set(k, ctx);
    }
    return ctx;
  }

  retain(table: RouteTable): void {
    const keep = new Set([...table.certs.values()].map((p) => p.cert + p.key));
    for (const k of this.cache.keys()) if (!keep.has(k)) this.cache.delete(k);
  }
}
