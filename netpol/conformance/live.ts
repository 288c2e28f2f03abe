// The live conformance topology: one node namespace with a bridge and one namespace per pod
// (x/a … z/c), each running agent_main. Test helper; everything is named under a test prefix
// and removed by `destroy`, even after a failure half-way through `build`.
import { createConnection, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeArgv } from '../../host/entry.js';
import { ensureNetns, setSysctl } from '../../host/netns.js';
import { ensureAddr, ensureBridge, ensureRoute, ensureVeth, setMaster } from '../../host/link.js';
import { startInNetns, type NetnsProcess } from '../../host/netproc.js';
import { cleanupNetnsPrefix } from '../../host/testutil.js';

export interface LivePod {
  readonly key: string;
  readonly netns: string;
  readonly ip: string;
}

export interface LiveTopology {
  readonly nodeNetns: string;
  readonly pods: ReadonlyMap<string, LivePod>;
  probe(from: string, ip: string, port: number, protocol: 'TCP' | 'UDP', timeoutMs: number): Promise<boolean>;
  destroy(): Promise<void>;
}

class Control {
  private next = 1;
  private buf = '';
  private readonly waiting = new Map<number, (ok: boolean) => void>();
  constructor(private readonly sock: Socket) {
    sock.on('data', (chunk) => {
      this.buf += chunk.toString();
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const { id, ok } = JSON.parse(this.buf.slice(0, nl)) as { id: number; ok: boolean };
        this.buf = this.buf.slice(nl + 1);
        this.waiting.get(id)?.(ok);
        this.waiting.delete(id);
      }
    });
    // An agent that went away answers nothing: fail its pending probes instead of hanging.
    sock.on('close', () => {
      for (const w of this.waiting.values()) w(false);
      this.waiting.clear();
    });
    sock.on('error', () => {});
  }
  probe(req: Record<string, unknown>): Promise<boolean> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.sock.write(`${JSON.stringify({ id, ...req })}\n`);
    });
  }
}

/** Builds the topology; pods maps key → address (all on one /24 behind `gateway`). */
export async function buildLiveTopology(prefix: string, pods: ReadonlyMap<string, string>, opts: { cidr: string; gateway: string; ports: readonly number[] }): Promise<LiveTopology> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const procs: NetnsProcess[] = [];
  const controls = new Map<string, Control>();
  const sockets: Socket[] = [];
  const nodeNetns = `${prefix}node`;
  const destroy = async () => {
    for (const s of sockets) s.destroy();
    for (const p of procs) await p.stop();
    await cleanupNetnsPrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await ensureNetns(nodeNetns);
    await setSysctl(nodeNetns, 'net.ipv4.ip_forward', '1');
    const prefixLen = opts.cidr.split('/')[1]!;
    await ensureBridge(nodeNetns, 'cni0', { addr: `${opts.gateway}/${prefixLen}` });
    const live = new Map<string, LivePod>();
    let i = 0;
    for (const [key, ip] of pods) {
      const netns = `${prefix}${key.replace('/', '-')}`;
      const veth = `${prefix.slice(0, 11)}v${i++}`;
      await ensureNetns(netns);
      await ensureVeth(veth, nodeNetns, 'eth0', netns);
      await setMaster(nodeNetns, veth, 'cni0');
      await ensureAddr(netns, 'eth0', `${ip}/${prefixLen}`);
      await ensureRoute(netns, 'default', { via: opts.gateway });
      live.set(key, { key, netns, ip });
    }
    await Promise.all(
      [...live.values()].map(async (pod) => {
        const sock = join(dir, `${pod.key.replace('/', '-')}.sock`);
        procs.push(await startInNetns(pod.netns, [...nodeArgv(new URL('./agent_main.js', import.meta.url)), sock, ...opts.ports.map(String)]));
        const s = createConnection(sock);
        await new Promise<void>((resolve, reject) => s.once('connect', resolve).once('error', reject));
        sockets.push(s);
        controls.set(pod.key, new Control(s));
      }),
    );
    return {
      nodeNetns,
      pods: live,
      probe: (from, ip, port, protocol, timeoutMs) => controls.get(from)!.probe({ ip, port, protocol, timeoutMs }),
      destroy,
    };
  } catch (e) {
    await destroy();
    throw e;
  }
}
