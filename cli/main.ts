// `podnet` — the command line. Each command lives with its component; this file only dispatches.
import { HelpRequested, UsageError } from './args.js';
import { stdio, type CommandIO } from './io.js';
import { errorMessage } from '../api/errors.js';
import { analyzeCommand, serveCommand } from './component_commands.js';

type Command = (argv: string[], io: CommandIO) => Promise<number>;

interface Entry {
  /** The synopsis after `podnet NAME`, for `--help`. */
  readonly usage: string;
  /** Parses its argv with cli/args.ts, so `--help` can ask it for its options. */
  readonly flags?: boolean;
  readonly summary: string;
  readonly load: () => Promise<Command>;
}

const COMMANDS: Record<string, Entry> = {
  up: { flags: true, usage: '[--name N] [--nodes N] [--backend bridge|host-gw|vxlan] [--zones N] [--store sqlite|etcd://H:P] [--proxy-mode nftables|iptables|userspace] [--proxy-layout global|kube] [--scheduler ALG] [--port 6443] [--no-network] [--demo]', summary: 'start a cluster (daemon in the background) and wait until it is ready', load: async () => (await import('./cluster_commands.js')).upCommand },
  down: { flags: true, usage: '[--name N] [--all]', summary: 'stop a cluster and remove everything it made', load: async () => (await import('./cluster_commands.js')).downCommand },
  status: { flags: true, usage: '[--name N] [-o text|json]', summary: 'show clusters, their addresses, nodes and published ports', load: async () => (await import('./cluster_commands.js')).statusCommand },
  kubeconfig: { flags: true, usage: '[--name N]', summary: "print the path of a cluster's kubeconfig", load: async () => (await import('./cluster_commands.js')).kubeconfigCommand },
  exec: { flags: true, usage: '[--name N] NS/POD [-c CONTAINER] [-i] [-t] -- CMD [ARGS…]', summary: 'run a command in a pod (like kubectl exec): podnet exec NS/POD -- CMD…', load: async () => (await import('./exec_command.js')).execCommand },
  'port-forward': { flags: true, usage: '[--name N] svc/NAME|pod/NAME [LOCAL:]REMOTE…', summary: 'forward 127.0.0.1 ports into a pod or Service: podnet port-forward svc/NAME 8080:80', load: async () => (await import('./portforward_command.js')).portForwardCommand },
  'dns serve': { usage: '--corefile FILE|--corefile-configmap NS/NAME --source file:OBJECTS|kubeconfig[:PATH] [--flow-socket PATH]', summary: 'run the CoreDNS-compatible DNS server: --corefile FILE --source file:OBJECTS|kubeconfig[:PATH]', load: async () => serveCommand(async () => (await import('../dns/cli.js')).dnsServeCommand) },
  'ingress serve': { usage: '--source file:OBJECTS|kubeconfig[:PATH] --listen ADDR:PORT [--tls-listen ADDR:PORT] [--class NAME] [--publish-service NS/NAME] [--status-address IP|HOST] [--default-backend NS/NAME:PORT] [--metrics-listen ADDR:PORT] [--no-access-log] [--engine fast|node] [--workers N]', summary: 'run the ingress controller: --source … --listen ADDR:PORT [--tls-listen ADDR:PORT] [--class NAME]', load: async () => serveCommand(async () => (await import('../ingress/cli.js')).ingressServeCommand) },
  reach: { usage: '[-f PATH…] [-n NS] [--port N] [--protocol P] [-o table|json] [--live [--compare]] [--name N]', summary: 'the reachability matrix between pods, predicted (-f manifests, or the cluster) or --live measured', load: async () => analyzeCommand(async () => (await import('../analyze/commands.js')).reachCommand) },
  explain: { usage: '[-f PATH…] --from NS/POD --to NS/POD|IP[:PORT[/PROTO]] [--name N]', summary: 'why traffic from a pod to a pod/IP is allowed or denied: --from NS/POD --to NS/POD|IP[:PORT[/PROTO]]', load: async () => analyzeCommand(async () => (await import('../analyze/commands.js')).explainCommand) },
  verify: { usage: '-f MANIFESTS --expect EXPECTATIONS.yaml [--junit FILE]', summary: 'check expectations (from/to, port, allow|deny) against manifests without a cluster: -f MANIFESTS --expect FILE [--junit FILE]', load: async () => analyzeCommand(async () => (await import('../analyze/index.js')).verifyCommand) },
  lint: { usage: '[-f PATH…]', summary: 'policies selecting no pod, peers matching nothing, undeclared named ports, shadowed rules, selectorless matches', load: async () => analyzeCommand(async () => (await import('../analyze/index.js')).lintCommand) },
  observe: { flags: true, usage: '[--name N] [--follow] [--namespace NS] [--pod P] [--service S] [--verdict V] [--protocol P] [--since 5m] [-o table|json] [--probes]', summary: 'flows with their verdicts, like hubble observe: [--follow] [--namespace] [--pod] [--service] [--verdict] [--since] [-o json]', load: async () => (await import('../observe/cli.js')).observeCommand },
  trace: { flags: true, usage: '[--name N] --from NS/POD --to NAME|IP[:PORT[/PROTO]] [-o json]', summary: 'a packet hop by hop, predicted and then traced in the kernel: --from NS/POD --to NAME|IP[:PORT[/PROTO]]', load: async () => (await import('../observe/trace.js')).traceCommand },
  ui: { flags: true, usage: '[--name N]', summary: 'the address of the live map of the cluster network', load: async () => (await import('../observe/cli.js')).uiCommand },
  apiserver: { flags: true, usage: '[--name N] [--store sqlite|memory|etcd://H:P] [--port 6443] [--insecure]', summary: 'run only the apiserver in the foreground', load: async () => (await import('./apiserver_command.js')).apiserverCommand },
};

function help(io: CommandIO): void {
  io.out('podnet — the networking half of Kubernetes, for real, on one Linux machine');
  io.out('');
  io.out('Usage: podnet COMMAND [options]   (podnet COMMAND --help for its options)');
  io.out('');
  for (const [name, e] of Object.entries(COMMANDS)) io.out(`  ${name.padEnd(14)}${e.summary}`);
}

/**
 * `podnet NAME --help`: the synopsis and summary, then the options of commands that parse flags
 * with cli/args.ts (asked by running the command with `--help` alone: parsing is the first thing
 * such a command does, and it stops there with HelpRequested; what it prints meanwhile is dropped).
 */
async function commandHelp(name: string, entry: Entry, io: CommandIO): Promise<void> {
  io.out(`Usage: podnet ${name} ${entry.usage}`);
  io.out('');
  io.out(entry.summary.replace(/: (--|\[|-f |podnet ).*$/, ''));
  if (!entry.flags) return;
  let options: string | undefined;
  const quiet: CommandIO = { ...io, out: () => {}, err: (line: string) => (options ??= /^Options:/.test(line) ? line : undefined) };
  try {
    await (await entry.load())(['--help'], quiet);
  } catch (err) {
    if (err instanceof HelpRequested) options = err.options;
  }
  if (options) {
    io.out('');
    io.out(options);
  }
}

export async function main(argv: string[], io: CommandIO = stdio): Promise<void> {
  const [name, ...rest] = argv;
  if (name === '__daemon') {
    const { runDaemon } = await import('./daemon.js');
    const i = rest.indexOf('--name');
    await runDaemon(rest[i + 1] ?? 'podnet');
    return;
  }
  if (name === '__forward') {
    const { runForwarder } = await import('./rootless.js');
    await runForwarder(rest[rest.indexOf('--name') + 1] ?? 'podnet', Number(rest[rest.indexOf('--daemon') + 1]));
    return;
  }
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help(io);
    return;
  }
  if (name === 'version' || name === '--version') {
    io.out('podnet 0.1.0');
    return;
  }
  // Two-word commands: `podnet dns serve`, `podnet ingress serve`.
  const two = rest[0] && COMMANDS[`${name} ${rest[0]}`] ? `${name} ${rest[0]}` : undefined;
  const entry = COMMANDS[two ?? name];
  if (!entry) {
    io.err(`podnet: unknown command "${name}"; run \`podnet help\` for the list`);
    process.exitCode = 2;
    return;
  }
  const args = two ? rest.slice(1) : rest;
  const ended = args.indexOf('--');
  if ((ended < 0 ? args : args.slice(0, ended)).some((a) => a === '--help' || a === '-h')) {
    await commandHelp(two ?? name, entry, io);
    return;
  }
  try {
    const cmd = await entry.load();
    process.exitCode = await cmd(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`podnet ${two ?? name}: ${err.message}`);
      process.exitCode = 2;
      return;
    }
    io.err(`podnet ${two ?? name}: ${errorMessage(err)}`);
    process.exitCode = 1;
  }
}
