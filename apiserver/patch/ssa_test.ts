import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { KubeObject } from '../../api/types.js';
import { PatchError, recordUpdateManager, serverSideApply } from './index.js';

const y = (s: string) => parse(s) as KubeObject;
const apply = (live: KubeObject | undefined, applied: KubeObject, manager = 'kubectl', force = false) =>
  serverSideApply(live, applied, { manager, force, kind: applied.kind ?? 'Service' });
const managers = (o: KubeObject) => (o.metadata?.managedFields ?? []).map((m) => `${m.manager}/${m.operation}`).sort();
const fieldsOf = (o: KubeObject, manager: string) => o.metadata?.managedFields?.find((m) => m.manager === manager)?.fieldsV1;
const strip = (o: KubeObject) => {
  const c = structuredClone(o) as any;
  delete c.metadata.managedFields;
  return c;
};

const svc = y(`
apiVersion: v1
kind: Service
metadata: {name: web, labels: {app: web}}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
  - {name: dns, port: 53, protocol: UDP}
`);

describe('serverSideApply', () => {
  it('creates the object when nothing is live and records the manager in FieldsV1 notation', () => {
    const { object, conflicts } = apply(undefined, svc);
    assert.deepEqual(conflicts, []);
    assert.deepEqual(strip(object), svc);
    const mf = object.metadata?.managedFields?.[0];
    assert.equal(mf?.manager, 'kubectl');
    assert.equal(mf?.operation, 'Apply');
    assert.equal(mf?.apiVersion, 'v1');
    assert.equal(mf?.fieldsType, 'FieldsV1');
    assert.match(String(mf?.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(mf?.fieldsV1, {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:ports': {
          'k:{"port":53,"protocol":"UDP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:protocol': {} },
          'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:name': {}, 'f:port': {}, 'f:targetPort': {} },
        },
        'f:selector': {},
      },
    });
  });

  it('removes a field the same manager applied before and omits now', () => {
    const first = apply(undefined, svc).object;
    const next = structuredClone(svc) as any;
    next.spec.ports = next.spec.ports.slice(0, 1);
    delete next.metadata.labels;
    const { object } = apply(first, next);
    assert.deepEqual((object as any).spec.ports, [{ name: 'http', port: 80, targetPort: 8080 }]);
    assert.equal(object.metadata?.labels, undefined);
  });

  it('keeps a field another manager also owns when the applier stops applying it', () => {
    const first = apply(undefined, svc).object;
    const labelled = apply(first, y('apiVersion: v1\nkind: Service\nmetadata: {name: web, labels: {app: web}}'), 'other').object;
    const next = structuredClone(svc) as any;
    delete next.metadata.labels;
    const { object } = apply(labelled, next);
    assert.deepEqual(object.metadata?.labels, { app: 'web' });
    assert.deepEqual(managers(object), ['kubectl/Apply', 'other/Apply']);
  });

  it('keeps server-set fields nobody applied (clusterIP, defaults)', () => {
    const live = structuredClone(apply(undefined, svc).object) as any;
    live.spec.clusterIP = '10.96.0.12';
    live.spec.ports[0].protocol = 'TCP';
    const { object } = apply(live, svc);
    assert.equal((object as any).spec.clusterIP, '10.96.0.12');
    assert.equal((object as any).spec.ports[0].protocol, 'TCP');
  });

  it('reports a conflict for a field another manager owns with a different value', () => {
    const deploy = y('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 2}');
    const created = recordUpdateManager(undefined, deploy, 'kubectl-client-side-apply');
    const { object, conflicts } = serverSideApply(created, y('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 3}'), {
      manager: 'kubectl',
      force: false,
      kind: 'Deployment',
    });
    assert.deepEqual(conflicts, [{ field: '.spec.replicas', manager: 'kubectl-client-side-apply' }]);
    assert.deepEqual(object, created, 'nothing changes while there are conflicts');
  });

  it('moves ownership on force, and shares it when the value is the same', () => {
    const deploy = y('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 2, paused: false}');
    const created = recordUpdateManager(undefined, deploy, 'kubectl-create');
    const forced = serverSideApply(created, y('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 5, paused: false}'), {
      manager: 'kubectl',
      force: true,
      kind: 'Deployment',
    });
    assert.deepEqual(forced.conflicts, []);
    assert.equal((forced.object as any).spec.replicas, 5);
    assert.deepEqual(fieldsOf(forced.object, 'kubectl-create'), { 'f:spec': { 'f:paused': {} } }, 'paused is shared, replicas moved');
    assert.deepEqual(fieldsOf(forced.object, 'kubectl'), { 'f:spec': { 'f:paused': {}, 'f:replicas': {} } });
  });

  it('names list-map items in conflicts the way the apiserver does', () => {
    const created = recordUpdateManager(undefined, svc, 'kubectl-create');
    const changed = structuredClone(svc) as any;
    changed.spec.ports[0].targetPort = 9090;
    const { conflicts } = apply(created, changed);
    assert.deepEqual(conflicts, [{ field: '.spec.ports[port=80,protocol="TCP"].targetPort', manager: 'kubectl-create' }]);
  });

  it('merges container lists by name and ports by containerPort+protocol', () => {
    const base = y(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {name: app, image: a, ports: [{containerPort: 80}]}
`);
    const live = apply(undefined, base, 'one').object;
    const second = y(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template:
    spec:
      containers:
      - {name: sidecar, image: s}
      - {name: app, ports: [{containerPort: 80, protocol: TCP, name: http}]}
`);
    const { object, conflicts } = serverSideApply(live, second, { manager: 'two', force: false, kind: 'Deployment' });
    assert.deepEqual(conflicts, []);
    assert.deepEqual((object as any).spec.template.spec.containers, [
      { name: 'sidecar', image: 's' },
      { name: 'app', image: 'a', ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }] },
    ]);
  });

  it('treats an object without managedFields as owned by before-first-apply', () => {
    const live = structuredClone(svc) as any;
    live.spec.selector = { app: 'old' };
    const { conflicts } = apply(live, svc);
    assert.deepEqual(conflicts, [{ field: '.spec.selector', manager: 'before-first-apply' }]);
  });

  it('ignores status in the applied configuration', () => {
    const applied = { ...svc, status: { loadBalancer: { ingress: [{ ip: '1.2.3.4' }] } } } as KubeObject;
    const { object } = apply(undefined, applied);
    assert.equal(object.status, undefined);
  });

  it('rejects list-map items without their key or with a duplicate key (400)', () => {
    const noName = y('apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{image: x}]}');
    assert.throws(() => serverSideApply(undefined, noName, { manager: 'm', force: false, kind: 'Pod' }), (e: unknown) => e instanceof PatchError && e.httpStatus === 400 && /omits its key field "name"/.test(e.message));
    const dup = y('apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec: {ports: [{port: 80}, {port: 80, protocol: TCP}]}');
    assert.throws(() => apply(undefined, dup), /two items with the key \{"port":80,"protocol":"TCP"\}/);
  });

  it('requires a field manager', () => {
    assert.throws(() => serverSideApply(undefined, svc, { manager: '', force: false, kind: 'Service' }), (e: unknown) => e instanceof PatchError && e.httpStatus === 400);
  });

  it('does not mutate live or applied', () => {
    const live = apply(undefined, svc).object;
    const liveCopy = structuredClone(live);
    const applied = structuredClone(svc);
    apply(live, { ...applied, spec: { ...(applied as any).spec, selector: { app: 'x' } } } as KubeObject);
    assert.deepEqual(live, liveCopy);
    assert.deepEqual(applied, svc);
  });
});

describe('recordUpdateManager', () => {
  it('gives a creating manager every field it set, except identity metadata', () => {
    const out = recordUpdateManager(undefined, svc, 'kubectl-create');
    assert.deepEqual(managers(out), ['kubectl-create/Update']);
    const f = fieldsOf(out, 'kubectl-create') as any;
    assert.deepEqual(Object.keys(f['f:metadata']), ['f:labels']);
    assert.ok(f['f:spec']['f:ports']['k:{"port":80,"protocol":"TCP"}']['f:targetPort']);
  });

  it('moves a changed field to the updater and drops fields that disappeared', () => {
    const created = recordUpdateManager(undefined, svc, 'kubectl-create');
    const next = structuredClone(created) as any;
    next.spec.selector = { app: 'new' };
    delete next.metadata.labels;
    const out = recordUpdateManager(created, next, 'kubectl-edit');
    assert.deepEqual(fieldsOf(out, 'kubectl-edit'), { 'f:spec': { 'f:selector': {} } });
    const creator = fieldsOf(out, 'kubectl-create') as any;
    assert.equal(creator['f:spec']['f:selector'], undefined);
    assert.equal(creator['f:metadata'], undefined);
  });

  it('takes managedFields the client supplied, as kubectl\'s client-side to server-side upgrade sends them', () => {
    const created = recordUpdateManager(undefined, svc, 'kubectl-client-side-apply');
    const upgraded = structuredClone(created) as any;
    upgraded.metadata.managedFields[0].manager = 'kubectl';
    upgraded.metadata.managedFields[0].operation = 'Apply';
    const out = recordUpdateManager(created, upgraded, 'kubectl');
    assert.deepEqual(managers(out), ['kubectl/Apply']);
  });

  it('leaves managedFields alone when an update changes nothing', () => {
    const created = recordUpdateManager(undefined, svc, 'kubectl-create');
    const out = recordUpdateManager(created, structuredClone(created), 'kubectl-edit');
    assert.deepEqual(out.metadata?.managedFields, created.metadata?.managedFields);
  });
});

describe('serverSideApply with operation "Update"', () => {
  it('merges like apply but records an Update entry and never conflicts', () => {
    const created = recordUpdateManager(undefined, svc, 'kubectl-create');
    const changed = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { selector: { app: 'other' } } } as KubeObject;
    const { object, conflicts } = serverSideApply(created, changed, { manager: 'controller', force: false, kind: 'Service', operation: 'Update' });
    assert.deepEqual(conflicts, []);
    assert.deepEqual((object as any).spec.selector, { app: 'other' });
    assert.deepEqual(managers(object), ['controller/Update', 'kubectl-create/Update']);
  });
});
