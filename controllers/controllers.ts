// startControllers: the controller manager. Builds every enabled controller over one client and
// one source, waits for the caches to sync, then runs them.
import { realClock, type Clock } from '../client/clock.js';
import { eventRecorder } from '../client/events.js';
import type { KubeClient } from '../client/rest.js';
import type { ObjectSource } from '../client/source.js';
import { DEFAULT_CONFIG, type ControllerConfig, type ControllerName } from './config.js';
import type { ControllerContext } from './context.js';
import { deploymentController } from './deployment/controller.js';
import { loadBalancerController } from './loadbalancer/controller.js';
import { garbageCollector } from './garbagecollector/controller.js';
import { daemonSetController } from './daemonset/controller.js';
import { statefulSetController } from './statefulset/controller.js';
import { replicaSetController } from './replicaset/controller.js';
import { endpointsController } from './endpoints/controller.js';
import { endpointSliceMirroringController } from './endpointslice/mirroring.js';
import { endpointSliceController } from './endpointslice/controller.js';
import { ControllerMetrics } from './metrics.js';
import { nodeIpamController } from './nodeipam/controller.js';
import { runControllers, type Controller } from './runner.js';
import { schedulerController } from './scheduler/controller.js';

const FACTORIES: Partial<Record<ControllerName, (ctx: ControllerContext) => Controller>> = {
  deployment: deploymentController,
  replicaset: replicaSetController,
  statefulset: statefulSetController,
  daemonset: daemonSetController,
  garbagecollector: garbageCollector,
  loadbalancer: loadBalancerController,
  endpointslice: endpointSliceController,
  endpoints: endpointsController,
  endpointslicemirroring: endpointSliceMirroringController,
  scheduler: schedulerController,
  nodeipam: nodeIpamController,
};

export interface StartOptions {
  client: KubeClient;
  source: ObjectSource;
  config?: Partial<ControllerConfig>;
  clock?: Clock;
  /** Extra controllers to run alongside (the fake kubelet in tests). */
  extra?: (ctx: ControllerContext) => Controller[];
  log?: (msg: string) => void;
}

export interface ControllerManager {
  stop(): void;
  metrics(): Promise<string>;
  /** Resolves when all queues are drained and no reconcile runs (tests, benchmarks). */
  idle(): Promise<void>;
  readonly context: ControllerContext;
}

export async function startControllers(opts: StartOptions): Promise<ControllerManager> {
  const config: ControllerConfig = { ...DEFAULT_CONFIG, ...opts.config };
  const metrics = new ControllerMetrics();
  const ctx: ControllerContext = {
    client: opts.client,
    source: opts.source,
    record: eventRecorder(opts.client, 'podnet-controller-manager'),
    config,
    clock: opts.clock ?? realClock,
    metrics,
  };
  const enabled = config.enabled ?? (Object.keys(FACTORIES) as ControllerName[]);
  const controllers: Controller[] = [];
  for (const name of enabled) {
    const f = FACTORIES[name];
    if (f) controllers.push(f(ctx));
  }
  controllers.push(...(opts.extra?.(ctx) ?? []));
  // Informers were all created by the factories above, so this waits for every cache they read.
  await opts.source.start();
  const running = runControllers(controllers, { workers: config.workers, metrics, log: opts.log });
  return {
    stop: () => running.stop(),
    metrics: () => metrics.text(),
    idle: () => running.idle(),
    context: ctx,
  };
}
