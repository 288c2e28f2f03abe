// The REST contract at the HTTP level, with the real registry on the memory store: Status errors
// as kubectl reads them, resourceVersion and watch semantics, admission (allocation, namespaces),
// deletion (finalizers, graceful pods) and the non-resource endpoints.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage } from '../storage/memory.js';
import { startApiServer, type ApiServer } from './server.js';

const TOKEN = 'unit-token';

interface Res {
  status: number;
  body: any;
  headers: Headers;
}

function client(base: string) {
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> => {
    const res = await fetch(base + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // not JSON (health, metrics)
    }
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

/** Reads watch events line by line until `until` returns true for the collected events. */
async function watchEvents(base: string, path: string, until: (events: any[]) => boolean, during?: () => Promise<void>): Promise<any[]> {
  const ac = new AbortController();
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${TOKEN}` }, signal: ac.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.getReader();
  const events: any[] = [];
  let buf = '';
  let started = false;
  try {
    for (;;) {
      if (!started && during) {
        started = true;
        void during();
      }
      const { value, done } = await reader.read();
      if (done) break;
      buf += new TextDecoder().decode(value);
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)));
        buf = buf.slice(nl + 1);
      }
      if (until(events)) break;
    }
  } finally {
    ac.abort();
  }
  return events;
}

const svc = (name: string, spec: object = {}) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }], selector: { app: name }, ...spec } });

describe('apiserver REST', () => {
  let api: ApiServer;
  let storage: MemoryStorage;
  let call: ReturnType<typeof client>;
  before(async () => {
    storage = new MemoryStorage({ historySize: 50 });
    api = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, token: TOKEN, bookmarkIntervalMs: 50 });
    call = client(api.url);
  });
  after(async () => {
    await api.close();
    await storage.close();
  });

  test('requests without the bearer token get a 401 Status; health and version stay public', async () => {
    const res = await fetch(api.url + '/api/v1/namespaces');
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as any).reason, 'Unauthorized');
    for (const p of ['/healthz', '/readyz', '/livez']) assert.equal(await (await fetch(api.url + p)).text(), 'ok');
    assert.equal(((await (await fetch(api.url + '/version')).json()) as any).major, '1');
  });

  test('default namespaces and the kubernetes Service exist at start', async () => {
    const ns = await call('GET', '/api/v1/namespaces');
    assert.deepEqual(ns.body.items.map((n: any) => n.metadata.name).sort(), ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.equal(ns.body.items[0].metadata.labels['kubernetes.io/metadata.name'], ns.body.items[0].metadata.name);
    const k = await call('GET', '/api/v1/namespaces/default/services/kubernetes');
    assert.equal(k.body.spec.clusterIP, '10.96.0.1');
    assert.equal(k.body.spec.ports[0].port, 443);
  });

  test('aggregated discovery answers in the version asked for, with the exact content type', async () => {
    const res = await call('GET', '/apis', undefined, { accept: 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json' });
    assert.equal(res.headers.get('content-type'), 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList');
    const apps = res.body.items.find((g: any) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.deepEqual(deploy.shortNames, ['deploy']);
    assert.deepEqual(deploy.categories, ['all']);
    assert.ok(deploy.subresources.some((s: any) => s.subresource === 'scale'));
    const legacy = await call('GET', '/api/v1');
    assert.ok(legacy.body.resources.some((r: any) => r.name === 'pods/log'));
  });

  test('create fills in uid, creationTimestamp, generation and resourceVersion; generateName gets a suffix', async () => {
    const res = await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { generateName: 'cfg-' }, data: { a: '1' } });
    assert.equal(res.status, 201);
    assert.match(res.body.metadata.name, /^cfg-[a-z0-9]{5}$/);
    assert.equal(res.body.kind, 'ConfigMap');
    assert.equal(res.body.metadata.generation, 1);
    assert.match(res.body.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(res.body.metadata.resourceVersion, String(await storage.currentRevision()));
  });

  test('errors are Status objects with the reason, details and wording kubectl prints', async () => {
    const missing = await call('GET', '/apis/apps/v1/namespaces/default/deployments/api');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'deployments.apps "api" not found');
    assert.deepEqual(missing.body.details, { name: 'api', group: 'apps', kind: 'deployments' });
    await call('POST', '/api/v1/namespaces/default/services', svc('dup'));
    const dup = await call('POST', '/api/v1/namespaces/default/services', svc('dup'));
    assert.equal(dup.status, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    const bad = await call('POST', '/api/v1/namespaces/default/services', svc('bad', { ports: [{ port: 0, targetPort: 80 }] }));
    assert.equal(bad.status, 422);
    assert.equal(bad.body.details.kind, 'Service');
    assert.deepEqual(bad.body.details.causes.map((c: any) => c.field), ['spec.ports[0].port']);
    const garbage = await call('POST', '/api/v1/namespaces/default/services', '{not json');
    assert.equal(garbage.status, 400);
    const wrongType = await call('POST', '/api/v1/namespaces/default/services', 'x', { 'content-type': 'text/plain' });
    assert.equal(wrongType.status, 415);
    const tooBig = await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'big' }, data: { a: 'x'.repeat(3 * 1024 * 1024 + 1) } });
    assert.equal(tooBig.status, 413);
    const method = await call('PUT', '/api/v1/namespaces/default/configmaps');
    assert.equal(method.status, 405);
    const selector = await call('GET', '/api/v1/pods?labelSelector=a%20in%20(');
    assert.equal(selector.status, 400);
    const field = await call('GET', '/api/v1/pods?fieldSelector=spec.bogus%3Dx');
    assert.equal(field.status, 400);
  });

  test('creating in a missing namespace is a 404 for the namespace', async () => {
    const res = await call('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    assert.equal(res.status, 404);
    assert.equal(res.body.message, 'namespaces "nowhere" not found');
  });

  test('a stale resourceVersion on update is a 409 Conflict; a spec change bumps generation, a label change does not', async () => {
    const created = (await call('POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'gen' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } })).body;
    const labelled = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { metadata: { labels: { x: 'y' } } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(labelled.body.metadata.generation, 1);
    const scaled = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/gen', { spec: { replicas: 4 } }, { 'content-type': 'application/strategic-merge-patch+json' });
    assert.equal(scaled.body.metadata.generation, 2);
    const stale = await call('PUT', '/apis/apps/v1/namespaces/default/deployments/gen', created);
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    const scale = await call('GET', '/apis/apps/v1/namespaces/default/deployments/gen/scale');
    assert.equal(scale.body.kind, 'Scale');
    assert.equal(scale.body.spec.replicas, 4);
  });

  test('the status subresource changes only status, the main resource never changes status', async () => {
    await call('POST', '/apis/apps/v1/namespaces/default/deployments', { metadata: { name: 'st' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
    const viaMain = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/st', { status: { replicas: 9 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(viaMain.body.status?.replicas, undefined);
    const viaStatus = await call('PATCH', '/apis/apps/v1/namespaces/default/deployments/st/status', { status: { replicas: 9 }, spec: { replicas: 7 } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal(viaStatus.body.status.replicas, 9);
    assert.equal(viaStatus.body.spec.replicas, 1);
  });

  test('dryRun=All validates and answers without storing', async () => {
    const res = await call('POST', '/api/v1/namespaces/default/configmaps?dryRun=All', { metadata: { name: 'dry' } });
    assert.equal(res.status, 201);
    assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/dry')).status, 404);
  });

  test('ClusterIPs are allocated, requested ones honoured or refused with the field, NodePorts likewise', async () => {
    const a = (await call('POST', '/api/v1/namespaces/default/services', svc('alloc-a'))).body;
    assert.match(a.spec.clusterIP, /^10\.9[6-9]\.|^10\.1[01][0-9]\./);
    assert.notEqual(a.spec.clusterIP, '10.96.0.10');
    const dns = await call('POST', '/api/v1/namespaces/default/services', svc('dns', { clusterIP: '10.96.0.10' }));
    assert.equal(dns.body.spec.clusterIP, '10.96.0.10');
    const taken = await call('POST', '/api/v1/namespaces/default/services', svc('taken', { clusterIP: '10.96.0.10' }));
    assert.equal(taken.status, 422);
    assert.equal(taken.body.details.causes[0].field, 'spec.clusterIPs');
    assert.match(taken.body.message, /provided IP is already allocated/);
    const outside = await call('POST', '/api/v1/namespaces/default/services', svc('outside', { clusterIP: '192.168.0.1' }));
    assert.equal(outside.status, 422);
    const headless = (await call('POST', '/api/v1/namespaces/default/services', svc('headless', { clusterIP: 'None' }))).body;
    assert.equal(headless.spec.clusterIP, 'None');
    const np = (await call('POST', '/api/v1/namespaces/default/services', svc('np', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).body;
    assert.equal(np.spec.ports[0].nodePort, 30080);
    const npClash = await call('POST', '/api/v1/namespaces/default/services', svc('np2', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }));
    assert.equal(npClash.status, 422);
    assert.equal(npClash.body.details.causes[0].field, 'spec.ports[0].nodePort');
    const lb = (await call('POST', '/api/v1/namespaces/default/services', svc('lb', { type: 'LoadBalancer', externalTrafficPolicy: 'Local' }))).body;
    assert.ok(lb.spec.ports[0].nodePort >= 30000 && lb.spec.ports[0].nodePort <= 32767);
    assert.ok(lb.spec.healthCheckNodePort >= 30000);
    const noNP = (await call('POST', '/api/v1/namespaces/default/services', svc('lb2', { type: 'LoadBalancer', allocateLoadBalancerNodePorts: false }))).body;
    assert.equal(noNP.spec.ports[0].nodePort, undefined);
    const ext = (await call('POST', '/api/v1/namespaces/default/services', { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'example.com' } })).body;
    assert.equal(ext.spec.clusterIP, undefined);
    // Released on delete: the port can be taken again.
    assert.equal((await call('DELETE', '/api/v1/namespaces/default/services/np')).status, 200);
    assert.equal((await call('POST', '/api/v1/namespaces/default/services', svc('np3', { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] }))).status, 201);
  });

  test('allocations survive a restart: a new server on the same store refuses taken addresses', async () => {
    const again = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
    try {
      const res = await client(again.url)('POST', '/api/v1/namespaces/default/services', svc('after-restart', { clusterIP: '10.96.0.10' }));
      assert.equal(res.status, 422);
    } finally {
      await again.close();
    }
  });

  test('finalizers hold a deleted object with a deletionTimestamp until they are removed', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await call('DELETE', '/api/v1/namespaces/default/configmaps/fin', { propagationPolicy: 'Foreground' });
    assert.equal(del.status, 200);
    const held = (await call('GET', '/api/v1/namespaces/default/configmaps/fin')).body;
    assert.ok(held.metadata.deletionTimestamp);
    assert.deepEqual(held.metadata.finalizers.sort(), ['example.com/hold', 'foregroundDeletion']);
    await call('PATCH', '/api/v1/namespaces/default/configmaps/fin', { metadata: { finalizers: null } }, { 'content-type': 'application/merge-patch+json' });
    assert.equal((await call('GET', '/api/v1/namespaces/default/configmaps/fin')).status, 404);
  });

  test('a pod on a node is deleted gracefully: marked first, removed when the kubelet deletes with grace 0', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'bound' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] } });
    await call('DELETE', '/api/v1/namespaces/default/pods/bound');
    const marked = (await call('GET', '/api/v1/namespaces/default/pods/bound')).body;
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 30);
    await call('DELETE', '/api/v1/namespaces/default/pods/bound?gracePeriodSeconds=0');
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/bound')).status, 404);
  });

  test('deleting a namespace marks it Terminating, empties it and then removes it', async () => {
    await call('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await call('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'c' } });
    const events = await watchEvents(
      api.url,
      '/api/v1/namespaces?watch=true&fieldSelector=metadata.name%3Ddoomed',
      (evs) => evs.some((e) => e.type === 'DELETED'),
      async () => {
        const del = await call('DELETE', '/api/v1/namespaces/doomed');
        assert.equal(del.body.status.phase, 'Terminating');
      },
    );
    assert.ok(events.some((e) => e.type === 'MODIFIED' && e.object.status.phase === 'Terminating'));
    assert.equal((await call('GET', '/api/v1/namespaces/doomed/configmaps/c')).status, 404);
  });

  test('list filters by label and field selectors and pages with limit/continue', async () => {
    for (const n of ['p1', 'p2', 'p3']) await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: `page-${n}`, labels: { page: 'yes', n } } });
    const one = await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes,n%3Dp2');
    assert.deepEqual(one.body.items.map((i: any) => i.metadata.name), ['page-p2']);
    const byName = await call('GET', '/api/v1/configmaps?fieldSelector=metadata.name%3Dpage-p3');
    assert.deepEqual(byName.body.items.map((i: any) => i.metadata.name), ['page-p3']);
    const first = await call('GET', '/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=2');
    assert.ok(first.body.metadata.continue);
    const rest = await call('GET', `/api/v1/namespaces/default/configmaps?labelSelector=page%3Dyes&limit=2&continue=${first.body.metadata.continue}`);
    const names = [...first.body.items, ...rest.body.items].map((i: any) => i.metadata.name);
    assert.deepEqual(names, ['page-p1', 'page-p2', 'page-p3']);
  });

  test('watch from "0" replays existing objects as ADDED, then streams changes', async () => {
    await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'w1', labels: { watch: 'me' } } });
    const events = await watchEvents(
      api.url,
      '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&labelSelector=watch%3Dme',
      (evs) => evs.length >= 3,
      async () => {
        await call('PATCH', '/api/v1/namespaces/default/configmaps/w1', { data: { a: 'b' } }, { 'content-type': 'application/merge-patch+json' });
        await call('DELETE', '/api/v1/namespaces/default/configmaps/w1');
      },
    );
    assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
    assert.equal(events[1].object.data.a, 'b');
  });

  test('a watch without selectors and one with a selector send the same objects that GET shows', async () => {
    const rv = (await call('GET', '/api/v1/namespaces/default/configmaps?limit=1')).body.metadata.resourceVersion;
    const got: Record<string, any> = {};
    const plain = watchEvents(api.url, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`, (evs) => evs.length >= 3);
    const selected = watchEvents(api.url, `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&labelSelector=same%3Dyes`, (evs) => evs.length >= 3);
    await new Promise((r) => setImmediate(r));
    await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'same', labels: { same: 'yes' } }, data: { k: 'ü"' } });
    got.created = (await call('GET', '/api/v1/namespaces/default/configmaps/same')).body;
    got.modified = (await call('PATCH', '/api/v1/namespaces/default/configmaps/same', { data: { k: 'v2' } }, { 'content-type': 'application/merge-patch+json' })).body;
    const del = await call('DELETE', '/api/v1/namespaces/default/configmaps/same');
    assert.equal(del.status, 200);
    for (const events of [await plain, await selected]) {
      assert.deepEqual(events.map((e) => e.type), ['ADDED', 'MODIFIED', 'DELETED']);
      assert.deepEqual(events[0].object, got.created);
      assert.deepEqual(events[1].object, got.modified);
      assert.equal(events[2].object.metadata.name, 'same');
      assert.ok(Number(events[2].object.metadata.resourceVersion) > Number(got.modified.metadata.resourceVersion));
    }
  });

  test('watch from a resourceVersion sees only later changes; a compacted one gets a 410 Expired ERROR event', async () => {
    const made = (await call('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'w2' } })).body;
    const events = await watchEvents(
      api.url,
      `/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${made.metadata.resourceVersion}&fieldSelector=metadata.name%3Dw2`,
      (evs) => evs.length >= 1,
      async () => {
        await call('PATCH', '/api/v1/namespaces/default/configmaps/w2', { data: { x: '1' } }, { 'content-type': 'application/merge-patch+json' });
      },
    );
    assert.deepEqual(events.map((e) => e.type), ['MODIFIED']);
    await storage.compact(await storage.currentRevision());
    const expired = await watchEvents(api.url, '/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=1', (evs) => evs.length >= 1);
    assert.equal(expired[0].type, 'ERROR');
    assert.equal(expired[0].object.code, 410);
    assert.equal(expired[0].object.reason, 'Expired');
  });

  test('watch sends BOOKMARK events only when allowWatchBookmarks is set', async () => {
    const rv = String(await storage.currentRevision());
    const events = await watchEvents(api.url, `/api/v1/namespaces/default/secrets?watch=true&resourceVersion=${rv}&allowWatchBookmarks=true`, (evs) => evs.length >= 1);
    assert.equal(events[0].type, 'BOOKMARK');
    assert.ok(Number(events[0].object.metadata.resourceVersion) >= Number(rv));
  });

  test('Tables carry the kind’s columns, one row per object, with partial metadata', async () => {
    const res = await call('GET', '/api/v1/namespaces/default/services', undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' });
    assert.equal(res.body.kind, 'Table');
    assert.deepEqual(res.body.columnDefinitions.map((c: any) => c.name), ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']);
    const row = res.body.rows.find((r: any) => r.cells[0] === 'kubernetes');
    assert.deepEqual(row.cells.slice(0, 5), ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP']);
    assert.equal(row.object.kind, 'PartialObjectMetadata');
  });

  test('server-side apply needs a fieldManager, creates with 201 and updates with 200', async () => {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ssa' }, data: { a: '1' } };
    const noManager = await call('PATCH', '/api/v1/namespaces/default/configmaps/ssa', cm, { 'content-type': 'application/apply-patch+yaml' });
    assert.equal(noManager.status, 400);
    const created = await call('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=me', cm, { 'content-type': 'application/apply-patch+yaml' });
    assert.equal(created.status, 201);
    const updated = await call('PATCH', '/api/v1/namespaces/default/configmaps/ssa?fieldManager=me', { ...cm, data: { a: '2' } }, { 'content-type': 'application/apply-patch+yaml' });
    assert.equal(updated.status, 200);
    assert.equal(updated.body.data.a, '2');
  });

  test('pods/binding assigns the node once; a second binding is a 409', async () => {
    await call('POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'tobind' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    const bind = await call('POST', '/api/v1/namespaces/default/pods/tobind/binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'tobind' }, target: { kind: 'Node', name: 'n2' } });
    assert.equal(bind.status, 201);
    assert.equal((await call('GET', '/api/v1/namespaces/default/pods/tobind')).body.spec.nodeName, 'n2');
    const again = await call('POST', '/api/v1/namespaces/default/pods/tobind/binding', { target: { name: 'n3' } });
    assert.equal(again.status, 409);
  });

  test('a watch ends by itself after timeoutSeconds', async () => {
    const res = await fetch(api.url + '/api/v1/namespaces/default/secrets?watch=true&timeoutSeconds=1', { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '');
  });

  test('malformed input never takes the server down', async () => {
    assert.equal((await call('GET', '/api/v1/namespaces/%E0%A4%A/configmaps')).status, 400);
    assert.equal((await call('PATCH', '/api/v1/namespaces/default/services/kubernetes', [{ op: 'bogus', path: '/x' }], { 'content-type': 'application/json-patch+json' })).status >= 400, true);
    assert.equal((await call('PATCH', '/api/v1/namespaces/default/services/kubernetes', '[1,2]', { 'content-type': 'application/merge-patch+json' })).status, 400);
    assert.equal((await call('PUT', '/apis/apps/v1/namespaces/default/deployments/gen/scale', { spec: { replicas: -1 } })).status, 400);
    assert.equal((await call('POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } })).status, 400);
    assert.equal((await call('GET', '/healthz')).status, 200);
  });

  test('metrics count requests by verb, resource and code', async () => {
    await call('GET', '/api/v1/namespaces/default/configmaps/nope');
    const text = api.metrics();
    assert.match(text, /apiserver_request_total\{verb="get",resource="configmaps",code="404"\} \d+/);
    assert.match(text, /apiserver_request_duration_seconds_bucket\{verb="list",resource="namespaces",le="\+Inf"\} \d+/);
    assert.match(text, /apiserver_registered_watchers\{resource="configmaps"\} \d+/);
  });
});

test('the apiserver also answers on its unix socket, with the same token rule', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pn-apisock-'));
  const storage = new MemoryStorage();
  const socketPath = join(dir, 'api.sock');
  const api = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, unixSocket: socketPath, token: TOKEN });
  try {
    const get = (path: string, auth: boolean) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request({ socketPath, path, headers: auth ? { authorization: `Bearer ${TOKEN}` } : {} }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        req.end();
      });
    assert.equal((await get('/api/v1/namespaces/default', false)).status, 401);
    const ok = await get('/api/v1/namespaces/default', true);
    assert.equal(ok.status, 200);
    assert.equal(JSON.parse(ok.body).metadata.name, 'default');
  } finally {
    await api.close();
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
