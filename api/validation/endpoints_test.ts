import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines } from './testutil.js';

const slice = (addressType: string, body: string) => `
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc12, namespace: default, labels: {kubernetes.io/service-name: web}}
addressType: ${addressType}
${body}`;

const cases: { name: string; yaml: string; want: string[] }[] = [
  { name: 'EndpointSlice: IPv4 endpoints and a named port are valid', yaml: slice('IPv4', 'endpoints: [{addresses: [10.244.1.5], conditions: {ready: true}, nodeName: node-a}]\nports: [{name: http, port: 8080}]'), want: [] },
  {
    name: 'EndpointSlice: addressType values',
    yaml: slice('IPv5', 'endpoints: []'),
    want: ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"'],
  },
  {
    name: 'EndpointSlice: addresses must fit the addressType',
    yaml: slice('IPv4', 'endpoints: [{addresses: ["fd00::1"]}, {addresses: [127.0.0.1]}, {addresses: []}]'),
    want: [
      'endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address',
      'endpoints[1].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
      'endpoints[2].addresses: Required value: must contain at least 1 address',
    ],
  },
  {
    name: 'EndpointSlice: FQDN addresses need two labels',
    yaml: slice('FQDN', 'endpoints: [{addresses: [localhost]}]'),
    want: ['endpoints[0].addresses[0]: Invalid value: "localhost": should be a domain with at least two segments separated by dots'],
  },
  {
    name: 'EndpointSlice: ports need a protocol, unique names and a valid number',
    yaml: slice('IPv6', 'endpoints: [{addresses: ["fd00::5"]}]\nports: [{name: http, port: 80}, {name: http, port: 70000, protocol: ICMP}]'),
    want: [
      'ports[1].name: Duplicate value: "http"',
      'ports[1].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"',
      'ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive',
    ],
  },
  {
    name: 'Endpoints: subsets need addresses, ports need names when several',
    yaml: 'apiVersion: v1\nkind: Endpoints\nmetadata: {name: web, namespace: default}\nsubsets: [{ports: [{port: 80}]}, {addresses: [{ip: 10.244.1.9}, {ip: 0.0.0.0}], ports: [{name: a, port: 80}, {port: 81}]}]',
    want: [
      'subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`',
      'subsets[1].addresses[1].ip: Invalid value: "0.0.0.0": may not be unspecified (0.0.0.0)',
      'subsets[1].ports[1].name: Required value',
    ],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(errorLines(c.yaml), c.want);
  });
}

test('EndpointSlice update: addressType is immutable', () => {
  const old = slice('IPv4', 'endpoints: []');
  assert.deepEqual(errorLines(slice('IPv6', 'endpoints: []'), old), ['addressType: Invalid value: "IPv6": field is immutable']);
});
