// podnet-cni: a CNI 1.1.0 plugin executable (bin/podnet-cni). Reads CNI_* from the environment and
// the network configuration from stdin; prints a result, nothing, or an error object and exits 1.
import { parseCniEnv, type CniEnv } from './env.js';
import { CniError, CniCode, CNI_VERSION, SUPPORTED_VERSIONS, parseNetConf, resultForVersion, type NetConf } from './spec.js';
import { cmdAdd, cmdDel, cmdCheck, cmdGC, cmdStatus } from './bridge.js';

export interface PluginIO {
  readonly env: NodeJS.ProcessEnv;
  readonly stdin: string;
}

export interface PluginOutput {
  readonly exitCode: number;
  readonly stdout: string;
}

/** One invocation, without touching process state (testable); `main` wires it to the process. */
export async function invoke(io: PluginIO): Promise<PluginOutput> {
  let cniVersion = CNI_VERSION;
  try {
    const env: CniEnv = parseCniEnv(io.env);
    if (env.command === 'VERSION') {
      return { exitCode: 0, stdout: JSON.stringify({ cniVersion: CNI_VERSION, supportedVersions: SUPPORTED_VERSIONS }) + '\n' };
    }
    const conf: NetConf = parseNetConf(io.stdin);
    cniVersion = conf.cniVersion;
    if ((env.command === 'STATUS' || env.command === 'GC') && cniVersion !== '1.1.0') {
      throw new CniError(CniCode.IncompatibleVersion, `${env.command} needs cniVersion 1.1.0, the configuration says "${cniVersion}"`);
    }
    switch (env.command) {
      case 'ADD':
        return { exitCode: 0, stdout: JSON.stringify(resultForVersion(await cmdAdd(conf, env), cniVersion)) + '\n' };
      case 'DEL':
        await cmdDel(conf, env);
        break;
      case 'CHECK':
        await cmdCheck(conf, env);
        break;
      case 'GC':
        await cmdGC(conf);
        break;
      case 'STATUS':
        await cmdStatus(conf);
        break;
    }
    return { exitCode: 0, stdout: '' };
  } catch (e) {
    const err = e instanceof CniError ? e : new CniError(CniCode.HostFailure, e instanceof Error ? e.message : String(e));
    return { exitCode: 1, stdout: JSON.stringify(err.toJSON(cniVersion)) + '\n' };
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) return '';
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString();
}

export async function main(): Promise<void> {
  const env = process.env;
  // VERSION must not wait for stdin (the runtime may not send any).
  const stdin = env['CNI_COMMAND'] === 'VERSION' ? '' : await readStdin();
  const out = await invoke({ env, stdin });
  process.stdout.write(out.stdout);
  process.exitCode = out.exitCode;
}
