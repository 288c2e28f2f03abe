// The OpenAPI v3 documents: every served kind has a schema, every reference resolves, and the
// PATCH operations stay without a request body (so kubectl keeps apply patches on its built-in types).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESOURCES, apiVersionOf } from '../api/resources.js';
import { openapiV3Document, openapiV3Index } from './openapi.js';

interface Doc {
  paths: Record<string, Record<string, { requestBody?: unknown; 'x-kubernetes-group-version-kind'?: unknown }>>;
  components: { schemas: Record<string, { 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[]; properties?: Record<string, unknown> }> };
}

function documents(): Map<string, Doc> {
  const index = openapiV3Index() as { paths: Record<string, { serverRelativeURL: string }> };
  const docs = new Map<string, Doc>();
  for (const path of Object.keys(index.paths)) docs.set(path, openapiV3Document(path) as Doc);
  return docs;
}

test('every served kind and its list have a schema with their group-version-kind in their group document', () => {
  const docs = documents();
  for (const info of RESOURCES) {
    const path = info.group ? `apis/${info.group}/${info.version}` : `api/${info.version}`;
    const doc = docs.get(path);
    assert.ok(doc, `no document for ${apiVersionOf(info)}`);
    for (const kind of [info.kind, `${info.kind}List`]) {
      const found: Doc['components']['schemas'][string][] = Object.values(doc.components.schemas).filter((s) => s['x-kubernetes-group-version-kind']?.some((g) => g.group === info.group && g.version === info.version && g.kind === kind));
      assert.equal(found.length, 1, `${apiVersionOf(info)} ${kind}: ${found.length} schemas`);
      for (const field of ['apiVersion', 'kind', 'metadata']) assert.ok(found[0]!.properties?.[field], `${kind} lacks ${field}`);
    }
  }
});

test('every $ref in a document names a schema of the same document', () => {
  for (const [path, doc] of documents()) {
    const refs = JSON.stringify(doc.components.schemas).match(/"#\/components\/schemas\/[^"]+"/g) ?? [];
    for (const ref of refs) {
      const name = ref.slice('"#/components/schemas/'.length, -1);
      assert.ok(doc.components.schemas[name], `${path}: ${name} is referenced but missing`);
    }
  }
});

test('a group document carries only its own kinds, plus what they reference', () => {
  const networking = documents().get('apis/networking.k8s.io/v1')!;
  const kinds = Object.values(networking.components.schemas).flatMap((s) => s['x-kubernetes-group-version-kind'] ?? []).map((g) => g.kind).sort();
  assert.deepEqual(kinds, ['Ingress', 'IngressClass', 'IngressClassList', 'IngressList', 'NetworkPolicy', 'NetworkPolicyList']);
  assert.ok(networking.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector']);
  assert.equal(networking.components.schemas['io.k8s.api.core.v1.PodSpec'], undefined);
});

test('PATCH operations declare no request body, so kubectl apply does not build patches from these schemas', () => {
  for (const [path, doc] of documents()) {
    for (const [route, ops] of Object.entries(doc.paths)) {
      if (ops['patch']) assert.equal(ops['patch'].requestBody, undefined, `${path} ${route}`);
    }
  }
});
