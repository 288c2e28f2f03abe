// The cluster's PKI: a CA and a serving certificate for the apiserver (node-forge), kept in a
// directory so restarts reuse them, and kubeconfig files that trust that CA.
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import forge from 'node-forge';
import { stringify } from 'yaml';

export interface Pki {
  readonly caPem: string;
  readonly caKeyPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

export const SERVING_SANS = {
  ips: ['127.0.0.1', '10.96.0.1', '172.18.0.1', '::1'],
  dns: ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'podnet-apiserver'],
};

function serial(): string {
  return '01' + forge.util.bytesToHex(forge.random.getBytesSync(15));
}

function validity(cert: forge.pki.Certificate, years: number): void {
  cert.validity.notBefore = new Date(Date.now() - 60 * 60 * 1000);
  cert.validity.notAfter = new Date(Date.now() + years * 365 * 24 * 3600 * 1000);
}

/**
 * An RSA 2048 key pair from Node's native crypto (OpenSSL), handed to node-forge for the X.509 work:
 * forge's pure-JS key generation takes about half a second per key, OpenSSL a few milliseconds.
 */
function rsaKeyPair(): forge.pki.rsa.KeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
  const priv = forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey;
  return { privateKey: priv, publicKey: forge.pki.setRsaPublicKey(priv.n, priv.e) };
}

/** Generates a fresh CA and a serving certificate signed by it, once per cluster. */
export function generatePki(opts: { extraIPs?: string[]; extraDNS?: string[] } = {}): Pki {
  const caKeys = rsaKeyPair();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caKeys.publicKey;
  ca.serialNumber = serial();
  validity(ca, 10);
  const caName = [{ name: 'commonName', value: 'podnet-ca' }];
  ca.setSubject(caName);
  ca.setIssuer(caName);
  ca.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  ca.sign(caKeys.privateKey, forge.md.sha256.create());

  const keys = rsaKeyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  validity(cert, 5);
  cert.setSubject([{ name: 'commonName', value: 'kube-apiserver' }]);
  cert.setIssuer(caName);
  const altNames = [
    ...[...SERVING_SANS.dns, ...(opts.extraDNS ?? [])].map((value) => ({ type: 2, value })),
    ...[...SERVING_SANS.ips, ...(opts.extraIPs ?? [])].map((ip) => ({ type: 7, ip })),
  ];
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectAltName', altNames },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(caKeys.privateKey, forge.md.sha256.create());
  return {
    caPem: forge.pki.certificateToPem(ca),
    caKeyPem: forge.pki.privateKeyToPem(caKeys.privateKey),
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(keys.privateKey),
  };
}

const FILES = { caPem: 'ca.crt', caKeyPem: 'ca.key', certPem: 'apiserver.crt', keyPem: 'apiserver.key' } as const;

/** Loads the PKI from `dir`, generating and saving it (mode 0600 keys) on first use. */
export async function ensurePki(dir: string): Promise<Pki> {
  const paths = Object.fromEntries(Object.entries(FILES).map(([k, f]) => [k, join(dir, f)])) as Record<keyof Pki, string>;
  if (Object.values(paths).every((p) => existsSync(p))) {
    return {
      caPem: readFileSync(paths.caPem, 'utf8'),
      caKeyPem: readFileSync(paths.caKeyPem, 'utf8'),
      certPem: readFileSync(paths.certPem, 'utf8'),
      keyPem: readFileSync(paths.keyPem, 'utf8'),
    };
  }
  const pki = generatePki();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [k, p] of Object.entries(paths) as [keyof Pki, string][]) writeFileSync(p, pki[k], { mode: k.endsWith('KeyPem') || k === 'keyPem' ? 0o600 : 0o644 });
  return pki;
}

export interface KubeconfigOptions {
  readonly server: string;
  readonly name: string;
  readonly caPem?: string;
  readonly token?: string;
  readonly namespace?: string;
}

/** The kubeconfig text for one cluster/user/context named `name`. */
export function kubeconfigText(opts: KubeconfigOptions): string {
  const cluster: Record<string, unknown> = { server: opts.server };
  if (opts.caPem) cluster['certificate-authority-data'] = Buffer.from(opts.caPem).toString('base64');
  // client-node refuses plain http unless TLS verification is explicitly skipped.
  else if (opts.server.startsWith('http://')) cluster['insecure-skip-tls-verify'] = true;
  const user: Record<string, unknown> = opts.token ? { token: opts.token } : {};
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: opts.name, cluster }],
    users: [{ name: opts.name, user }],
    contexts: [{ name: opts.name, context: { cluster: opts.name, user: opts.name, namespace: opts.namespace ?? 'default' } }],
    'current-context': opts.name,
    preferences: {},
  });
}

export function writeKubeconfig(path: string, opts: KubeconfigOptions): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, kubeconfigText(opts), { mode: 0o600 });
}
