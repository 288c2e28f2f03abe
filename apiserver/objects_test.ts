import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../api/types.js';
import type { KV } from '../storage/types.js';
import { decodeKV, encodeObject, objectJSON } from './objects.js';

const kv = (value: Uint8Array, modRevision = 42): KV => ({ key: '/k', value, createRevision: 1, modRevision });
const text = (b: Uint8Array) => new TextDecoder().decode(b);

test('objectJSON gives the same object as decoding, with the revision as resourceVersion', () => {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: { ports: [{ port: 80 }] } },
    { spec: { template: { metadata: { name: 'inner' } } }, kind: 'Deployment', metadata: { name: 'd' }, apiVersion: 'apps/v1' },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: {}, data: { tricky: '{"apiVersion":"x","kind":"y","metadata":{' } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ünïcode', annotations: { 'a"b': 'c\\"d' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'stale', resourceVersion: '7' } },
  ];
  for (const obj of objects) {
    const stored = kv(encodeObject(obj));
    assert.deepEqual(JSON.parse(text(objectJSON(stored))), decodeKV(stored));
    assert.equal(JSON.parse(text(objectJSON(stored, 99))).metadata.resourceVersion, '99');
  }
});

test('values stored in another key order fall back to decoding', () => {
  const stored = kv(new TextEncoder().encode('{"metadata":{"name":"old"},"kind":"ConfigMap","apiVersion":"v1","data":{"metadata":{"x":1}}}'));
  const out = JSON.parse(text(objectJSON(stored)));
  assert.deepEqual(out, { metadata: { name: 'old', resourceVersion: '42' }, kind: 'ConfigMap', apiVersion: 'v1', data: { metadata: { x: 1 } } });
});
