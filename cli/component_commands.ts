// Commands that live with their components (DNS, ingress, the analyzer), adapted to the CLI: the
// cluster they read comes from `--name` (podnet's cluster), `--kubeconfig`, or $KUBECONFIG.
import { existsSync } from 'node:fs';
import type { CommandIO } from './io.js';
import { clusterPaths } from './paths.js';
import { loadKubeconfig } from '../client/kubeconfig.js';
import { KubeClient, kubeSource } from '../client/kube.js';
import type { AnalyzeIO } from '../analyze/io.js';
import { podProbe } from './probe.js';

/** Takes `--name N` / `--kubeconfig P` out of argv (the component's parser doesn't know them). */
export function takeClusterFlags(argv: readonly string[]): { rest: string[]; kubeconfig: string } {
  const rest: string[] = [];
  let name: string | undefined;
  let kubeconfig: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--(name|kubeconfig)(?:=(.*))?$/.exec(a);
    if (!m) {
      rest.push(a);
      continue;
    }
    const v = m[2] ?? argv[++i];
    if (m[1] === 'name') name = v;
    else kubeconfig = v;
  }
  const resolved = kubeconfig ?? (name ? clusterPaths(name).kubeconfig : process.env.KUBECONFIG || clusterPaths('podnet').kubeconfig);
  return { rest, kubeconfig: resolved };
}

function analyzeIO(kubeconfig: string): AnalyzeIO {
  const access = () => {
    if (!existsSync(kubeconfig)) throw new Error(`no cluster to read: ${kubeconfig} does not exist (start one with \`podnet up\`, or pass -f FILES)`);
    return loadKubeconfig(kubeconfig);
  };
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    source: async () => kubeSource(new KubeClient(access())),
    probe: (from, ip, port, protocol) => podProbe(access())(from, ip, port, protocol),
  };
}

export function analyzeCommand(load: () => Promise<(argv: readonly string[], io: AnalyzeIO) => Promise<number>>) {
  return async (argv: string[], _io: CommandIO): Promise<number> => {
    const { rest, kubeconfig } = takeClusterFlags(argv);
    const cmd = await load();
    const code = await cmd(rest, analyzeIO(kubeconfig));
    return code;
  };
}

export function serveCommand(load: () => Promise<(argv: string[]) => Promise<void>>) {
  return async (argv: string[]): Promise<number> => {
    await (await load())(argv);
    return 0;
  };
}
