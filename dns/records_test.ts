// planRecords is pure: objects in, zone-file lines out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseManifest } from '../api/manifest.js';
import type { EndpointSlice, Service } from '../api/types.js';
import { planRecords, type RecordMemo, type RecordOptions } from './records.js';
import { rrText } from './wire.js';

const OPTS: RecordOptions = { zones: ['cluster.local.'], ttl: 5, namespaces: [], endpointPodNames: false, ignoreEmptyService: false };

function plan(yaml: string, opts: Partial<RecordOptions> = {}): string[] {
  const objs = parseManifest(yaml).map((o) => o.object);
  const services = objs.filter((o) => o.kind === 'Service') as Service[];
  const slices = objs.filter((o) => o.kind === 'EndpointSlice') as unknown as EndpointSlice[];
  const table = planRecords({ services, slices }, { ...OPTS, ...opts });
  const lines: string[] = [];
  for (const byType of table.values()) for (const rrs of byType.values()) for (const rr of rrs) lines.push(rrText(rr));
  return lines.filter((l) => !/ (SOA|NS|TXT) /.test(l)).sort();
}

test('a dual-stack ClusterIP Service: A, AAAA, SRV per port and PTRs', () => {
  assert.deepEqual(
    plan(`
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {clusterIP: 10.96.0.12, clusterIPs: [10.96.0.12, "fd00::c"], ports: [{name: http, port: 80}, {port: 81}]}`),
    [
      '12.0.96.10.in-addr.arpa. 5 IN PTR web.shop.svc.cluster.local.',
      '_http._tcp.web.shop.svc.cluster.local. 5 IN SRV 0 100 80 web.shop.svc.cluster.local.',
      'c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.d.f.ip6.arpa. 5 IN PTR web.shop.svc.cluster.local.',
      'web.shop.svc.cluster.local. 5 IN A 10.96.0.12',
      'web.shop.svc.cluster.local. 5 IN AAAA fd00::c',
      'web.shop.svc.cluster.local. 5 IN SRV 0 100 80 web.shop.svc.cluster.local.',
      'web.shop.svc.cluster.local. 5 IN SRV 0 100 81 web.shop.svc.cluster.local.',
    ],
  );
});

const HEADLESS = `
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec: {clusterIP: None}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: db-1, namespace: shop, labels: {kubernetes.io/service-name: db}}
addressType: IPv4
endpoints:
  - {addresses: [10.244.0.5], hostname: db-0}
  - {addresses: [10.244.0.6], targetRef: {kind: Pod, name: db-pod}}
  - {addresses: [10.244.0.7], conditions: {ready: false}}
ports: [{name: pg, port: 5432}]`;

test('headless: ready endpoints only (nil ready counts as ready), hostname records, SRV weights split 100', () => {
  assert.deepEqual(plan(HEADLESS), [
    '5.0.244.10.in-addr.arpa. 5 IN PTR db-0.db.shop.svc.cluster.local.',
    '6.0.244.10.in-addr.arpa. 5 IN PTR 10-244-0-6.db.shop.svc.cluster.local.',
    '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 50 5432 10-244-0-6.db.shop.svc.cluster.local.',
    '_pg._tcp.db.shop.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db.shop.svc.cluster.local.',
    '10-244-0-6.db.shop.svc.cluster.local. 5 IN A 10.244.0.6',
    'db-0.db.shop.svc.cluster.local. 5 IN A 10.244.0.5',
    'db.shop.svc.cluster.local. 5 IN A 10.244.0.5',
    'db.shop.svc.cluster.local. 5 IN A 10.244.0.6',
    'db.shop.svc.cluster.local. 5 IN SRV 0 50 5432 10-244-0-6.db.shop.svc.cluster.local.',
    'db.shop.svc.cluster.local. 5 IN SRV 0 50 5432 db-0.db.shop.svc.cluster.local.',
  ].sort());
});

test('endpoint_pod_names names an endpoint without hostname after its pod', () => {
  assert.ok(plan(HEADLESS, { endpointPodNames: true }).includes('db-pod.db.shop.svc.cluster.local. 5 IN A 10.244.0.6'));
});

test('ExternalName is a CNAME; namespaces limits what is served; ignore empty_service drops endpoint-less ClusterIPs', () => {
  const yaml = `
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: a}
spec: {type: ExternalName, externalName: www.example.test.}
---
apiVersion: v1
kind: Service
metadata: {name: lonely, namespace: b}
spec: {clusterIP: 10.96.0.50}`;
  assert.deepEqual(plan(yaml), ['50.0.96.10.in-addr.arpa. 5 IN PTR lonely.b.svc.cluster.local.', 'ext.a.svc.cluster.local. 5 IN CNAME www.example.test.', 'lonely.b.svc.cluster.local. 5 IN A 10.96.0.50']);
  assert.deepEqual(plan(yaml, { namespaces: ['a'] }), ['ext.a.svc.cluster.local. 5 IN CNAME www.example.test.']);
  assert.deepEqual(plan(yaml, { ignoreEmptyService: true }), ['ext.a.svc.cluster.local. 5 IN CNAME www.example.test.']);
});

test('empty non-terminals exist so they answer NODATA', () => {
  const objs = parseManifest(HEADLESS).map((o) => o.object);
  const table = planRecords({ services: objs.filter((o) => o.kind === 'Service') as Service[], slices: objs.filter((o) => o.kind === 'EndpointSlice') as unknown as EndpointSlice[] }, OPTS);
  for (const n of ['shop.svc.cluster.local.', 'svc.cluster.local.', '_tcp.db.shop.svc.cluster.local.', '244.10.in-addr.arpa.']) assert.equal(table.get(n)?.size, 0, n);
});

test('re-planning with a memo gives the same table as planning from scratch, also after a change', () => {
  const objs = parseManifest(HEADLESS).map((o) => o.object);
  const services = objs.filter((o) => o.kind === 'Service') as Service[];
  const slices = objs.filter((o) => o.kind === 'EndpointSlice') as unknown as EndpointSlice[];
  const text = (t: ReturnType<typeof planRecords>) => [...t.values()].flatMap((m) => [...m.values()].flat().map(rrText)).sort();
  const memo: RecordMemo = new WeakMap();
  assert.deepEqual(text(planRecords({ services, slices }, OPTS, memo)), text(planRecords({ services, slices }, OPTS)));
  // A changed slice is a new object: the memo must not serve the old records.
  const changed = [{ ...slices[0]!, endpoints: [{ addresses: ['10.244.0.99'], hostname: 'db-9' }] }] as EndpointSlice[];
  const withMemo = text(planRecords({ services, slices: changed }, OPTS, memo));
  assert.deepEqual(withMemo, text(planRecords({ services, slices: changed }, OPTS)));
  assert.ok(withMemo.includes('db-9.db.shop.svc.cluster.local. 5 IN A 10.244.0.99'));
});
