import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDnsServeArgs } from './cli.js';

test('dns serve takes --corefile or --corefile-configmap, and --source', () => {
  assert.deepEqual(parseDnsServeArgs(['--corefile', '/tmp/Corefile', '--source', 'file:a.yaml']), { corefile: '/tmp/Corefile', source: 'file:a.yaml' });
  assert.deepEqual(parseDnsServeArgs(['--source=kubeconfig:/k', '--corefile-configmap', 'kube-system/coredns']), {
    source: 'kubeconfig:/k',
    configMap: { namespace: 'kube-system', name: 'coredns' },
  });
});

test('dns serve rejects missing or malformed flags with a usage message', () => {
  assert.throws(() => parseDnsServeArgs(['--source', 'file:a.yaml']), /one of --corefile or --corefile-configmap is required/);
  assert.throws(() => parseDnsServeArgs(['--corefile', 'x']), /--source is required/);
  assert.throws(() => parseDnsServeArgs(['--corefile-configmap', 'coredns', '--source', 'file:a']), /must be NAMESPACE\/NAME/);
  assert.throws(() => parseDnsServeArgs(['--bogus']), /unknown argument "--bogus"/);
  assert.throws(() => parseDnsServeArgs(['--corefile']), /--corefile needs a value/);
});
