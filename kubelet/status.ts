// pod.status from what the kubelet knows about its containers: a pure function, so the phase and
// condition rules (the part kubectl users read) are tested without processes.
import type { core, Pod } from '../api/types.js';

export type RunState =
  | { readonly kind: 'waiting'; readonly reason: string; readonly message?: string }
  | { readonly kind: 'running'; readonly startedAt: string }
  | { readonly kind: 'terminated'; readonly exitCode: number; readonly signal?: number; readonly reason: string; readonly message?: string; readonly startedAt: string; readonly finishedAt: string };

export interface ContainerView {
  readonly name: string;
  readonly image: string;
  readonly state: RunState;
  readonly lastState?: RunState;
  readonly restartCount: number;
  readonly ready: boolean;
  readonly started: boolean;
  /** True while the container waits in back-off for its next start (it will run again). */
  readonly willRestart: boolean;
}

export interface PodView {
  readonly podIP?: string;
  readonly hostIP: string;
  readonly startTime: string;
  /** The network (sandbox) is up. */
  readonly sandboxReady: boolean;
  readonly initContainers: readonly ContainerView[];
  readonly containers: readonly ContainerView[];
  /** Debug containers added through the ephemeralcontainers subresource (`kubectl debug`). */
  readonly ephemeralContainers?: readonly ContainerView[];
  /** Every init container has succeeded. */
  readonly initialized: boolean;
}

function toState(s: RunState): core.ContainerState {
  if (s.kind === 'waiting') return { waiting: { reason: s.reason, ...(s.message ? { message: s.message } : {}) } };
  if (s.kind === 'running') return { running: { startedAt: s.startedAt } };
  return {
    terminated: {
      exitCode: s.exitCode,
      ...(s.signal ? { signal: s.signal } : {}),
      reason: s.reason,
      ...(s.message ? { message: s.message } : {}),
      startedAt: s.startedAt,
      finishedAt: s.finishedAt,
    },
  };
}

function toStatus(c: ContainerView): core.ContainerStatus {
  return {
    name: c.name,
    image: c.image,
    imageID: '',
    containerID: '',
    state: toState(c.state),
    lastState: c.lastState ? toState(c.lastState) : {},
    ready: c.ready,
    started: c.started,
    restartCount: c.restartCount,
  };
}

/** The phase as the kubelet computes it (getPhase). */
export function podPhase(restartPolicy: string, v: PodView): string {
  if (!v.initialized) {
    const failedInit = v.initContainers.some((c) => c.state.kind === 'terminated' && c.state.exitCode !== 0 && !c.willRestart);
    return failedInit ? 'Failed' : 'Pending';
  }
  let waiting = 0;
  let running = 0;
  let succeeded = 0;
  let failed = 0;
  for (const c of v.containers) {
    if (c.state.kind === 'running') running++;
    else if (c.state.kind === 'terminated') {
      if (c.willRestart) running++;
      else if (c.state.exitCode === 0) succeeded++;
      else failed++;
    } else if (c.lastState || c.restartCount > 0) running++; // restarting after having run
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (restartPolicy === 'Always') return 'Running';
  if (failed > 0) return 'Failed';
  return succeeded > 0 ? 'Succeeded' : 'Pending';
}

type Cond = core.PodCondition;

function cond(type: string, ok: boolean, now: string, prev: readonly Cond[], reason?: string): Cond {
  const status = ok ? 'True' : 'False';
  const old = prev.find((c) => c.type === type);
  const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : now;
  return { type, status, lastProbeTime: null as unknown as undefined, lastTransitionTime, ...(reason && !ok ? { reason } : {}) };
}

/** pod.status; `now` and the previous conditions keep lastTransitionTime stable when nothing changed. */
export function buildPodStatus(pod: Pod, v: PodView, now: string): core.PodStatus {
  const prev = pod.status?.conditions ?? [];
  const phase = podPhase(pod.spec?.restartPolicy ?? 'Always', v);
  const notReady = v.containers.filter((c) => !c.ready).map((c) => c.name);
  const done = phase === 'Succeeded' || phase === 'Failed';
  const readyReason = done ? 'PodCompleted' : 'ContainersNotReady';
  const allReady = notReady.length === 0 && !done;
  const conditions = [
    cond('PodReadyToStartContainers', v.sandboxReady, now, prev),
    cond('Initialized', v.initialized, now, prev, 'ContainersNotInitialized'),
    { ...cond('Ready', allReady, now, prev, readyReason), ...(allReady || done ? {} : { message: `containers with unready status: [${notReady.join(' ')}]` }) },
    { ...cond('ContainersReady', allReady, now, prev, readyReason), ...(allReady || done ? {} : { message: `containers with unready status: [${notReady.join(' ')}]` }) },
    cond('PodScheduled', true, now, prev),
  ];
  const status: core.PodStatus = {
    phase,
    conditions,
    hostIP: v.hostIP,
    hostIPs: [{ ip: v.hostIP }],
    startTime: v.startTime,
    qosClass: pod.status?.qosClass ?? 'BestEffort',
    containerStatuses: v.containers.map(toStatus),
  };
  if (v.initContainers.length) status.initContainerStatuses = v.initContainers.map(toStatus);
  if (v.ephemeralContainers?.length) status.ephemeralContainerStatuses = v.ephemeralContainers.map(toStatus);
  if (v.podIP) {
    status.podIP = v.podIP;
    status.podIPs = [{ ip: v.podIP }];
  }
  return status;
}
