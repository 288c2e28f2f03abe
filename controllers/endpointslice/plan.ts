// Turning desired endpoint groups and the existing slices of one Service into the fewest writes:
// endpoints stay in the slice they are in when possible, new endpoints fill existing slices
// before new slices are created, and a slice is only rewritten when its content changed. Pure:
// the reconciler performs the returned create/update/delete lists.
import type { EndpointSlice, OwnerReference, Service } from '../../api/types.js';
import type { Endpoint } from '../../api/types.js';
import { groupKey, serviceFamilies, type EndpointGroup } from './endpoints.js';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const HEADLESS_LABEL = 'service.kubernetes.io/headless';

export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

function epKey(ep: Endpoint): string {
  return `${ep.addresses[0]}|${ep.targetRef?.uid ?? ''}`;
}

function canonical(eps: readonly Endpoint[]): string {
  return JSON.stringify([...eps].sort((a, b) => (epKey(a) < epKey(b) ? -1 : 1)));
}

/** Who writes the slices, and whom they belong to: the Service, or (mirroring) its Endpoints. */
export interface SliceOwner {
  managedBy: string;
  owner?: OwnerReference;
}

export function sliceLabels(svc: Service, managedBy = MANAGED_BY): Record<string, string> {
  const labels: Record<string, string> = {};
  // Upstream copies the Service's labels onto its slices (so selectors on them work), then sets its own.
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) labels[k] = v;
  labels[SERVICE_NAME_LABEL] = svc.metadata!.name!;
  labels[MANAGED_BY_LABEL] = managedBy;
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string>): boolean {
  const ka = Object.keys(a ?? {});
  return ka.length === Object.keys(b).length && ka.every((k) => a![k] === b[k]);
}

function newSlice(svc: Service, group: { addressType: string; ports: EndpointSlice['ports'] }, endpoints: Endpoint[], by?: SliceOwner): EndpointSlice {
  const owner: OwnerReference = by?.owner ?? { apiVersion: 'v1', kind: 'Service', name: svc.metadata!.name!, uid: svc.metadata!.uid ?? '', controller: true, blockOwnerDeletion: true };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { generateName: `${svc.metadata!.name}-`, namespace: svc.metadata!.namespace, labels: sliceLabels(svc, by?.managedBy), ownerReferences: [owner] },
    addressType: group.addressType,
    endpoints,
    ports: group.ports,
  };
}

export function planSlices(svc: Service, desired: readonly EndpointGroup[], existing: readonly EndpointSlice[], maxPerSlice: number, by?: SliceOwner): SlicePlan {
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const labels = sliceLabels(svc, by?.managedBy);
  const byGroup = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const k = groupKey(s.addressType, s.ports ?? []);
    const list = byGroup.get(k) ?? [];
    list.push(s);
    byGroup.set(k, list);
  }

  // A Service without endpoints keeps one empty "placeholder" slice, so readers see it is known.
  if (desired.length === 0) {
    const family = serviceFamilies(svc)[0] ?? 'IPv4';
    const keep = existing.find((s) => s.addressType === family && (s.ports ?? []).length === 0);
    for (const s of existing) if (s !== keep) plan.delete.push(s);
    if (!keep) plan.create.push(newSlice(svc, { addressType: family, ports: [] }, [], by));
    else if ((keep.endpoints ?? []).length > 0 || !sameLabels(keep.metadata?.labels, labels)) {
      plan.update.push({ ...keep, metadata: { ...keep.metadata, labels }, endpoints: [] });
    }
    return plan;
  }

  // Slices whose port list nobody wants any more can be rewritten for a new port list (one
  // update instead of a delete and a create); the address type of a slice is immutable.
  const wantedKeys = new Set(desired.map((g) => groupKey(g.addressType, g.ports)));
  const spare = [...byGroup].filter(([k]) => !wantedKeys.has(k)).flatMap(([, list]) => list);
  const recycled = new Set<EndpointSlice>();
  const usedGroups = new Set<string>();
  for (const group of desired) {
    const key = groupKey(group.addressType, group.ports);
    usedGroups.add(key);
    const want = new Map(group.endpoints.map((ep) => [epKey(ep), ep]));
    const slices = byGroup.get(key) ?? [];
    const kept: { slice: EndpointSlice; endpoints: Endpoint[]; changed: boolean }[] = [];
    // 1. Keep each still-wanted endpoint where it is (with its new conditions).
    for (const s of slices) {
      const eps: Endpoint[] = [];
      for (const ep of s.endpoints ?? []) {
        const k = epKey(ep);
        const next = want.get(k);
        if (next && eps.length < maxPerSlice) {
          eps.push(next);
          want.delete(k);
        }
      }
      kept.push({ slice: s, endpoints: eps, changed: canonical(eps) !== canonical(s.endpoints ?? []) || !sameLabels(s.metadata?.labels, labels) });
    }
    // 2. New endpoints go into slices that are already changing first (no extra writes), then
    //    into any slice with room, then into new slices.
    const rest = [...want.values()];
    kept.sort((a, b) => Number(b.changed) - Number(a.changed));
    for (const k of kept) {
      while (rest.length && k.endpoints.length < maxPerSlice && k.endpoints.length > 0) {
        k.endpoints.push(rest.shift()!);
        k.changed = true;
      }
    }
    for (const k of kept) {
      if (k.endpoints.length === 0 && rest.length) {
        while (rest.length && k.endpoints.length < maxPerSlice) k.endpoints.push(rest.shift()!);
        k.changed = true;
      }
    }
    for (const k of kept) {
      if (k.endpoints.length === 0) plan.delete.push(k.slice);
      else if (k.changed) plan.update.push({ ...k.slice, metadata: { ...k.slice.metadata, labels }, endpoints: k.endpoints });
    }
    while (rest.length) {
      const chunk = rest.splice(0, maxPerSlice);
      const reuse = spare.find((x) => !recycled.has(x) && x.addressType === group.addressType);
      if (reuse) {
        recycled.add(reuse);
        plan.update.push({ ...reuse, metadata: { ...reuse.metadata, labels }, ports: group.ports, endpoints: chunk });
      } else plan.create.push(newSlice(svc, group, chunk, by));
    }
  }
  for (const [key, slices] of byGroup) if (!usedGroups.has(key)) plan.delete.push(...slices.filter((x) => !recycled.has(x)));
  return plan;
}
