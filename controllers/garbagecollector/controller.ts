// The garbage collector: follows ownerReferences. Dependents whose owners are all gone are
// deleted (background); an owner being deleted with the `orphan` finalizer has its dependents'
// references removed, then the finalizer; with `foregroundDeletion` its dependents are deleted
// first, then the finalizer goes. (The apiserver adds those finalizers from propagationPolicy.)
import { resourceByKind } from '../../api/resources.js';
import type { KubeObject } from '../../api/types.js';
import { objectKey, splitKey } from '../../api/types.js';
import { R, type Informer, type ResourceRef } from '../../client/source.js';
import type { ControllerContext } from '../context.js';
import { newQueue, type Controller } from '../runner.js';

export const NAME = 'garbagecollector';

/** Kinds that own things in podnet, and kinds that are owned. */
const OWNERS: ResourceRef[] = [R.deployments, R.replicasets, R.statefulsets, R.daemonsets, R.services];
const DEPENDENTS: ResourceRef[] = [R.pods, R.replicasets, R.endpointslices];

const refId = (r: ResourceRef) => `${r.group}/${r.plural}`;

export function garbageCollector(ctx: ControllerContext): Controller {
  const queue = newQueue(NAME, ctx.clock, ctx.metrics);
  const owners = new Map<string, Informer<KubeObject>>();
  const dependents = new Map<string, Informer<KubeObject>>();
  const byUID = new Map<string, { obj: KubeObject; ref: ResourceRef }>();
  const depsOf = new Map<string, Set<string>>(); // owner uid → dependent queue keys
  for (const r of OWNERS) owners.set(refId(r), ctx.source.informer(r));
  for (const r of DEPENDENTS) dependents.set(refId(r), ctx.source.informer(r));

  const depKey = (r: ResourceRef, o: KubeObject) => `dep|${refId(r)}|${objectKey(o)}`;
  const ownerKey = (r: ResourceRef, o: KubeObject) => `own|${refId(r)}|${objectKey(o)}`;

  for (const r of OWNERS) {
    owners.get(refId(r))!.onChange((c) => {
      const uid = c.object.metadata?.uid ?? '';
      if (c.type === 'DELETED') {
        byUID.delete(uid);
        for (const k of depsOf.get(uid) ?? []) queue.add(k);
        return;
      }
      byUID.set(uid, { obj: c.object, ref: r });
      const fin = c.object.metadata?.finalizers ?? [];
      if (c.object.metadata?.deletionTimestamp && (fin.includes('orphan') || fin.includes('foregroundDeletion'))) queue.add(ownerKey(r, c.object));
    });
  }
  for (const r of DEPENDENTS) {
    dependents.get(refId(r))!.onChange((c) => {
      const key = depKey(r, c.object);
      const refs = c.object.metadata?.ownerReferences ?? [];
      for (const o of c.old?.metadata?.ownerReferences ?? []) depsOf.get(o.uid)?.delete(key);
      if (c.type === 'DELETED') {
        for (const o of refs) {
          depsOf.get(o.uid)?.delete(key);
          // A foreground-deleting owner may now be free of dependents.
          const owner = byUID.get(o.uid);
          if (owner?.obj.metadata?.deletionTimestamp) queue.add(ownerKey(owner.ref, owner.obj));
        }
        return;
      }
      for (const o of refs) {
        let s = depsOf.get(o.uid);
        if (!s) depsOf.set(o.uid, (s = new Set()));
        s.add(key);
      }
      if (refs.length) queue.add(key);
    });
  }

  /** Whether the owner a reference names still exists (the cache may lag, so ask the server). */
  const ownerExists = async (namespace: string | undefined, ref: { apiVersion: string; kind: string; name: string; uid: string }) => {
    if (byUID.has(ref.uid)) return true;
    const info = resourceByKind(ref.apiVersion, ref.kind);
    if (!info) return true; // an owner kind podnet does not know: never collect on a guess
    const live = await ctx.client.get<KubeObject>(info, info.namespaced ? namespace : undefined, ref.name);
    return !!live && live.metadata?.uid === ref.uid;
  };

  const reconcileDependent = async (ref: ResourceRef, namespace: string | undefined, name: string) => {
    const obj = dependents.get(refId(ref))!.get(namespace, name);
    const refs = obj?.metadata?.ownerReferences ?? [];
    if (!obj || refs.length === 0 || obj.metadata?.deletionTimestamp) return;
    const dangling: string[] = [];
    for (const o of refs) if (!(await ownerExists(namespace, o))) dangling.push(o.uid);
    if (dangling.length === 0) return;
    if (dangling.length === refs.length) {
      await ctx.client.delete(ref, namespace, name, { propagationPolicy: 'Background', preconditions: { uid: obj.metadata?.uid } });
      ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
      return;
    }
    await ctx.client.patch(ref, namespace, name, { metadata: { resourceVersion: obj.metadata?.resourceVersion, ownerReferences: refs.filter((o) => !dangling.includes(o.uid)) } }, 'merge');
    ctx.metrics.writes.inc({ controller: NAME, verb: 'patch' });
  };

  const dependentsOf = (uid: string) =>
    [...(depsOf.get(uid) ?? [])].flatMap((k) => {
      const [, rid, key] = k.split('|');
      const { namespace, name } = splitKey(key!);
      const obj = dependents.get(rid!)?.get(namespace, name);
      const ref = DEPENDENTS.find((r) => refId(r) === rid)!;
      return obj ? [{ ref, obj }] : [];
    });

  const removeFinalizer = async (ref: ResourceRef, owner: KubeObject, finalizer: string) => {
    const rest = (owner.metadata?.finalizers ?? []).filter((f) => f !== finalizer);
    await ctx.client.patch(ref, owner.metadata?.namespace, owner.metadata!.name!, { metadata: { resourceVersion: owner.metadata?.resourceVersion, finalizers: rest } }, 'merge');
    ctx.metrics.writes.inc({ controller: NAME, verb: 'finalize' });
  };

  const reconcileOwner = async (ref: ResourceRef, namespace: string | undefined, name: string) => {
    const owner = owners.get(refId(ref))!.get(namespace, name);
    if (!owner?.metadata?.deletionTimestamp) return;
    const uid = owner.metadata.uid!;
    const fin = owner.metadata.finalizers ?? [];
    const deps = dependentsOf(uid);
    if (fin.includes('orphan')) {
      for (const { ref: dr, obj } of deps) {
        const remaining = (obj.metadata?.ownerReferences ?? []).filter((o) => o.uid !== uid);
        await ctx.client.patch(dr, obj.metadata?.namespace, obj.metadata!.name!, { metadata: { resourceVersion: obj.metadata?.resourceVersion, ownerReferences: remaining } }, 'merge');
        ctx.metrics.writes.inc({ controller: NAME, verb: 'patch' });
      }
      await removeFinalizer(ref, owner, 'orphan');
      return;
    }
    if (fin.includes('foregroundDeletion')) {
      for (const { ref: dr, obj } of deps) {
        if (obj.metadata?.deletionTimestamp) continue;
        // Dependents that own things are deleted in the foreground too; leaves (pods) in the background,
        // since nothing would ever clear a foregroundDeletion finalizer on them.
        const policy = OWNERS.some((r) => refId(r) === refId(dr)) ? 'Foreground' : 'Background';
        await ctx.client.delete(dr, obj.metadata?.namespace, obj.metadata!.name!, { propagationPolicy: policy });
        ctx.metrics.writes.inc({ controller: NAME, verb: 'delete' });
      }
      // Dependents still going away: their DELETED events requeue this owner.
      if (deps.length === 0) await removeFinalizer(ref, owner, 'foregroundDeletion');
    }
  };

  const reconcile = async (key: string) => {
    const [kind, rid, rest] = key.split('|');
    const { namespace, name } = splitKey(rest!);
    const ref = [...OWNERS, ...DEPENDENTS].find((r) => refId(r) === rid)!;
    if (kind === 'dep') await reconcileDependent(ref, namespace, name);
    else await reconcileOwner(ref, namespace, name);
  };

  return {
    name: NAME,
    queue,
    reconcile,
    resync: () => {
      for (const r of DEPENDENTS) for (const o of dependents.get(refId(r))!.list()) if (o.metadata?.ownerReferences?.length) queue.add(depKey(r, o));
      for (const r of OWNERS) for (const o of owners.get(refId(r))!.list()) if (o.metadata?.deletionTimestamp) queue.add(ownerKey(r, o));
    },
  };
}
