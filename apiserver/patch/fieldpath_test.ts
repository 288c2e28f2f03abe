import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFieldsV1, encodeFieldsV1, formatPath, pathKey } from './fieldpath.js';
import { serverSideApply } from './index.js';

// The shape Kubernetes writes for `kubectl create deployment web --image=nginx` (FieldsV1).
const REAL = {
  'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
  'f:spec': {
    'f:progressDeadlineSeconds': {},
    'f:replicas': {},
    'f:selector': {},
    'f:strategy': { 'f:rollingUpdate': { '.': {}, 'f:maxSurge': {}, 'f:maxUnavailable': {} }, 'f:type': {} },
    'f:template': {
      'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"nginx"}': { '.': {}, 'f:image': {}, 'f:imagePullPolicy': {}, 'f:name': {}, 'f:resources': {} },
        },
        'f:dnsPolicy': {},
      },
    },
  },
};

describe('FieldsV1', () => {
  it('round-trips the managedFields Kubernetes writes', () => {
    assert.deepEqual(encodeFieldsV1(decodeFieldsV1(REAL)), REAL);
  });

  it('treats leaves and "." nodes as members, plain parents as not', () => {
    const set = decodeFieldsV1(REAL);
    assert.ok(set.has(pathKey(['f:spec', 'f:replicas'])));
    assert.ok(set.has(pathKey(['f:metadata', 'f:labels'])));
    assert.ok(set.has(pathKey(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"nginx"}'])));
    assert.ok(!set.has(pathKey(['f:spec'])));
    assert.ok(!set.has(pathKey(['f:spec', 'f:template'])));
  });

  it('formats paths the way conflict messages name fields', () => {
    assert.equal(formatPath(pathKey(['f:spec', 'f:replicas'])), '.spec.replicas');
    assert.equal(formatPath(pathKey(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}', 'f:targetPort'])), '.spec.ports[port=80,protocol="TCP"].targetPort');
    assert.equal(formatPath(pathKey(['f:metadata', 'f:finalizers', 'v:"a/b"'])), '.metadata.finalizers[="a/b"]');
  });

  it('reads ownership recorded by a real apiserver and conflicts on its fields', () => {
    const live = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', labels: { app: 'web' }, managedFields: [{ manager: 'kubectl-create', operation: 'Update', apiVersion: 'apps/v1', time: '2024-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: REAL }] },
      spec: { replicas: 1, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } } },
    };
    const applied = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } } };
    const { conflicts } = serverSideApply(live, applied, { manager: 'kubectl', force: false, kind: 'Deployment' });
    assert.deepEqual(conflicts, [{ field: '.spec.template.spec.containers[name="nginx"].image', manager: 'kubectl-create' }]);
  });
});
