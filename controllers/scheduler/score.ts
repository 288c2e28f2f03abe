// Choosing among feasible nodes: spread a workload's pods across zones first, then across
// nodes, then prefer the least-loaded node; ties go to the node name so the choice is stable.
import type { Node, Pod } from './types.js';
import { ZONE_LABEL } from '../podutil.js';

export interface Load {
  /** Pods already on each node. */
  podsOnNode: ReadonlyMap<string, number>;
  /** Pods of the same owner (or same labels when unowned) on each node. */
  peersOnNode: ReadonlyMap<string, number>;
}

export function pickNode(_pod: Pod, feasible: readonly Node[], load: Load): Node | undefined {
  const zoneOf = (n: Node) => n.metadata?.labels?.[ZONE_LABEL] ?? '';
  const peersInZone = new Map<string, number>();
  for (const n of feasible) {
    const z = zoneOf(n);
    peersInZone.set(z, (peersInZone.get(z) ?? 0) + (load.peersOnNode.get(n.metadata!.name!) ?? 0));
  }
  let best: Node | undefined;
  let bestScore: number[] = [];
  for (const n of feasible) {
    const name = n.metadata!.name!;
    const score = [peersInZone.get(zoneOf(n)) ?? 0, load.peersOnNode.get(name) ?? 0, load.podsOnNode.get(name) ?? 0];
    if (!best || lexLess(score, bestScore) || (lexEqual(score, bestScore) && name < best.metadata!.name!)) {
      best = n;
      bestScore = score;
    }
  }
  return best;
}

function lexLess(a: number[], b: number[]): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! < b[i]!;
  return false;
}
function lexEqual(a: number[], b: number[]): boolean {
  return a.every((x, i) => x === b[i]);
}
