// The indexed set of objects decisions are made over: pods by namespace and by IP, namespaces by
// name, compiled policies by namespace, and a memo of which policies select which pod. Built once
// per snapshot (an analyzer run, an enforcer sync); read-only afterwards.
import type { Namespace, NetworkPolicy, Pod } from '../api/types.js';
import { matches } from '../api/labels.js';
import { errorMessage } from '../api/errors.js';
import { compilePolicy, type CompiledPolicy } from './compile.js';
import { isTerminal, namespaceView, podView, type Direction, type NamespaceView, type PodView } from './model.js';

export interface World {
  readonly namespaces: ReadonlyMap<string, NamespaceView>;
  readonly pods: readonly PodView[];
  readonly podsByNamespace: ReadonlyMap<string, readonly PodView[]>;
  readonly podByIP: ReadonlyMap<string, PodView>;
  readonly policies: readonly CompiledPolicy[];
  readonly policiesByNamespace: ReadonlyMap<string, readonly CompiledPolicy[]>;
  /** Policies that could not be compiled, with why (they are left out, and lint reports them). */
  readonly invalid: readonly { key: string; message: string }[];
  /** Memo: pod key → policies selecting it, per direction. */
  readonly selecting: Map<string, { Ingress: CompiledPolicy[]; Egress: CompiledPolicy[] }>;
}

export interface WorldInput {
  readonly pods: readonly (Pod | PodView)[];
  readonly namespaces?: readonly (Namespace | NamespaceView)[];
  readonly policies: readonly (NetworkPolicy | CompiledPolicy)[];
}

function isPodView(p: Pod | PodView): p is PodView {
  return typeof (p as PodView).key === 'string';
}

export function buildWorld(input: WorldInput): World {
  const namespaces = new Map<string, NamespaceView>();
  for (const ns of input.namespaces ?? []) {
    const v = 'labels' in ns && !('metadata' in ns) ? (ns as NamespaceView) : namespaceView(ns as Namespace);
    namespaces.set(v.name, v);
  }
  const pods: PodView[] = [];
  for (const p of input.pods) {
    if (!isPodView(p) && isTerminal(p)) continue;
    pods.push(isPodView(p) ? p : podView(p));
  }
  const podsByNamespace = new Map<string, PodView[]>();
  const podByIP = new Map<string, PodView>();
  for (const p of pods) {
    if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, namespaceView(p.namespace));
    let list = podsByNamespace.get(p.namespace);
    if (!list) podsByNamespace.set(p.namespace, (list = []));
    list.push(p);
    if (!p.hostNetwork) for (const ip of p.ips) podByIP.set(ip, p);
  }
  const policies: CompiledPolicy[] = [];
  const invalid: { key: string; message: string }[] = [];
  for (const np of input.policies) {
    if ('podSelector' in np && 'key' in np) {
      policies.push(np as CompiledPolicy);
      continue;
    }
    try {
      policies.push(compilePolicy(np as NetworkPolicy));
    } catch (e) {
      const m = (np as NetworkPolicy).metadata;
      invalid.push({ key: `${m?.namespace ?? 'default'}/${m?.name ?? ''}`, message: errorMessage(e) });
    }
  }
  const policiesByNamespace = new Map<string, CompiledPolicy[]>();
  for (const p of policies) {
    let list = policiesByNamespace.get(p.namespace);
    if (!list) policiesByNamespace.set(p.namespace, (list = []));
    list.push(p);
  }
  return { namespaces, pods, podsByNamespace, podByIP, policies, policiesByNamespace, invalid, selecting: new Map() };
}

/** Policies of the pod's namespace that select it and apply in `direction` (hostNetwork pods: none). */
export function selectingPolicies(world: World, pod: PodView, direction: Direction): readonly CompiledPolicy[] {
  let memo = world.selecting.get(pod.key);
  if (!memo) {
    memo = { Ingress: [], Egress: [] };
    if (!pod.hostNetwork) {
      for (const p of world.policiesByNamespace.get(pod.namespace) ?? []) {
        if (!matches(p.podSelector, pod.labels)) continue;
        if (p.ingress) memo.Ingress.push(p);
        if (p.egress) memo.Egress.push(p);
      }
    }
    world.selecting.set(pod.key, memo);
  }
  return memo[direction];
}

export function findPod(world: World, key: string): PodView | undefined {
  const i = key.indexOf('/');
  const ns = i < 0 ? 'default' : key.slice(0, i);
  const name = i < 0 ? key : key.slice(i + 1);
  return world.podsByNamespace.get(ns)?.find((p) => p.name === name);
}
