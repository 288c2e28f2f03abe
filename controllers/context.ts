// What every controller is built from: the client to write with, the informers to read,
import type { KubeObject } from '../api/types.js';
// the event recorder, the clock and the metrics.
import type { Clock } from '../client/clock.js';
import type { EventRecorder } from '../client/events.js';
import type { KubeClient } from '../client/rest.js';
import type { ObjectSource } from '../client/source.js';
import type { ControllerConfig } from './config.js';
import type { ControllerMetrics } from './metrics.js';

export interface ControllerContext {
  readonly client: KubeClient;
  readonly source: ObjectSource;
  readonly record: EventRecorder;
  readonly config: ControllerConfig;
  readonly clock: Clock;
  readonly metrics: ControllerMetrics;
}

/** A typed kind as the caches hold it (the typed interfaces lack KubeObject's index signature). */
export type K<T> = T & KubeObject;
