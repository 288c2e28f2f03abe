// The write side: one atomic transaction per sync into the node's namespace. nftables via the
// host Nft interface; iptables via `iptables-restore --noflush` (the nft backend when present).
import { run, runOk } from '../host/exec.js';
import type { Nft } from '../host/nft.js';
import { PodnetError } from '../api/errors.js';
import { FAMILY, TABLE } from './names.js';
import { objectsOf, renderNft, type ExistingObjects } from './nft_render.js';
import { BUILTIN_JUMPS, parseIptablesSave, renderIptables, type IptablesExisting } from './iptables_render.js';
import type { ProxyPlan } from './types.js';

/** Names of chains, sets and maps in our table now (for a full sync's stale cleanup). */
export async function existingNftObjects(nft: Nft, netns: string): Promise<ExistingObjects> {
  const json = (await nft.listTableJson(netns, FAMILY, TABLE)) as { nftables?: Record<string, { name?: string }>[] } | undefined;
  const out = { chains: [] as string[], sets: [] as string[], maps: [] as string[] };
  for (const item of json?.nftables ?? []) {
    if (item.chain?.name) out.chains.push(item.chain.name);
    else if (item.set?.name) out.sets.push(item.set.name);
    else if (item.map?.name) out.maps.push(item.map.name);
  }
  return out;
}

/**
 * Applies a plan with nftables. `previous` = what the last successful sync wrote:
 * - undefined: the kernel state is unknown (start, after a failure): replace the table;
 * - full: flush and refill everything, deleting what `previous` had and `plan` lacks;
 * - otherwise: an incremental transaction with only the differences.
 * Returns the script applied.
 */
export async function applyNftPlan(nft: Nft, netns: string, plan: ProxyPlan, previous?: ProxyPlan, opts: { full?: boolean } = {}): Promise<string> {
  const script = !previous ? renderNft(plan) : opts.full ? renderNft(plan, undefined, objectsOf(previous)) : renderNft(plan, previous);
  if (script) await nft.apply(netns, script);
  return script;
}

let restoreCmd: Promise<{ save: string; restore: string }> | undefined;

/** iptables-nft-restore when installed (kube-proxy's choice on nft-based hosts), else iptables-restore. */
function iptablesCommands(): Promise<{ save: string; restore: string }> {
  restoreCmd ??= run('iptables-nft-restore', ['--version'])
    .then((r) => (r.code === 0 ? { save: 'iptables-nft-save', restore: 'iptables-nft-restore' } : { save: 'iptables-save', restore: 'iptables-restore' }))
    .catch(() => ({ save: 'iptables-save', restore: 'iptables-restore' }));
  return restoreCmd;
}

export async function readIptables(netns: string): Promise<ReturnType<typeof parseIptablesSave>> {
  const { save } = await iptablesCommands();
  return parseIptablesSave(await runOk(save, [], { netns }));
}

/** Applies a plan in iptables mode; `known` carries chain names between syncs (read once when absent). */
export async function applyIptablesPlan(netns: string, plan: ProxyPlan, known?: IptablesExisting): Promise<IptablesExisting> {
  const { restore } = await iptablesCommands();
  let jumps = { nat: [] as string[], filter: [] as string[] };
  let existing = known;
  if (!existing) {
    const saved = await readIptables(netns);
    existing = saved;
    jumps = {
      nat: BUILTIN_JUMPS.nat.filter((j) => !saved.rules.nat.includes(j)),
      filter: BUILTIN_JUMPS.filter.filter((j) => !saved.rules.filter.includes(j)),
    };
  }
  const text = renderIptables(plan, existing, jumps);
  const r = await run(restore, ['--noflush'], { netns, input: text });
  if (r.code !== 0) throw new PodnetError('PROXY_IPTABLES_RESTORE_FAILED', `proxy: ${restore} in "${netns}" failed: ${r.stderr.trim()}`);
  const chains = { nat: [] as string[], filter: [] as string[] };
  let table: 'nat' | 'filter' | undefined;
  for (const line of text.split('\n')) {
    if (line === '*nat' || line === '*filter') table = line.slice(1) as 'nat' | 'filter';
    else if (table && line.startsWith(':')) chains[table].push(line.slice(1).split(' ')[0]!);
    else if (table && line.startsWith('-X ')) chains[table] = chains[table].filter((c) => c !== line.slice(3));
  }
  return chains;
}

/** Removes everything iptables mode made (jumps first, then chains). */
export async function cleanupIptables(netns: string): Promise<void> {
  const { restore } = await iptablesCommands();
  const saved = await readIptables(netns).catch(() => undefined);
  if (!saved) return;
  const lines: string[] = [];
  for (const t of ['filter', 'nat'] as const) {
    const jumps = BUILTIN_JUMPS[t].filter((j) => saved.rules[t].includes(j)).map((j) => j.replace(/^-A /, '-D '));
    lines.push(`*${t}`, ...saved[t].map((c) => `:${c} - [0:0]`), ...jumps, ...saved[t].map((c) => `-X ${c}`), 'COMMIT');
  }
  await runOk(restore, ['--noflush'], { netns, input: lines.join('\n') + '\n' });
}
