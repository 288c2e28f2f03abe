// WebSocket connections to the apiserver's streaming subresources (exec, attach, portforward), with
// the cluster's CA and bearer token — the same protocol kubectl 1.30+ and client-node speak.
import WebSocket from 'ws';
import type { ClusterAccess } from '../client/kubeconfig.js';

export function openStream(access: ClusterAccess, path: string, protocols: string[]): Promise<WebSocket> {
  const url = access.server.replace(/^http/, 'ws').replace(/\/$/, '') + path;
  const ws = new WebSocket(url, protocols, {
    headers: access.token ? { Authorization: `Bearer ${access.token}` } : {},
    ...(access.caPem ? { ca: access.caPem } : {}),
    rejectUnauthorized: !access.insecureSkipTLSVerify,
  });
  ws.binaryType = 'nodebuffer';
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        let message = Buffer.concat(chunks).toString();
        try {
          message = (JSON.parse(message) as { message?: string }).message ?? message;
        } catch {
          /* not a Status */
        }
        reject(new Error(`${res.statusCode}: ${message}`));
      });
    });
    ws.once('error', reject);
  });
}
