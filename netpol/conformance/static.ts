// Evaluates a conformance step with the pure engine: the predicted table the live run must match.
import { decide, type Decision } from '../engine.js';
import { buildWorld, findPod, type World } from '../world.js';
import { fixture, KEYS, type Probe, type Step } from './fixture.js';

export function stepWorld(step: Step): World {
  const { namespaces, pods } = fixture(step);
  return buildWorld({ namespaces, pods, policies: step.policies });
}

export function predict(world: World, probe: Probe): Map<string, Decision> {
  const out = new Map<string, Decision>();
  for (const from of KEYS)
    for (const to of KEYS) out.set(`${from}->${to}`, decide(world, { pod: findPod(world, from)! }, { pod: findPod(world, to)! }, probe.protocol, probe.port));
  return out;
}

/** Cells where `got` differs from `want`, as "from->to want=allow got=deny" lines. */
export function diffCells(want: Map<string, boolean>, got: (cell: string) => boolean): string[] {
  const out: string[] = [];
  for (const [cell, w] of want) {
    const g = got(cell);
    if (g !== w) out.push(`${cell} want=${w ? 'allow' : 'deny'} got=${g ? 'allow' : 'deny'}`);
  }
  return out;
}
