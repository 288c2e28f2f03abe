// Reading a kubeconfig file into the few facts a client needs to reach a cluster: the server
// address, how to trust it and how to authenticate. Only what podnet and local clusters use:
// bearer tokens (inline or tokenFile), inline or file CAs, insecure-skip-tls-verify and client
// certificates (kind, minikube).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { PodnetError } from '../api/errors.js';

export interface ClusterAccess {
  /** `https://host:port`, `http://host:port` or `unix:/path/to/socket`. */
  server: string;
  token?: string;
  caPem?: string;
  insecureSkipTLSVerify?: boolean;
  /** The context's namespace, for clients that default one. */
  namespace?: string;
  /** Client certificate and key (PEM), when the user authenticates with a certificate. */
  certPem?: string;
  keyPem?: string;
}

interface Named<T> {
  name?: string;
  cluster?: T;
  user?: T;
  context?: T;
}

type Dict = Record<string, unknown>;

/** `$KUBECONFIG` (first entry) or `~/.kube/config`. */
export function defaultKubeconfigPath(): string {
  const env = process.env.KUBECONFIG?.split(':').find((p) => p !== '');
  return env ?? join(homedir(), '.kube', 'config');
}

function pick(list: unknown, name: string | undefined, what: string, path: string): Dict {
  const items = Array.isArray(list) ? (list as Named<Dict>[]) : [];
  const found = items.find((i) => i?.name === name);
  if (!found) throw new PodnetError('KUBECONFIG_INVALID', `kubeconfig: ${what} "${name}" not found in "${path}"`);
  return ((found as Dict)[what] as Dict | undefined) ?? {};
}

function fileOrData(dir: string, file: unknown, data: unknown): string | undefined {
  if (typeof data === 'string' && data !== '') return Buffer.from(data, 'base64').toString('utf8');
  if (typeof file === 'string' && file !== '') return readFileSync(isAbsolute(file) ? file : resolve(dir, file), 'utf8');
  return undefined;
}

/** Parses kubeconfig text; `path` resolves relative file references and names the file in errors. */
export function parseKubeconfig(text: string, path: string, context?: string): ClusterAccess {
  let doc: Dict;
  try {
    doc = (parse(text) ?? {}) as Dict;
  } catch (err) {
    throw new PodnetError('KUBECONFIG_INVALID', `kubeconfig: cannot parse "${path}": ${(err as Error).message}`, { cause: err });
  }
  const ctxName = context ?? (doc['current-context'] as string | undefined);
  if (!ctxName) throw new PodnetError('KUBECONFIG_INVALID', `kubeconfig: no current-context in "${path}" and none given`);
  const ctx = pick(doc.contexts, ctxName, 'context', path);
  const cluster = pick(doc.clusters, ctx.cluster as string, 'cluster', path);
  const user = ctx.user === undefined ? {} : pick(doc.users, ctx.user as string, 'user', path);
  const dir = dirname(path);
  const server = cluster.server;
  if (typeof server !== 'string' || server === '') {
    throw new PodnetError('KUBECONFIG_INVALID', `kubeconfig: cluster "${ctx.cluster}" in "${path}" has no server`);
  }
  const access: ClusterAccess = { server };
  const token = typeof user.token === 'string' ? user.token : typeof user.tokenFile === 'string' ? readFileSync(resolve(dir, user.tokenFile), 'utf8').trim() : undefined;
  if (token) access.token = token;
  const ca = fileOrData(dir, cluster['certificate-authority'], cluster['certificate-authority-data']);
  if (ca) access.caPem = ca;
  if (cluster['insecure-skip-tls-verify'] === true) access.insecureSkipTLSVerify = true;
  const cert = fileOrData(dir, user['client-certificate'], user['client-certificate-data']);
  const key = fileOrData(dir, user['client-key'], user['client-key-data']);
  if (cert && key) {
    access.certPem = cert;
    access.keyPem = key;
  }
  if (typeof ctx.namespace === 'string' && ctx.namespace !== '') access.namespace = ctx.namespace;
  return access;
}

export function loadKubeconfig(path?: string, context?: string): ClusterAccess {
  const file = path ?? defaultKubeconfigPath();
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new PodnetError('KUBECONFIG_NOT_FOUND', `kubeconfig: cannot read "${file}": ${(err as Error).message}`, { cause: err });
  }
  return parseKubeconfig(text, file, context);
}
