// Errors raised by field selectors, the patch engines and the protobuf decoder reach the client with the HTTP status
// they carry (400 unreadable, 422 not applicable, 415 no schema), not a blanket 422 or 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { MemoryStorage } from '../storage/memory.js';
import { startApiServer, type ApiServer } from './server.js';

const TOKEN = 'errors-token';

/** A length-delimited protobuf field (wire type 2). */
function field(n: number, bytes: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([(n << 3) | 2, bytes.length]), bytes]);
}

/** "k8s\0" + runtime.Unknown{typeMeta{apiVersion, kind}, raw}, the envelope kubectl 1.32+ sends. */
function protobufBody(apiVersion: string, kind: string, raw = new Uint8Array()): Buffer {
  const typeMeta = Buffer.concat([field(1, Buffer.from(apiVersion)), field(2, Buffer.from(kind))]);
  return Buffer.concat([Buffer.from('k8s\0', 'latin1'), field(1, typeMeta), field(2, raw)]);
}

describe('error statuses from the patch and protobuf decoders', () => {
  let storage: MemoryStorage;
  let api: ApiServer;
  const call = async (method: string, path: string, body: string | Buffer, contentType: string) => {
    const res = await fetch(api.url + path, { method, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': contentType }, body });
    return { status: res.status, body: (await res.json()) as { reason: string; code: number; message: string } };
  };
  before(async () => {
    storage = new MemoryStorage();
    api = await startApiServer({ storage, listen: { host: '127.0.0.1', port: 0 }, token: TOKEN });
    const made = await call('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify({ metadata: { name: 'c' }, data: { a: '1' } }), 'application/json');
    assert.equal(made.status, 201);
  });
  after(async () => {
    await api?.close();
    await storage?.close();
  });

  test('a field selector on a field the kind does not support is 400 with upstream wording and no prefix', async () => {
    const res = await fetch(`${api.url}/api/v1/pods?fieldSelector=spec.clusterIP%3D1`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as { reason: string; message: string };
    assert.equal(res.status, 400);
    assert.equal(body.reason, 'BadRequest');
    assert.equal(body.message, 'field label not supported: spec.clusterIP');
  });

  test('a JSON patch with an unknown operation is 400 BadRequest', async () => {
    const r = await call('PATCH', '/api/v1/namespaces/default/configmaps/c', JSON.stringify([{ op: 'frobnicate', path: '/data/a' }]), 'application/json-patch+json');
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'BadRequest');
    assert.equal(r.body.code, 400);
  });

  test('a JSON patch whose test operation fails is 422 Invalid', async () => {
    const r = await call('PATCH', '/api/v1/namespaces/default/configmaps/c', JSON.stringify([{ op: 'test', path: '/data/a', value: '2' }]), 'application/json-patch+json');
    assert.equal(r.status, 422);
    assert.equal(r.body.reason, 'Invalid');
  });

  test('a protobuf body without the k8s magic is 400 BadRequest', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/configmaps', Buffer.from('not protobuf'), 'application/vnd.kubernetes.protobuf');
    assert.equal(r.status, 400);
    assert.equal(r.body.reason, 'BadRequest');
    assert.match(r.body.message, /k8s\\0/);
  });

  test('a protobuf body of a kind podnet has no schema for is 415 UnsupportedMediaType', async () => {
    const r = await call('POST', '/api/v1/namespaces/default/configmaps', protobufBody('v1', 'ResourceQuota'), 'application/vnd.kubernetes.protobuf');
    assert.equal(r.status, 415);
    assert.equal(r.body.reason, 'UnsupportedMediaType');
    assert.match(r.body.message, /ResourceQuota/);
  });
});
