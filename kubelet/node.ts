// The Node object the kubelet registers and keeps alive: addresses, labels, capacity, nodeInfo and
// a Ready condition whose lastHeartbeatTime moves every heartbeat.
import os from 'node:os';
import type { Node } from '../api/types.js';
import type { NodeNetworkLike } from './types.js';

export interface NodeOptions {
  readonly zone?: string;
  /** The first node carries the control-plane role label, as kind/kubeadm clusters do. */
  readonly controlPlane?: boolean;
  readonly kubeletVersion?: string;
  readonly maxPods?: number;
}

export const HEARTBEAT_MS = 10_000;

export function buildNode(n: NodeNetworkLike, o: NodeOptions, now: string, readySince: string): Node {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': n.name,
    'kubernetes.io/os': 'linux',
    'kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
    'beta.kubernetes.io/os': 'linux',
    'beta.kubernetes.io/arch': process.arch === 'x64' ? 'amd64' : process.arch,
  };
  if (o.zone) labels['topology.kubernetes.io/zone'] = o.zone;
  if (o.controlPlane) labels['node-role.kubernetes.io/control-plane'] = '';
  const capacity = { cpu: String(os.cpus().length), memory: `${Math.floor(os.totalmem() / 1024)}Ki`, pods: String(o.maxPods ?? 110), 'ephemeral-storage': '10Gi' };
  const version = o.kubeletVersion ?? 'v1.32.0-podnet';
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: n.name, labels, annotations: { 'podnet.dev/netns': n.netns } },
    spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
    status: {
      addresses: [
        { type: 'InternalIP', address: n.ip },
        { type: 'Hostname', address: n.name },
      ],
      capacity,
      allocatable: capacity,
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available', lastHeartbeatTime: now, lastTransitionTime: readySince },
        { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure', lastHeartbeatTime: now, lastTransitionTime: readySince },
        { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available', lastHeartbeatTime: now, lastTransitionTime: readySince },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: readySince },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: n.name,
        systemUUID: n.name,
        bootID: '',
        kernelVersion: os.release(),
        osImage: 'podnet (processes in network namespaces)',
        containerRuntimeVersion: 'podnet://0.1.0',
        kubeletVersion: version,
        kubeProxyVersion: version,
        operatingSystem: 'linux',
        architecture: process.arch === 'x64' ? 'amd64' : process.arch,
      },
    },
  };
}
