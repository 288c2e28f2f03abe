// "The internet": a namespace on TEST-NET ranges behind the underlay, with a router address, an
// HTTP server and the upstream DNS server (processes of ours, started by pid, adopted on restart).
import { promises as fs, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureNetns, setSysctl } from '../host/netns.js';
import { ensureVeth, ensureAddr, ensureRoute } from '../host/link.js';
import { startInNetns, pidAlive, killPid } from '../host/netproc.js';
import { nodeArgv } from '../host/entry.js';
import { INTERNET, zoneNames } from './internet_zone.js';
import { INTERNET_LINK, type ClusterPlan } from './topology_plan.js';

export interface InternetInfo {
  readonly netns: string;
  readonly httpIP: string;
  readonly dnsIP: string;
  /** Names the fake upstream DNS answers, and their IPv4 address. */
  readonly names: Record<string, string>;
}

const SERVER_MARK = 'internet_main';

export function internetPidFile(stateDir: string): string {
  return join(stateDir, 'network', 'internet.pid');
}

/** The pid in the pid file when that process is still our internet server. */
export function runningInternetPid(stateDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(internetPidFile(stateDir), 'utf8'));
  } catch {
    return undefined;
  }
  if (!(pid > 0) || !pidAlive(pid)) return undefined;
  try {
    // The pid may have been reused by an unrelated process after a reboot or crash.
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(SERVER_MARK)) return undefined;
  } catch {
    return undefined;
  }
  return pid;
}

export async function ensureInternet(plan: ClusterPlan, stateDir: string): Promise<InternetInfo> {
  const ns = plan.internetNetns;
  await ensureNetns(ns);
  await ensureVeth(INTERNET_LINK, plan.underlayNetns, 'eth0', ns);
  await ensureAddr(plan.underlayNetns, INTERNET_LINK, `${INTERNET.underlayLinkIP}/${INTERNET.linkPrefix}`);
  await ensureAddr(ns, 'eth0', `${INTERNET.routerLinkIP}/${INTERNET.linkPrefix}`);
  for (const ip of [INTERNET.routerIP, INTERNET.httpIP, INTERNET.apiIP, INTERNET.dnsIP, INTERNET.docIP]) await ensureAddr(ns, 'lo', `${ip}/32`);
  await ensureRoute(ns, 'default', { via: INTERNET.underlayLinkIP });
  await setSysctl(ns, 'net.ipv4.ip_forward', '0');
  await fs.mkdir(join(stateDir, 'network'), { recursive: true });
  if (runningInternetPid(stateDir) === undefined) {
    const argv = nodeArgv(new URL('./internet_main.js', import.meta.url));
    const proc = await startInNetns(ns, argv, { detached: true, logFile: join(stateDir, 'network', 'internet.log') });
    await fs.writeFile(internetPidFile(stateDir), String(proc.pid));
  }
  return { netns: ns, httpIP: INTERNET.httpIP, dnsIP: INTERNET.dnsIP, names: zoneNames() };
}

export async function stopInternet(stateDir: string): Promise<void> {
  const pid = runningInternetPid(stateDir);
  if (pid !== undefined) await killPid(pid);
  await fs.rm(internetPidFile(stateDir), { force: true });
}
