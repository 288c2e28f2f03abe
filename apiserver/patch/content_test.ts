import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PatchError, patchObject, patchTypeOf, parsePatchBody } from './index.js';

const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } };

describe('patchTypeOf / parsePatchBody / patchObject', () => {
  it('maps the four PATCH content types kubectl and client-node send', () => {
    assert.equal(patchTypeOf('application/json-patch+json'), 'json');
    assert.equal(patchTypeOf('application/merge-patch+json; charset=utf-8'), 'merge');
    assert.equal(patchTypeOf('application/strategic-merge-patch+json'), 'strategic');
    assert.equal(patchTypeOf('application/apply-patch+yaml'), 'apply');
    assert.equal(patchTypeOf('application/json'), undefined);
  });

  it('parses apply bodies as YAML or JSON and rejects duplicate keys and non-objects with 400', () => {
    assert.deepEqual(parsePatchBody('apply', 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\n'), { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } });
    assert.deepEqual(parsePatchBody('apply', '{"kind":"Service"}'), { kind: 'Service' });
    for (const bad of ['kind: A\nkind: B\n', '- 1\n', 'a: [']) {
      assert.throws(() => parsePatchBody('apply', bad), (e: unknown) => e instanceof PatchError && e.httpStatus === 400, bad);
    }
    assert.throws(() => parsePatchBody('merge', '{nope'), (e: unknown) => e instanceof PatchError && e.code === 'PATCH_MALFORMED');
  });

  it('records the patching manager for non-apply patches', () => {
    const { object } = patchObject(svc, 'merge', { metadata: { labels: { a: 'b' } } }, { kind: 'Service', manager: 'kubectl-label' });
    assert.deepEqual(object.metadata?.labels, { a: 'b' });
    assert.deepEqual(object.metadata?.managedFields?.map((m) => m.manager), ['kubectl-label']);
  });

  it('creates through apply and refuses other patch types without a live object', () => {
    assert.equal(patchObject(undefined, 'apply', svc, { kind: 'Service', manager: 'kubectl' }).object.metadata?.name, 'web');
    assert.throws(() => patchObject(undefined, 'strategic', {}, { kind: 'Service' }), PatchError);
    assert.throws(() => patchObject(svc, 'json', [{ op: 'replace', path: '', value: 3 }], { kind: 'Service' }), (e: unknown) => e instanceof PatchError && e.code === 'PATCH_INVALID_RESULT');
  });
});
