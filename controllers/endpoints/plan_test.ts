import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Endpoint, Service } from '../../api/types.js';
import { planEndpoints } from './plan.js';
import { mirrorGroups } from '../endpointslice/mirroring.js';

const svc: Service = { metadata: { name: 'web', namespace: 'default', labels: { tier: 'fe' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80 }] } };
const ep = (ip: string, ready: boolean, terminating = false): Endpoint => ({ addresses: [ip], conditions: { ready, serving: ready, terminating }, nodeName: 'n1', targetRef: { kind: 'Pod', name: ip } });
const ports = [{ name: '', port: 8080, protocol: 'TCP' }];

test('ready pods are addresses, unready ones notReadyAddresses, terminating ones are left out', () => {
  const e = planEndpoints(svc, [{ addressType: 'IPv4', ports, endpoints: [ep('10.0.0.2', true), ep('10.0.0.1', false), ep('10.0.0.3', false, true)] }]);
  assert.deepEqual(e.subsets, [
    {
      ports: [{ name: '', port: 8080, protocol: 'TCP' }],
      addresses: [{ ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', name: '10.0.0.2' } }],
      notReadyAddresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', name: '10.0.0.1' } }],
    },
  ]);
  assert.deepEqual(e.metadata?.labels, { tier: 'fe' });
  assert.equal(e.metadata?.annotations, undefined);
});

test('more than 1000 addresses are truncated and annotated over-capacity', () => {
  const endpoints = Array.from({ length: 1200 }, (_, i) => ep(`10.1.${i >> 8}.${i & 255}`, true));
  const e = planEndpoints(svc, [{ addressType: 'IPv4', ports, endpoints }]);
  assert.equal(e.subsets?.[0]?.addresses?.length, 1000);
  assert.equal(e.metadata?.annotations?.['endpoints.kubernetes.io/over-capacity'], 'truncated');
});

test('hand-written Endpoints mirror into groups per family and port list', () => {
  const groups = mirrorGroups({
    metadata: { name: 'ext' },
    subsets: [{ addresses: [{ ip: '192.0.2.10' }, { ip: '2001:db8::1' }], notReadyAddresses: [{ ip: '192.0.2.11' }], ports: [{ port: 443 }] }],
  });
  assert.deepEqual(
    groups.map((g) => [g.addressType, g.endpoints.map((e) => `${e.addresses[0]} ${e.conditions?.ready}`)]),
    [
      ['IPv4', ['192.0.2.10 true', '192.0.2.11 false']],
      ['IPv6', ['2001:db8::1 true']],
    ],
  );
});
