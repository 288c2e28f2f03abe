// What every built-in workload learns from the kubelet, through its environment (the process runs
// in the pod's netns, but shares the host's UTS namespace, so os.hostname() is not the pod's).
export interface WorkloadEnv {
  readonly podName: string;
  readonly namespace: string;
  readonly hostname: string;
  readonly ports: readonly { port: number; protocol: string }[];
}

export function workloadEnv(env: NodeJS.ProcessEnv = process.env): WorkloadEnv {
  const ports = (env.PODNET_PORTS ?? '')
    .split(',')
    .filter((p) => p)
    .map((p) => {
      const [port, protocol] = p.split('/');
      return { port: Number(port), protocol: (protocol ?? 'TCP').toUpperCase() };
    })
    .filter((p) => Number.isInteger(p.port) && p.port > 0 && p.port < 65536);
  const podName = env.PODNET_POD_NAME ?? env.HOSTNAME ?? 'unknown';
  return { podName, namespace: env.PODNET_POD_NAMESPACE ?? 'default', hostname: env.PODNET_HOSTNAME ?? podName, ports };
}

/** Reads `--name=value` / `--name value` / `-name=value` flags; returns undefined when absent. */
export function flag(args: readonly string[], name: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    for (const p of [`--${name}`, `-${name}`]) {
      if (a === p) return args[i + 1] !== undefined && !args[i + 1]!.startsWith('-') ? args[i + 1] : 'true';
      if (a.startsWith(`${p}=`)) return a.slice(p.length + 1);
    }
  }
  return undefined;
}

export function boolFlag(args: readonly string[], name: string, dflt: boolean): boolean {
  const v = flag(args, name);
  return v === undefined ? dflt : v !== 'false';
}

/** "8080" / ":8080" / "0.0.0.0:8080" → 8080. */
export function portOf(text: string | undefined, dflt: number): number {
  if (text === undefined) return dflt;
  const n = Number(text.slice(text.lastIndexOf(':') + 1));
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`workloads: invalid port "${text}"`);
  return n;
}
