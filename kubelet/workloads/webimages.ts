// Stand-ins for popular web images that answer the way the image does out of the box, so a
// tutorial's `curl` sees what it expects: nginx's welcome page (404 elsewhere, an access log line per
// request), httpd's "It works!", traefik/whoami's request dump and google-samples/hello-app's
// greeting. Each listens on the image's default port and on every TCP port the container declares.
import http from 'node:http';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import type { Closer } from './echo.js';
import type { WorkloadEnv } from './env.js';

export type WebImage = 'nginx' | 'httpd' | 'whoami' | 'hello-app';

interface Reply {
  readonly status: number;
  readonly type: string;
  readonly body: string;
}

interface Personality {
  readonly defaultPort: number;
  readonly server?: string;
  answer(req: http.IncomingMessage): Reply;
  /** One stdout line per request (what `kubectl logs` shows), when the image logs requests. */
  log?(req: http.IncomingMessage, status: number, bytes: number): string;
}

const html = (body: string): Reply => ({ status: 200, type: 'text/html', body });

function nginxPage(title: string, version: string): string {
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx/${version}</center>\r\n</body>\r\n</html>\r\n`;
}

function nginxWelcome(env: WorkloadEnv): string {
  return [
    '<!DOCTYPE html>',
    '<html>',
    '<head>',
    '<title>Welcome to nginx!</title>',
    '</head>',
    '<body>',
    '<h1>Welcome to nginx!</h1>',
    '<p>The web server is running: this is its default page.</p>',
    `<p><em>Served by a podnet stand-in for nginx in pod ${env.namespace}/${env.podName}.</em></p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/** "10/Nov/2026:14:02:06 +0000", the common log format's time. */
function clfTime(d: Date): string {
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function podAddresses(): string[] {
  return Object.values(os.networkInterfaces())
    .flat()
    .filter((a): a is os.NetworkInterfaceInfo => !!a)
    .map((a) => a.address);
}

function personality(image: WebImage, env: WorkloadEnv, version: string): Personality {
  switch (image) {
    case 'nginx': {
      const v = /^\d+\.\d+(\.\d+)?/.exec(version)?.[0] ?? '1.27.3';
      return {
        defaultPort: 80,
        server: `nginx/${v}`,
        answer: (req) => {
          const path = (req.url ?? '/').split('?')[0];
          if (req.method !== 'GET' && req.method !== 'HEAD') return { status: 405, type: 'text/html', body: nginxPage('405 Not Allowed', v) };
          if (path === '/' || path === '/index.html') return html(nginxWelcome(env));
          return { status: 404, type: 'text/html', body: nginxPage('404 Not Found', v) };
        },
        log: (req, status, bytes) =>
          `${req.socket.remoteAddress} - - [${clfTime(new Date())}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${bytes} "${req.headers.referer ?? '-'}" "${req.headers['user-agent'] ?? '-'}" "-"`,
      };
    }
    case 'httpd':
      return {
        defaultPort: 80,
        server: 'Apache/2.4.62 (Unix)',
        answer: (req) => {
          const path = (req.url ?? '/').split('?')[0];
          if (path === '/' || path === '/index.html') return html('<html><body><h1>It works!</h1></body></html>\n');
          return { status: 404, type: 'text/html; charset=iso-8859-1', body: `<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n<p>The requested URL was not found on this server.</p>\n</body></html>\n` };
        },
        log: (req, status, bytes) => `${req.socket.remoteAddress} - - [${clfTime(new Date())}] "${req.method} ${req.url} HTTP/${req.httpVersion}" ${status} ${bytes}`,
      };
    case 'whoami':
      return {
        defaultPort: Number(process.env.WHOAMI_PORT_NUMBER) || 80,
        answer: (req) => {
          if ((req.url ?? '').startsWith('/health')) return { status: 200, type: 'text/plain', body: '' };
          const lines = [`Hostname: ${env.hostname}`, ...podAddresses().map((ip) => `IP: ${ip}`), `RemoteAddr: ${req.socket.remoteAddress}:${req.socket.remotePort}`, `${req.method} ${req.url} HTTP/${req.httpVersion}`];
          for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
          return { status: 200, type: 'text/plain; charset=utf-8', body: `${lines.join('\n')}\n\n` };
        },
      };
    case 'hello-app': {
      const major = /^(\d+)(?:\.(\d+))?/.exec(version);
      const shown = major ? `${major[1]}.${major[2] ?? '0'}.0` : '1.0.0';
      return {
        defaultPort: Number(process.env.PORT) || 8080,
        answer: () => ({ status: 200, type: 'text/plain; charset=utf-8', body: `Hello, world!\nVersion: ${shown}\nHostname: ${env.hostname}\n` }),
        log: (req) => `Serving request: ${req.url}`,
      };
    }
  }
}

export const WEB_IMAGES: readonly WebImage[] = ['nginx', 'httpd', 'whoami', 'hello-app'];

export interface WebImageOptions {
  /** Replaces the image's default port (nginx-unprivileged's 8080). */
  readonly port?: number;
  /** Where request log lines go (the container's stdout). */
  readonly log?: (line: string) => void;
}

/** Runs the stand-in for `image` (its tag in `version`, e.g. "1.27" for nginx:1.27). */
export function runWebImage(env: WorkloadEnv, image: WebImage, version: string, opts: WebImageOptions = {}): Closer {
  const p = personality(image, env, version);
  const log = opts.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const declared = env.ports.filter((x) => x.protocol === 'TCP').map((x) => x.port);
  const ports = [...new Set([...declared, opts.port ?? p.defaultPort])];
  const servers: http.Server[] = [];
  const handler: http.RequestListener = (req, res) => {
    const r = p.answer(req);
    const bytes = Buffer.byteLength(r.body);
    if (p.server) res.setHeader('Server', p.server);
    res.writeHead(r.status, { 'Content-Type': r.type, 'Content-Length': bytes });
    res.end(req.method === 'HEAD' ? undefined : r.body);
    if (p.log) log(p.log(req, r.status, bytes));
  };
  const bound = ports.map(
    (port) =>
      new Promise<number | undefined>((resolve, reject) => {
        const server = http.createServer(handler);
        server.keepAliveTimeout = 65_000;
        server.once('error', (e) => (declared.includes(port) || declared.length === 0 ? reject(e) : resolve(undefined)));
        server.listen(port, '0.0.0.0', () => (servers.push(server), resolve((server.address() as AddressInfo).port)));
      }),
  );
  return {
    close: () => servers.forEach((s) => s.close()),
    // The image's own port is best effort when the container declared others (a hostNetwork pod
    // may find it taken); a declared port, or the only port, that cannot be bound fails the container.
    bound: Promise.all(bound).then((list) => list.filter((x): x is number => x !== undefined)),
  };
}
