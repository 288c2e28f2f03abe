// CPU and memory of a node and its pods, measured from /proc the way cAdvisor measures cgroups:
// every process whose network namespace is a pod's belongs to that pod (a hostNetwork pod's are
// found by their container's process group), and a node is every process in its namespace plus its
// pods. CPU is a rate: the difference of cumulative CPU time between two samples over the time
// between them. The previous sample is kept, so only the first report waits (half a second).
import fs from 'node:fs';
import type { ContainerUsage, NodeUsage, PodUsage } from '../apiserver/usage.js';

/** What the sampler needs to know about a pod running on the node. */
export interface UsageTarget {
  readonly namespace: string;
  readonly name: string;
  /** The pod's network namespace name (under /run/netns); undefined for hostNetwork pods. */
  readonly netns?: string;
  /** Containers in spec order with the pid of their running process (process group leader). */
  readonly containers: readonly { readonly name: string; readonly pid?: number }[];
}

interface Proc {
  readonly pid: number;
  readonly pgrp: number;
  /** Cumulative user + system CPU, in clock ticks. */
  readonly ticks: number;
  readonly rssBytes: number;
  /** The inode of its network namespace. */
  readonly netIno: number;
}

const CLOCK_TICKS = 100; // USER_HZ on every Linux architecture Node supports
const PAGE_BYTES = 4096;
const FIRST_WINDOW_MS = 500;
const MAX_SAMPLE_AGE_MS = 60_000;

/** Parses /proc/PID/stat: the fields after the command (which may contain spaces and parentheses). */
export function parseStat(text: string): { pgrp: number; ticks: number; rssPages: number } | undefined {
  const end = text.lastIndexOf(')');
  if (end < 0) return undefined;
  const f = text.slice(end + 2).split(' ');
  // f[0] is field 3 (state): pgrp is field 5, utime 14, stime 15, rss 24.
  const pgrp = Number(f[2]);
  const ticks = Number(f[11]) + Number(f[12]);
  const rssPages = Number(f[21]);
  if (![pgrp, ticks, rssPages].every(Number.isFinite)) return undefined;
  return { pgrp, ticks, rssPages };
}

function netnsInode(path: string): number | undefined {
  try {
    return fs.statSync(path).ino;
  } catch {
    return undefined;
  }
}

/** Every process on the machine with its CPU time, memory, process group and network namespace. */
function scanProcs(): Proc[] {
  const out: Proc[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseStat(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'));
      const link = fs.readlinkSync(`/proc/${entry}/ns/net`);
      const ino = Number(/\[(\d+)\]/.exec(link)?.[1]);
      if (stat && Number.isFinite(ino)) out.push({ pid: Number(entry), pgrp: stat.pgrp, ticks: stat.ticks, rssBytes: stat.rssPages * PAGE_BYTES, netIno: ino });
    } catch {
      // The process ended while being read.
    }
  }
  return out;
}

export interface UsageSampler {
  report(): Promise<NodeUsage>;
}

export function usageSampler(node: string, nodeNetns: string, targets: () => readonly UsageTarget[]): UsageSampler {
  let last: { at: number; ticks: Map<number, number> } | undefined;
  const sample = () => ({ at: Date.now(), procs: scanProcs() });
  const ticksOf = (procs: readonly Proc[]) => new Map(procs.map((p) => [p.pid, p.ticks]));

  return {
    async report() {
      let now = sample();
      if (!last || now.at - last.at > MAX_SAMPLE_AGE_MS || now.at - last.at < FIRST_WINDOW_MS / 5) {
        last = { at: now.at, ticks: ticksOf(now.procs) };
        await new Promise((r) => setTimeout(r, FIRST_WINDOW_MS));
        now = sample();
      }
      const prev = last;
      const seconds = (now.at - prev.at) / 1000;
      last = { at: now.at, ticks: ticksOf(now.procs) };
      // A process born inside the window counts from zero: only its part of the window is CPU time.
      const cpu = (p: Proc) => ((p.ticks - (prev.ticks.get(p.pid) ?? 0)) / CLOCK_TICKS / seconds) * 1e9;

      const nodeIno = netnsInode(`/run/netns/${nodeNetns}`);
      const pods: PodUsage[] = [];
      let nodeCPU = 0;
      let nodeMem = 0;
      const inNode = nodeIno === undefined ? [] : now.procs.filter((p) => p.netIno === nodeIno);
      for (const p of inNode) {
        nodeCPU += cpu(p);
        nodeMem += p.rssBytes;
      }
      for (const t of targets()) {
        const ino = t.netns ? netnsInode(`/run/netns/${t.netns}`) : undefined;
        const groups = new Set(t.containers.map((c) => c.pid).filter((x): x is number => x !== undefined));
        // hostNetwork pods: their containers' process groups inside the node's namespace.
        const procs = ino !== undefined ? now.procs.filter((p) => p.netIno === ino) : inNode.filter((p) => groups.has(p.pgrp));
        if (t.containers.length === 0) continue;
        const totals = new Map(t.containers.map((c) => [c.name, { cpu: 0, mem: 0 }]));
        for (const p of procs) {
          // A process outside every container's group (an exec session) counts for the first container.
          const owner = t.containers.find((c) => c.pid !== undefined && c.pid === p.pgrp) ?? t.containers[0]!;
          const tot = totals.get(owner.name)!;
          tot.cpu += cpu(p);
          tot.mem += p.rssBytes;
        }
        const containers: ContainerUsage[] = t.containers.map((c) => ({ name: c.name, cpuNanoCores: totals.get(c.name)!.cpu, memoryBytes: totals.get(c.name)!.mem }));
        if (ino !== undefined) {
          for (const c of containers) {
            nodeCPU += c.cpuNanoCores;
            nodeMem += c.memoryBytes;
          }
        }
        pods.push({ namespace: t.namespace, name: t.name, containers });
      }
      return { node, timestamp: new Date(now.at).toISOString(), windowSeconds: Math.round(seconds * 1000) / 1000, cpuNanoCores: nodeCPU, memoryBytes: nodeMem, pods };
    },
  };
}
