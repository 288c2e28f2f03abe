// Entry point of the built-in workloads: `node kubelet/workloads/main.js <workload> [args…]`, run by
// the kubelet inside a pod's network namespace (`ip netns exec`). Workloads: echo, web (nginx,
// httpd, whoami, hello-app as their images answer), netexec,
// serve-hostname, porter, connect, pause, and pipe (stdin/stdout ⇄ a TCP connection, for
// port-forward and probes).
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import { runConnect, runNetexec, runPorter, runServeHostname } from './agnhost.js';
import { runEcho, type Closer } from './echo.js';
import { flag, portOf, workloadEnv } from './env.js';
import { runWebImage, WEB_IMAGES, type WebImage } from './webimages.js';

function keepAlive(closer: Closer): void {
  const stop = () => (closer.close(), process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  closer.bound.then(
    (ports) => process.stdout.write(`serving on ${ports.join(', ') || 'no ports'}\n`),
    (e: Error) => (process.stderr.write(`cannot listen: ${e.message}\n`), process.exit(1)),
  );
}

function pipe(host: string, port: number): void {
  const s = net.connect({ host, port });
  s.on('error', (e) => (process.stderr.write(`pipe: ${e.message}\n`), process.exit(1)));
  s.on('connect', () => process.stderr.write('connected\n'));
  process.stdin.pipe(s);
  s.pipe(process.stdout);
  s.on('close', () => process.exit(0));
}

export async function main(argv: readonly string[]): Promise<void> {
  const [workload = 'echo', ...args] = argv;
  const env = workloadEnv();
  switch (workload) {
    case 'echo':
      return keepAlive(runEcho(env, args));
    case 'web': {
      const [image = '', version = ''] = args;
      if (!WEB_IMAGES.includes(image as WebImage)) {
        process.stderr.write(`workloads: unknown web image "${image}" (known: ${WEB_IMAGES.join(', ')})\n`);
        return process.exit(2);
      }
      const port = flag(args, 'port');
      return keepAlive(runWebImage(env, image as WebImage, version, { port: port === undefined ? undefined : portOf(port, 80) }));
    }
    case 'netexec':
      return keepAlive(runNetexec(env, args));
    case 'serve-hostname':
      return keepAlive(runServeHostname(env, args));
    case 'porter':
      return keepAlive(runPorter(process.env));
    case 'connect':
      return process.exit(await runConnect(args));
    case 'pipe':
      return pipe(args[0] ?? '127.0.0.1', Number(args[1]));
    case 'pause':
      process.on('SIGTERM', () => process.exit(0));
      process.on('SIGINT', () => process.exit(0));
      setInterval(() => {}, 1 << 30);
      return;
    default:
      process.stderr.write(`workloads: unknown workload "${workload}"\n`);
      process.exit(2);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) void main(process.argv.slice(2));
