// The policy matrix for the map: for every (source pod, destination pod) pair, may a connection on
// the destination's port pass? Computed by the netpol engine (the enforcer's own decision function),
// so a cell's explanation is the engine's reason text, and beside it what flows actually did.
import type { Namespace, NetworkPolicy, Pod } from '../api/types.js';
import { buildWorld, findPod } from '../netpol/world.js';
import { allows, decide, type Decision } from '../netpol/engine.js';
import type { Protocol } from '../netpol/model.js';

export interface PolicyMatrix {
  readonly pods: string[];
  readonly port: number;
  readonly protocol: Protocol;
  /** allowed[i][j]: pods[i] → pods[j]. */
  readonly allowed: boolean[][];
}

export interface MatrixInput {
  readonly pods: readonly Pod[];
  readonly namespaces: readonly Namespace[];
  readonly policies: readonly NetworkPolicy[];
}

/** Caps the matrix so that a 1,000-pod cluster does not build a million-cell answer. */
export const MATRIX_MAX_PODS = 60;

export function policyMatrix(input: MatrixInput, port: number, protocol: Protocol = 'TCP', namespace?: string): PolicyMatrix {
  const world = buildWorld(input);
  const pods = world.pods.filter((p) => p.ips.length > 0 && !p.hostNetwork && (!namespace || p.namespace === namespace)).slice(0, MATRIX_MAX_PODS);
  const allowed = pods.map((s) => pods.map((d) => allows(world, { pod: s }, { pod: d }, protocol, port)));
  return { pods: pods.map((p) => p.key), port, protocol, allowed };
}

export function explainPair(input: MatrixInput, from: string, to: string, port: number, protocol: Protocol = 'TCP'): Decision | undefined {
  const world = buildWorld(input);
  const s = findPod(world, from);
  const d = findPod(world, to);
  if (!s || !d) return undefined;
  return decide(world, { pod: s }, { pod: d }, protocol, port);
}
