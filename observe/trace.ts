// `podnet trace`: the predicted path of one connection hop by hop, beside what the kernel did to the
// same connection really sent from the pod, with every difference flagged.
import type { ProxyPlan } from '../proxy/types.js';
import { parseArgs, UsageError, type FlagSpecs } from '../cli/args.js';
import { podNetnsName, clusterFromNodeNetns } from '../kubelet/names.js';
import { kernelTrace, type KernelTrace, type NodeTrace } from './kerneltrace.js';
import { predictConnection, TraceError, type Prediction, type TraceObjects } from './predict.js';
import { parseTarget } from './resolve.js';
import { observeURL, type CommandIO } from './cli.js';
import { formatTable } from './format.js';

export interface Hop {
  readonly step: string;
  readonly predicted: string;
  readonly kernel?: string;
  readonly differs?: boolean;
}

export interface TraceReport {
  readonly from: string;
  readonly to: string;
  readonly summary: string;
  /** Addresses along the way, for drawing on the map. */
  readonly path: readonly string[];
  readonly hops: readonly Hop[];
  readonly predicted: Prediction;
  readonly kernel?: KernelTrace;
  /** True when the kernel did what was predicted at every hop (undefined without a kernel run). */
  readonly match?: boolean;
}

export interface TraceDeps {
  objects(): TraceObjects;
  plan?(node: string): ProxyPlan | undefined;
  /** Node namespaces; without them (or without root) only the prediction is made. */
  readonly nodes?: readonly { name: string; netns: string }[];
}

const NETPOL = /netpol/;

function dnatOf(t: NodeTrace | undefined): string | undefined {
  for (const s of t?.steps ?? []) {
    const m = /\bdnat (?:ip )?to ([\d.]+(?::\d+)?)/.exec(s.text);
    if (m) return m[1];
  }
  // A rule newer than nft's cache prints without its text: the rewritten packet still shows it.
  const first = t?.packets[0];
  const moved = t?.packets.find((p) => first && p.daddr && p.daddr !== first.daddr);
  return moved ? `${moved.daddr}${moved.dport !== undefined ? `:${moved.dport}` : ''}` : undefined;
}

function dropOf(t: NodeTrace | undefined) {
  return t?.steps.find((s) => s.verdict === 'drop');
}

/** The netpol verdict one node's trace shows for a direction: the pod chain's drop, or the rule that let it pass. */
function policyOf(t: NodeTrace | undefined, dir: 'in' | 'eg'): { text: string; denied: boolean } | undefined {
  if (!t) return undefined;
  const steps = t.steps.filter((s) => NETPOL.test(s.table) && s.chain.startsWith(`${dir}-`));
  if (!steps.length) return undefined;
  const drop = steps.find((s) => s.verdict === 'drop');
  if (drop) return { text: `dropped in ${drop.chain}`, denied: true };
  const by = steps.map((s) => /comment "([^"]+)"/.exec(s.text)?.[1]).find(Boolean);
  return { text: by ? `allowed by ${by}` : `passed ${steps[0]!.chain}`, denied: false };
}

function sideText(s: Prediction['egress']): string {
  if (!s) return '-';
  return `${s.allowed ? 'allowed' : 'denied'}: ${s.reason}`;
}

export function compareTrace(p: Prediction, k: KernelTrace | undefined): { hops: Hop[]; match?: boolean } {
  const hops: Hop[] = [];
  const src = k?.nodes.find((n) => n.node === p.from.node);
  const dstNodeName = p.endpoint?.node ?? p.from.node;
  const dst = k?.nodes.find((n) => n.node === dstNodeName);
  const dnsText = p.dns ? p.dns.records.join('; ') || `${p.dns.fqdn} (no records)` : `${p.target.host} is an address`;
  hops.push({ step: 'dns', predicted: dnsText, ...(k ? { kernel: '(computed from Services like cluster DNS)' } : {}) });
  if (p.verdict === 'unresolved') {
    hops.push({ step: 'result', predicted: `unresolved: ${p.reason}`, ...(k ? { kernel: 'not sent' } : {}) });
    return { hops };
  }
  // Service.
  if (p.service) {
    const predicted = p.service.verdict === 'dnat'
      ? `${p.dstIP}:${p.port} (${p.service.namespace}/${p.service.name}) → one of ${p.service.candidates.map((c) => `${c.ip}:${c.port}`).join(', ')}`
      : `${p.dstIP}:${p.port} (${p.service.namespace}/${p.service.name}) → reject: no endpoints`;
    let kernel: string | undefined;
    let differs = false;
    if (k) {
      const dn = dnatOf(src);
      const drop = dropOf(src);
      if (dn) {
        kernel = `dnat to ${dn}`;
        differs = p.service.verdict !== 'dnat' || !p.service.candidates.some((c) => `${c.ip}:${c.port}` === dn || c.ip === dn);
      } else if (drop && drop.table.includes('proxy')) {
        kernel = `${/reject/.test(drop.text + drop.chain) ? 'reject' : 'drop'} in ${drop.table} ${drop.chain}`;
        differs = p.service.verdict === 'dnat';
      } else {
        kernel = src ? 'no Service rule matched' : 'packet not seen on the node';
        differs = true;
      }
    }
    hops.push({ step: 'service', predicted, ...(kernel ? { kernel, differs } : {}) });
    if (p.verdict === 'rejected') {
      hops.push(result(p, k));
      return finish(hops, k);
    }
  } else {
    hops.push({ step: 'service', predicted: `${p.dstIP} is not a Service address: no DNAT`, ...(k ? { kernel: dnatOf(src) ? `dnat to ${dnatOf(src)}` : 'no DNAT', differs: dnatOf(src) !== undefined } : {}) });
  }
  // Route.
  if (p.route) {
    let kernel: string | undefined;
    let differs = false;
    if (k && src) {
      const oif = [...src.packets].reverse().find((x) => x.oif)?.oif;
      const seen = k.nodes.map((n) => n.node).filter((n) => n !== p.from.node);
      kernel = `${oif ? `out ${oif} on ${p.from.node}` : `no output interface on ${p.from.node}`}${seen.length ? `; seen on ${seen.join(', ')}` : ''}`;
      const sameNode = p.endpoint?.node === p.from.node;
      const dropped = dropOf(src) !== undefined;
      if (!dropped) differs = sameNode ? oif !== 'cni0' : p.endpoint?.node !== undefined && !seen.includes(p.endpoint.node);
    }
    hops.push({ step: 'route', predicted: p.route, ...(kernel ? { kernel, differs } : {}) });
  }
  // Policies.
  for (const [step, side, t, dir] of [['egress policy', p.egress, src, 'eg'], ['ingress policy', p.ingress, dst, 'in']] as const) {
    if (!side) continue;
    let kernel: string | undefined;
    let differs = false;
    if (k) {
      const got = policyOf(t, dir);
      if (got) {
        kernel = got.text;
        differs = got.denied === side.allowed;
      } else {
        kernel = t ? 'no policy chain for this pod' : 'packet did not get there';
        // No chain is right for an unisolated side, and for a side after an earlier drop.
        differs = side.isolated && t !== undefined;
      }
    }
    hops.push({ step, predicted: sideText(side), ...(kernel ? { kernel, differs } : {}) });
  }
  hops.push(result(p, k));
  return finish(hops, k);
}

function kernelVerdict(k: KernelTrace): 'forwarded' | 'rejected' | 'dropped' {
  if (k.sent === 'connected' || k.sent === 'answered') return 'forwarded';
  if (k.sent === 'refused') return 'rejected';
  const drop = k.nodes.map(dropOf).find(Boolean);
  if (drop) return /reject/.test(drop.text + drop.chain) ? 'rejected' : 'dropped';
  // UDP without an answer and without a drop in any node's trace reached its destination.
  return k.sent === 'no-answer' ? 'forwarded' : 'dropped';
}

function result(p: Prediction, k: KernelTrace | undefined): Hop {
  if (!k) return { step: 'result', predicted: `${p.verdict}: ${p.reason}` };
  const got = kernelVerdict(k);
  return { step: 'result', predicted: `${p.verdict}: ${p.reason}`, kernel: `${got} (${k.sent})`, differs: got !== p.verdict };
}

function finish(hops: Hop[], k: KernelTrace | undefined): { hops: Hop[]; match?: boolean } {
  return k ? { hops, match: !hops.some((h) => h.differs) } : { hops };
}

export async function traceConnection(deps: TraceDeps, from: string, to: string): Promise<TraceReport> {
  const target = parseTarget(to);
  const objs = deps.objects();
  const first = predictConnection(objs, from, target);
  const plan = deps.plan?.(first.from.node);
  let predicted = plan ? predictConnection(objs, from, target, { plan }) : first;
  let kernel: KernelTrace | undefined;
  const nodes = deps.nodes ?? [];
  const srcNode = nodes.find((n) => n.name === predicted.from.node);
  if (srcNode && predicted.verdict !== 'unresolved' && process.getuid?.() === 0) {
    const cluster = clusterFromNodeNetns(srcNode.netns, srcNode.name);
    kernel = await kernelTrace({ nodes, podNetns: podNetnsName(cluster, predicted.from.uid), srcIP: predicted.from.ip, dstIP: predicted.dstIP, port: predicted.port, protocol: target.protocol });
    // Follow the endpoint the kernel chose, so route and policy are compared for the same pod.
    const dn = dnatOf(kernel.nodes.find((n) => n.node === predicted.from.node));
    if (dn) predicted = predictConnection(objs, from, target, { ...(plan ? { plan } : {}), follow: dn.split(':')[0]! });
  }
  const { hops, match } = compareTrace(predicted, kernel);
  const path = [predicted.from.ip, predicted.dstIP, ...(predicted.endpoint && predicted.endpoint.ip !== predicted.dstIP ? [predicted.endpoint.ip] : [])].filter(Boolean);
  const summary = `${from} → ${to}: predicted ${predicted.verdict}${kernel ? `, kernel ${kernelVerdict(kernel)}` : ''}${match === false ? ' — DIFFERENT' : ''}`;
  return { from, to, summary, path, hops, predicted, ...(kernel ? { kernel } : {}), ...(match !== undefined ? { match } : {}) };
}

const FLAGS: FlagSpecs = {
  name: { type: 'string', default: 'podnet', help: 'cluster name' },
  url: { type: 'string', help: 'observe URL (default: the cluster status file\'s "ui")' },
  from: { type: 'string', help: 'NS/POD the connection starts from' },
  to: { type: 'string', help: 'NAME|IP[:PORT[/PROTO]]' },
  output: { type: 'string', short: 'o', default: 'table', help: 'table | json' },
};

/** Prints the report; exits 0 when prediction and kernel agree, 1 when they differ or on error. */
export async function traceCommand(argv: readonly string[], io: CommandIO): Promise<number> {
  try {
    const { flags } = parseArgs(argv, FLAGS);
    if (typeof flags.from !== 'string' || typeof flags.to !== 'string') throw new UsageError('trace: --from NS/POD and --to NAME|IP[:PORT[/PROTO]] are required');
    if (flags.output !== 'table' && flags.output !== 'json') throw new UsageError(`trace: unknown output "${flags.output}": use table or json`);
    const base = typeof flags.url === 'string' ? flags.url : await observeURL(String(flags.name));
    const res = await fetch(new URL(`/api/trace?${new URLSearchParams({ from: flags.from, to: flags.to })}`, base));
    const body = (await res.json()) as TraceReport & { error?: string };
    if (res.status !== 200) {
      io.err(body.error ?? `trace: observe answered ${res.status}`);
      return 1;
    }
    if (flags.output === 'json') io.out(JSON.stringify(body, null, 2));
    else {
      io.out(body.summary);
      for (const l of formatTable([['HOP', 'PREDICTED', 'KERNEL', ''], ...body.hops.map((h) => [h.step, h.predicted, h.kernel ?? '-', h.differs ? '≠ DIFFERS' : ''])])) io.out(l);
    }
    return body.match === false ? 1 : 0;
  } catch (err) {
    io.err((err as Error).message);
    return err instanceof TraceError || err instanceof UsageError ? 2 : 1;
  }
}
