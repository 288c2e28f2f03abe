// Test helper: runs a real kubectl against a tiny HTTP server that records each POST body and
// answers 201 with whatever `respond` makes of it. Used to capture protobuf fixtures and to check
// the decoder against the live client.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KUBECTL_133 = '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';

export interface Captured {
  path: string;
  contentType: string;
  body: Buffer;
}

const CORE_RESOURCES = [
  ['namespaces', 'Namespace', false],
  ['services', 'Service', true],
  ['secrets', 'Secret', true],
  ['configmaps', 'ConfigMap', true],
  ['serviceaccounts', 'ServiceAccount', true],
  ['pods', 'Pod', true],
  ['endpoints', 'Endpoints', true],
] as const;

function resourceList(groupVersion: string, resources: readonly (readonly [string, string, boolean])[]) {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion,
    resources: resources.map(([name, kind, namespaced]) => ({
      name,
      singularName: kind.toLowerCase(),
      namespaced,
      kind,
      verbs: ['create', 'get', 'list'],
    })),
  };
}

/** Legacy discovery answers (kubectl falls back to them when aggregated discovery is ignored). */
export function discovery(path: string): unknown {
  switch (path) {
    case '/api':
      return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
    case '/apis':
      return {
        kind: 'APIGroupList',
        apiVersion: 'v1',
        groups: ['apps', 'networking.k8s.io'].map((name) => ({
          name,
          versions: [{ groupVersion: `${name}/v1`, version: 'v1' }],
          preferredVersion: { groupVersion: `${name}/v1`, version: 'v1' },
        })),
      };
    case '/api/v1':
      return resourceList('v1', CORE_RESOURCES);
    case '/apis/apps/v1':
      return resourceList('apps/v1', [['deployments', 'Deployment', true]]);
    case '/apis/networking.k8s.io/v1':
      return resourceList('networking.k8s.io/v1', [['ingresses', 'Ingress', true]]);
    case '/version':
      return { major: '1', minor: '33', gitVersion: 'v1.33.1' };
    default:
      return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Runs `kubectl <args>` against a recording server; resolves with what was POSTed and kubectl's output. */
export async function captureKubectl(
  args: readonly string[],
  respond: (c: Captured) => unknown,
  kubectl = KUBECTL_133,
): Promise<{ captured: Captured[]; stdout: string; stderr: string; code: number }> {
  const captured: Captured[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (req.method === 'POST') {
        const c = { path, contentType: String(req.headers['content-type'] ?? ''), body };
        captured.push(c);
        let reply: unknown;
        try {
          reply = respond(c);
        } catch (err) {
          res.writeHead(400, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: String(err), reason: 'BadRequest', code: 400 }));
          return;
        }
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(reply));
        return;
      }
      const doc = discovery(path);
      res.writeHead(doc ? 200 : 404, { 'content-type': 'application/json' });
      res.end(JSON.stringify(doc ?? { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const dir = await mkdtemp(join(tmpdir(), 'pn-kubectl-'));
  try {
    const port = (server.address() as AddressInfo).port;
    const result = await runKubectl(kubectl, args, `http://127.0.0.1:${port}`, dir);
    return { captured, ...result };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs kubectl against `server` with a throwaway kubeconfig, cache and HOME under `dir`. */
export async function runKubectl(
  kubectl: string,
  args: readonly string[],
  server: string,
  dir: string,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const kubeconfig = join(dir, 'config');
  await writeFile(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: t\n  cluster: {server: "${server}"}\n` +
      `users:\n- name: t\n  user: {}\ncontexts:\n- name: t\n  context: {cluster: t, user: t, namespace: default}\ncurrent-context: t\n`,
  );
  return new Promise((resolve) => {
    execFile(
      kubectl,
      [...args, '--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache')],
      { env: { ...process.env, HOME: dir }, timeout: 60_000 },
      (err, stdout, stderr) => resolve({ stdout, stderr, code: err ? (typeof err.code === 'number' ? err.code : 1) : 0 }),
    );
  });
}
