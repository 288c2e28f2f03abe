// Which process a container becomes. Pods run processes, not images: a known image name maps to a
// built-in workload, a shell image runs its command on the host inside the pod's namespace, and
// anything else gets the echo server on its declared ports (with an Event saying so).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Container, Pod } from '../../api/types.js';

export type RunPlan =
  /** `node workloads/main.js <workload> <args…>` */
  | { readonly kind: 'builtin'; readonly workload: string; readonly args: readonly string[]; readonly note?: string }
  /** A host command (argv[0] looked up in PATH) run inside the pod's namespace. */
  | { readonly kind: 'host'; readonly argv: readonly string[] }
  /** `node <podnetBin> <args…>`: podnet's own servers (dns, ingress). */
  | { readonly kind: 'podnet'; readonly args: readonly string[] };

export const HOST_COMMAND_ANNOTATION = 'podnet.dev/run-host-command';

/** "registry.k8s.io/e2e-test-images/agnhost:2.47@sha256:…" → "e2e-test-images/agnhost". */
export function imageRepo(image: string): string {
  let s = image.split('@')[0]!;
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) s = s.slice(0, colon);
  const parts = s.split('/');
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) parts.shift();
  if (parts[0] === 'library') parts.shift();
  return parts.join('/');
}

/** True when `cmd` is an executable in one of $PATH's folders. */
function onPath(cmd: string): boolean {
  return (process.env.PATH ?? '/usr/bin:/bin').split(':').some((dir) => dir && existsSync(join(dir, cmd)));
}

/** "nginx:1.27@sha256:…" → "1.27"; "" when the image has no tag. */
export function imageTag(image: string): string {
  const s = image.split('@')[0]!;
  const colon = s.lastIndexOf(':');
  return colon > s.lastIndexOf('/') ? s.slice(colon + 1) : '';
}

/** Images whose default answer podnet reproduces (kubelet/workloads/webimages.ts), by repository. */
const WEB_IMAGES: Record<string, string> = {
  nginx: 'nginx',
  'e2e-test-images/nginx': 'nginx',
  'nginxinc/nginx-unprivileged': 'nginx',
  httpd: 'httpd',
  'e2e-test-images/httpd': 'httpd',
  'traefik/whoami': 'whoami',
  'containous/whoami': 'whoami',
  'emilevauge/whoami': 'whoami',
  whoami: 'whoami',
  'google-samples/hello-app': 'hello-app',
  'googlesamples/hello-app': 'hello-app',
};

/** podnet/echo is the echo server by name (what tests and examples use to see who answered). */
const ECHO_IMAGES = new Set(['podnet/echo', 'jmalloy/echo-server', 'ealen/echo-server', 'mendhak/http-https-echo', 'hashicorp/http-echo', 'kennethreitz/httpbin', 'google-samples/hello-go', 'paulbouwer/hello-kubernetes', 'stefanprodan/podinfo', 'caddy', 'nginxdemos/hello', 'nginxdemos/nginx-hello']);

/** Shell images: default entrypoint and cmd, as their image config sets them. */
const SHELL_IMAGES: Record<string, { entrypoint: string[]; cmd: string[] }> = {
  busybox: { entrypoint: [], cmd: ['sh'] },
  alpine: { entrypoint: [], cmd: ['/bin/sh'] },
  ubuntu: { entrypoint: [], cmd: ['/bin/bash'] },
  debian: { entrypoint: [], cmd: ['bash'] },
  fedora: { entrypoint: [], cmd: ['/bin/bash'] },
  centos: { entrypoint: [], cmd: ['/bin/bash'] },
  'nicolaka/netshoot': { entrypoint: [], cmd: ['zsh'] },
  'praqma/network-multitool': { entrypoint: [], cmd: ['sleep', 'infinity'] },
  'wbitt/network-multitool': { entrypoint: [], cmd: ['sleep', 'infinity'] },
  'curlimages/curl': { entrypoint: ['curl'], cmd: [] },
  'e2e-test-images/busybox': { entrypoint: [], cmd: ['sh'] },
  'e2e-test-images/jessie-dnsutils': { entrypoint: [], cmd: ['bash'] },
  'infoblox/dnstools': { entrypoint: [], cmd: ['sh'] },
  'tutum/dnsutils': { entrypoint: [], cmd: ['bash'] },
  python: { entrypoint: [], cmd: ['python3'] },
};

const AGNHOST_SUBCOMMANDS = new Set(['netexec', 'serve-hostname', 'porter', 'connect', 'pause']);

function agnhostPlan(argv: readonly string[]): RunPlan {
  const args = argv[0] && /(^|\/)agnhost$/.test(argv[0]) ? argv.slice(1) : argv;
  const [sub = 'pause', ...rest] = args;
  if (AGNHOST_SUBCOMMANDS.has(sub)) return { kind: 'builtin', workload: sub, args: rest };
  return { kind: 'builtin', workload: 'echo', args: [], note: `agnhost subcommand "${sub}" is not built in; running podnet's echo server on the declared ports` };
}

/** The run plan for a container; `command`/`args` as in the pod spec (after $(VAR) expansion). */
export function planContainer(pod: Pod, c: Container): RunPlan {
  const repo = imageRepo(c.image ?? '');
  const base = repo.split('/').pop() ?? '';
  const command = c.command ?? [];
  const args = c.args ?? [];
  if (repo === 'podnet/coredns') return { kind: 'podnet', args: ['dns', 'serve', ...command, ...args] };
  if (repo === 'podnet/ingress') return { kind: 'podnet', args: ['ingress', 'serve', ...command, ...args] };
  if (repo === 'podnet/host' || pod.metadata?.annotations?.[HOST_COMMAND_ANNOTATION] === 'true') {
    const argv = [...command, ...args];
    return argv.length ? { kind: 'host', argv } : { kind: 'builtin', workload: 'pause', args: [] };
  }
  if (base === 'agnhost') return agnhostPlan([...command, ...args]);
  if (base === 'pause') return { kind: 'builtin', workload: 'pause', args: [] };
  if (base === 'serve_hostname' || base === 'serve-hostname') return { kind: 'builtin', workload: 'serve-hostname', args };
  if (base === 'porter') return { kind: 'builtin', workload: 'porter', args: [] };
  const shell = SHELL_IMAGES[repo] ?? SHELL_IMAGES[base];
  if (shell) {
    // The image's own shell may not be on this machine (netshoot's zsh): bash stands in.
    const cmd = shell.cmd.length && !onPath(shell.cmd[0]!) ? ['bash', ...shell.cmd.slice(1)] : shell.cmd;
    const argv = command.length ? [...command, ...args] : [...shell.entrypoint, ...(args.length ? args : cmd)];
    return { kind: 'host', argv: argv.length ? argv : ['sh'] };
  }
  const web = WEB_IMAGES[repo];
  if (web) {
    // nginxinc/nginx-unprivileged listens on 8080; its stand-in says so through the port list.
    const port = repo === 'nginxinc/nginx-unprivileged' ? ['--port=8080'] : [];
    return { kind: 'builtin', workload: 'web', args: [web, imageTag(c.image ?? ''), ...port] };
  }
  if (ECHO_IMAGES.has(repo) || ECHO_IMAGES.has(base)) return { kind: 'builtin', workload: 'echo', args };
  return { kind: 'builtin', workload: 'echo', args, note: `image "${c.image}" is not runnable by podnet; running the built-in echo server on its declared ports` };
}
