// planRoutes as a pure function: objects (as YAML) in, table + events + status updates out.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { EndpointSlice, Ingress, IngressClass, Secret, Service } from '../api/types.js';
import { planRoutes, type RouteInputs } from './compile.js';
import { lookup } from './table.js';

function inputs(yaml: string, extra: Partial<RouteInputs> = {}): RouteInputs {
  const objs = parseAllDocuments(yaml).map((d) => d.toJS() as { kind: string });
  const of = <T>(kind: string) => objs.filter((o) => o.kind === kind) as T[];
  return { ingresses: of<Ingress>('Ingress'), ingressClasses: of<IngressClass>('IngressClass'), services: of<Service>('Service'), slices: of<EndpointSlice>('EndpointSlice'), secrets: of<Secret>('Secret'), ...extra };
}

const OBJECTS = `
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: podnet, annotations: {ingressclass.kubernetes.io/is-default-class: "true"}}
spec: {controller: podnet.dev/ingress}
---
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec: {controller: k8s.io/ingress-nginx}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{name: http, port: 80, targetPort: 8080}]}
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: shop, labels: {kubernetes.io/service-name: web}}
addressType: IPv4
ports: [{name: http, port: 8080, protocol: TCP}]
endpoints:
  - addresses: [10.244.1.5]
    conditions: {ready: true}
  - addresses: [10.244.1.6]
    conditions: {ready: false, serving: true, terminating: true}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop, namespace: shop, annotations: {nginx.ingress.kubernetes.io/proxy-buffering: "on"}}
spec:
  rules:
    - host: shop.example
      http: {paths: [{path: /cart, pathType: Prefix, backend: {service: {name: web, port: {name: http}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: theirs, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
    - host: theirs.example
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: snippet, namespace: shop, annotations: {nginx.ingress.kubernetes.io/server-snippet: "return 200;"}}
spec:
  rules:
    - host: snippet.example
      http: {paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]}
`;

const facts = { method: 'GET', headers: {}, query: undefined };

test('our Ingresses compile to routes whose backend is the ready EndpointSlice endpoint', () => {
  const plan = planRoutes(inputs(OBJECTS));
  assert.deepEqual(plan.served, ['shop/shop']);
  const m = lookup(plan.table, 'shop.example', '/cart/items', facts);
  assert.equal(m?.route.owner.name, 'shop');
  assert.deepEqual(m?.route.backends[0]?.backend.endpoints.map((e) => e.key), ['10.244.1.5:8080']);
  assert.equal(lookup(plan.table, 'theirs.example', '/', facts), undefined);
  assert.equal(lookup(plan.table, 'snippet.example', '/', facts), undefined);
});

test('unknown annotations and snippets become Warning events naming the annotation', () => {
  const plan = planRoutes(inputs(OBJECTS));
  const events = plan.events.map((e) => `${e.object.metadata?.name} ${e.type} ${e.reason}`);
  assert.deepEqual(events.sort(), ['shop Warning UnsupportedAnnotation', 'snippet Warning SnippetRefused']);
  assert.match(plan.events.find((e) => e.reason === 'UnsupportedAnnotation')!.message, /"nginx.ingress.kubernetes.io\/proxy-buffering"/);
});

test('status updates are planned only for Ingresses we serve, and only when they differ', () => {
  const plan = planRoutes(inputs(OBJECTS, { statusAddresses: [{ ip: '172.18.255.200' }] }));
  assert.deepEqual(plan.ingressStatus.map((s) => s.ingress.metadata?.name), ['shop']);
  const settled = OBJECTS.replace('metadata: {name: shop, namespace: shop,', 'status: {loadBalancer: {ingress: [{ip: 172.18.255.200}]}}\nmetadata: {name: shop, namespace: shop,');
  const again = planRoutes(inputs(settled, { statusAddresses: [{ ip: '172.18.255.200' }] }));
  assert.deepEqual(again.ingressStatus, []);
});

test('when no endpoint is ready, serving and not terminating ones are used; terminating ones never', () => {
  const yaml = OBJECTS.replace('conditions: {ready: true}', 'conditions: {ready: false, serving: true}');
  const m = lookup(planRoutes(inputs(yaml)).table, 'shop.example', '/cart', facts);
  assert.deepEqual(m?.route.backends[0]?.backend.endpoints.map((e) => e.key), ['10.244.1.5:8080']);
});
