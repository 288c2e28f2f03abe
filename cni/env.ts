// The CNI_* environment of one plugin invocation, validated per command (spec: "Parameters").
import { CniError, CniCode } from './spec.js';

export type CniCommand = 'ADD' | 'DEL' | 'CHECK' | 'STATUS' | 'GC' | 'VERSION';
const COMMANDS: readonly CniCommand[] = ['ADD', 'DEL', 'CHECK', 'STATUS', 'GC', 'VERSION'];

export interface CniEnv {
  readonly command: CniCommand;
  readonly containerID: string;
  /** Path of the sandbox's netns (e.g. /var/run/netns/NAME); may be empty for DEL. */
  readonly netns: string;
  readonly ifname: string;
  readonly args: ReadonlyMap<string, string>;
  readonly path: readonly string[];
}

export function parseCniEnv(env: NodeJS.ProcessEnv): CniEnv {
  const command = env['CNI_COMMAND'] as CniCommand | undefined;
  if (!command || !COMMANDS.includes(command)) throw new CniError(CniCode.InvalidEnvironment, `invalid CNI_COMMAND ${JSON.stringify(command ?? '')}`);
  const need = (key: string, when: readonly CniCommand[]): string => {
    const v = env[key] ?? '';
    if (when.includes(command) && v === '') throw new CniError(CniCode.InvalidEnvironment, `${key} is required for ${command}`);
    return v;
  };
  const containerID = need('CNI_CONTAINERID', ['ADD', 'DEL', 'CHECK']);
  if (containerID && !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(containerID)) throw new CniError(CniCode.InvalidEnvironment, `invalid CNI_CONTAINERID "${containerID}"`);
  const netns = need('CNI_NETNS', ['ADD', 'CHECK']);
  const ifname = need('CNI_IFNAME', ['ADD', 'DEL', 'CHECK']);
  if (ifname && (ifname.length > 15 || /[/\s:]/.test(ifname) || ifname === '.' || ifname === '..')) throw new CniError(CniCode.InvalidEnvironment, `invalid CNI_IFNAME "${ifname}"`);
  const args = new Map<string, string>();
  for (const pair of (env['CNI_ARGS'] ?? '').split(';').filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new CniError(CniCode.InvalidEnvironment, `invalid CNI_ARGS entry "${pair}"`);
    args.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  const path = need('CNI_PATH', ['ADD', 'DEL', 'CHECK', 'GC']).split(':').filter(Boolean);
  return { command, containerID, netns, ifname, args, path };
}
