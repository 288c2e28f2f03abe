// observe's public surface, for the daemon (cli/) and other components.
export { startObserve, type Observe, type ObserveOptions } from './observe.js';
export { observeCommand, uiCommand, observeURL } from './cli.js';
export { traceCommand, traceConnection, compareTrace, type TraceReport, type Hop, type TraceDeps } from './trace.js';
export { predictConnection, type Prediction, type TraceObjects } from './predict.js';
export { FlowHub } from './hub.js';
export { OBSERVE_TABLE } from './capture.js';
export { startProber, DEFAULT_PROBE_INTERVAL_MS, type Prober, type ProberOptions, type ProbeResult } from './prober.js';
export { PROBE_PORT_FIRST, PROBE_PORT_LAST, isProbePort } from './probeplan.js';
export type * from './types.js';
