// One PodStreams for the apiserver that dispatches to the kubelet of the pod's node, and the
// kubelets' usage reports gathered for metrics.k8s.io. Kubelets register as nodes come up; until
// then, streams for a pod on an unknown node fail clearly.
import type { Duplex, Readable } from 'node:stream';
import { PodnetError } from '../api/errors.js';
import type { ExecRequest, LogOptions, PodStreams } from '../apiserver/podstreams.js';
import type { NodeUsage } from '../apiserver/usage.js';

export class PodStreamRouter implements PodStreams {
  private readonly byNode = new Map<string, PodStreams>();
  private readonly usageByNode = new Map<string, () => Promise<NodeUsage>>();

  constructor(private readonly nodeOf: (namespace: string, pod: string) => string | undefined) {}

  register(node: string, streams: PodStreams, usage?: () => Promise<NodeUsage>): void {
    this.byNode.set(node, streams);
    if (usage) this.usageByNode.set(node, usage);
  }

  unregister(node: string): void {
    this.byNode.delete(node);
    this.usageByNode.delete(node);
  }

  /** Every registered node's usage report; a kubelet that fails to report is left out. */
  async usage(): Promise<NodeUsage[]> {
    const reports = await Promise.allSettled([...this.usageByNode.values()].map((f) => f()));
    return reports.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  }

  private route(namespace: string, pod: string): PodStreams {
    const node = this.nodeOf(namespace, pod);
    if (!node) throw new PodnetError('POD_NOT_SCHEDULED', `pod "${pod}" in namespace "${namespace}" is not running on any node yet`);
    const streams = this.byNode.get(node);
    if (!streams) throw new PodnetError('NODE_NOT_RUNNING', `the kubelet of node "${node}" is not running (is the data plane on? see \`podnet status\`)`);
    return streams;
  }

  logs(namespace: string, pod: string, opts: LogOptions, signal: AbortSignal): Promise<Readable> {
    return this.route(namespace, pod).logs(namespace, pod, opts, signal);
  }

  exec(req: ExecRequest): Promise<{ exitCode: number }> {
    return this.route(req.namespace, req.pod).exec(req);
  }

  portForward(namespace: string, pod: string, port: number, signal: AbortSignal): Promise<Duplex> {
    return this.route(namespace, pod).portForward(namespace, pod, port, signal);
  }
}
