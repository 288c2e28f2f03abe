import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines } from './testutil.js';
import { validateObject } from './index.js';
import { yamlObject } from './testutil.js';

const svc = (spec: string, name = 'web') => `
apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default}
spec:
${spec}`;

const cases: { name: string; yaml: string; want: string[] }[] = [
  { name: 'a plain ClusterIP service is valid', yaml: svc('  selector: {app: web}\n  ports: [{port: 80, targetPort: 8080}]'), want: [] },
  { name: 'a named targetPort is valid', yaml: svc('  ports: [{port: 80, targetPort: http-alt}]'), want: [] },
  {
    name: 'port 0 is out of range',
    yaml: svc('  ports: [{port: 0, targetPort: 80}]'),
    want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
  },
  {
    name: 'port 65536 is out of range and targetPort defaults to it',
    yaml: svc('  ports: [{port: 65536}]'),
    want: ['spec.ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive'],
  },
  {
    name: 'an unknown protocol is not supported',
    yaml: svc('  ports: [{port: 80, protocol: HTTP}]'),
    want: ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
  },
  { name: 'ports are required', yaml: svc('  selector: {app: web}'), want: ['spec.ports: Required value'] },
  { name: 'a headless service needs no ports', yaml: svc('  clusterIP: None\n  selector: {app: web}'), want: [] },
  {
    name: 'names are required when there is more than one port',
    yaml: svc('  ports: [{name: http, port: 80}, {port: 443}]'),
    want: ['spec.ports[1].name: Required value'],
  },
  {
    name: 'port names must be unique',
    yaml: svc('  ports: [{name: http, port: 80}, {name: http, port: 81}]'),
    want: ['spec.ports[1].name: Duplicate value: "http"'],
  },
  {
    name: 'duplicate port and protocol',
    yaml: svc('  ports: [{name: a, port: 80}, {name: b, port: 80}]'),
    want: [
      'spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}',
    ],
  },
  { name: 'the same port on TCP and UDP is fine', yaml: svc('  ports: [{name: a, port: 53}, {name: b, port: 53, protocol: UDP}]'), want: [] },
  {
    name: 'targetPort names follow IANA service name rules',
    yaml: svc('  ports: [{port: 80, targetPort: "Http_Port-with-a-long-name"}]'),
    want: [
      'spec.ports[0].targetPort: Invalid value: "Http_Port-with-a-long-name": must be no more than 15 characters',
      'spec.ports[0].targetPort: Invalid value: "Http_Port-with-a-long-name": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ],
  },
  {
    name: 'a targetPort name needs a letter',
    yaml: svc('  ports: [{port: 80, targetPort: "8080"}]'),
    want: ['spec.ports[0].targetPort: Invalid value: "8080": must contain at least one letter (a-z)'],
  },
  {
    name: 'service names are DNS-1035 labels',
    yaml: svc('  ports: [{port: 80}]', '1web'),
    want: [
      `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ],
  },
  {
    name: 'ExternalName needs externalName',
    yaml: svc('  type: ExternalName'),
    want: ['spec.externalName: Required value'],
  },
  { name: 'ExternalName with a DNS name (trailing dot allowed) is valid', yaml: svc('  type: ExternalName\n  externalName: db.example.com.'), want: [] },
  {
    name: 'ExternalName may not have a clusterIP',
    yaml: svc('  type: ExternalName\n  externalName: db.example.com\n  clusterIP: 10.96.0.9'),
    want: ['spec.clusterIPs: Forbidden: may not be set for ExternalName services'],
  },
  {
    name: 'ExternalName must be a DNS name',
    yaml: svc('  type: ExternalName\n  externalName: "Not_A_Name"'),
    want: [
      `spec.externalName: Invalid value: "Not_A_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  },
  {
    name: 'clusterIP must be an IP',
    yaml: svc('  clusterIP: 10.96.0.300\n  ports: [{port: 80}]'),
    want: ['spec.clusterIPs[0]: Invalid value: "10.96.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'],
  },
  {
    name: 'an IPv6 clusterIP contradicts ipFamilies IPv4',
    yaml: svc('  clusterIP: "fd00::10"\n  ipFamilies: [IPv4]\n  ports: [{port: 80}]'),
    want: ['spec.clusterIPs[0]: Invalid value: "fd00::10": expected an IPv4 value as indicated by `ipFamilies[0]`'],
  },
  {
    name: 'unknown ipFamilies and ipFamilyPolicy values',
    yaml: svc('  ipFamilies: [IPv5]\n  ipFamilyPolicy: Single\n  ports: [{port: 80}]'),
    want: [
      'spec.ipFamilies[0]: Unsupported value: "IPv5": supported values: "IPv4", "IPv6"',
      'spec.ipFamilyPolicy: Unsupported value: "Single": supported values: "PreferDualStack", "RequireDualStack", "SingleStack"',
    ],
  },
  {
    name: 'SingleStack with two families is inconsistent',
    yaml: svc('  ipFamilies: [IPv4, IPv6]\n  ipFamilyPolicy: SingleStack\n  ports: [{port: 80}]'),
    want: ['spec.ipFamilies: Invalid value: []string{"IPv4", "IPv6"}: must contain exactly one value when `ipFamilyPolicy` is \'SingleStack\''],
  },
  {
    name: 'nodePort is forbidden on ClusterIP services',
    yaml: svc('  ports: [{port: 80, nodePort: 30080}]'),
    want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  },
  {
    name: 'nodePort outside the range',
    yaml: svc('  type: NodePort\n  ports: [{port: 80, nodePort: 40000}]'),
    want: ['spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. The range of valid ports is 30000-32767'],
  },
  {
    name: 'duplicate nodePorts',
    yaml: svc('  type: NodePort\n  ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81, nodePort: 30080}]'),
    want: ['spec.ports[1].nodePort: Duplicate value: 30080'],
  },
  {
    name: 'headless NodePort is invalid',
    yaml: svc('  type: NodePort\n  clusterIP: None\n  ports: [{port: 80}]'),
    want: ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"],
  },
  {
    name: 'unknown type',
    yaml: svc('  type: Internal\n  ports: [{port: 80}]'),
    want: ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  },
  {
    name: 'unknown sessionAffinity',
    yaml: svc('  sessionAffinity: Cookie\n  ports: [{port: 80}]'),
    want: ['spec.sessionAffinity: Unsupported value: "Cookie": supported values: "ClientIP", "None"'],
  },
  {
    name: 'ClientIP affinity timeout above a day',
    yaml: svc('  sessionAffinity: ClientIP\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 86401}}\n  ports: [{port: 80}]'),
    want: ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 86401: must be greater than 0 and less than 86400'],
  },
  {
    name: 'externalTrafficPolicy only for externally reachable services',
    yaml: svc('  externalTrafficPolicy: Local\n  ports: [{port: 80}]'),
    want: ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
  },
  {
    name: 'externalTrafficPolicy values',
    yaml: svc('  type: NodePort\n  externalTrafficPolicy: Nearest\n  ports: [{port: 80}]'),
    want: ['spec.externalTrafficPolicy: Unsupported value: "Nearest": supported values: "Cluster", "Local"'],
  },
  {
    name: 'loadBalancerSourceRanges must be CIDRs and only on LoadBalancer',
    yaml: svc('  loadBalancerSourceRanges: ["10.0.0.0/8", "10.0.0.0/33"]\n  ports: [{port: 80}]'),
    want: [
      "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'",
      'spec.LoadBalancerSourceRanges[1]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  },
  {
    name: 'selector labels are validated',
    yaml: svc('  selector: {"app": "-web"}\n  ports: [{port: 80}]'),
    want: [
      `spec.selector: Invalid value: "-web": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
  },
  { name: 'a ClusterIP service with externalIPs is valid (externalTrafficPolicy defaults)', yaml: svc('  externalIPs: [192.0.2.10]\n  ports: [{port: 80}]'), want: [] },
  {
    name: 'externalIPs must be IPs',
    yaml: svc('  externalIPs: [example.com, 127.0.0.1]\n  ports: [{port: 80}]'),
    want: [
      'spec.externalIPs[0]: Invalid value: "example.com": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
      'spec.externalIPs[1]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)',
    ],
  },
  { name: 'a LoadBalancer with a pool range is valid', yaml: svc('  type: LoadBalancer\n  loadBalancerSourceRanges: ["192.0.2.0/24"]\n  ports: [{port: 443}]'), want: [] },
];

for (const c of cases) {
  test(`Service: ${c.name}`, () => {
    assert.deepEqual(errorLines(c.yaml), c.want);
  });
}

test('Service: the NodePort range is a parameter', () => {
  const yaml = svc('  type: NodePort\n  ports: [{port: 80, nodePort: 31000}]');
  assert.deepEqual(errorLines(yaml, undefined, { nodePortRange: { min: 32000, max: 32100 } }), [
    'spec.ports[0].nodePort: Invalid value: 31000: provided port is not in the valid range. The range of valid ports is 32000-32100',
  ]);
  assert.deepEqual(errorLines(yaml), []);
});

test('Service: errors carry the Kubernetes cause reasons', () => {
  const errs = validateObject(yamlObject(svc('  ports: [{port: 0, protocol: FOO}, {port: 80}]')));
  assert.deepEqual(
    errs.map((e) => e.reason),
    ['FieldValueRequired', 'FieldValueInvalid', 'FieldValueNotSupported', 'FieldValueInvalid', 'FieldValueRequired'],
  );
});

const stored = svc('  clusterIP: 10.96.0.20\n  selector: {app: web}\n  ports: [{port: 80}]');

test('Service update: clusterIP may not change once set', () => {
  const changed = svc('  clusterIP: 10.96.0.21\n  selector: {app: web}\n  ports: [{port: 80}]');
  assert.deepEqual(errorLines(changed, stored), ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.21"}: may not change once set']);
});

test('Service update: an unchanged clusterIP and a new selector are fine', () => {
  assert.deepEqual(errorLines(svc('  clusterIP: 10.96.0.20\n  selector: {app: web2}\n  ports: [{port: 80}]'), stored), []);
});

test('Service update: changing to ExternalName drops the clusterIP the client left in place', () => {
  const ext = svc('  type: ExternalName\n  externalName: db.example.com\n  clusterIP: 10.96.0.20\n  clusterIPs: [10.96.0.20]\n  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n  internalTrafficPolicy: Cluster\n  ports: [{port: 80}]');
  const storedFull = svc('  clusterIP: 10.96.0.20\n  clusterIPs: [10.96.0.20]\n  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n  selector: {app: web}\n  ports: [{port: 80}]');
  assert.deepEqual(errorLines(ext, storedFull), []);
});

test('Service update: the name is immutable', () => {
  assert.deepEqual(errorLines(svc('  clusterIP: 10.96.0.20\n  ports: [{port: 80}]', 'other'), stored), ['metadata.name: Invalid value: "other": field is immutable']);
});

test('Service update: replacing without the clusterIP is refused, as upstream does', () => {
  assert.deepEqual(errorLines(svc('  selector: {app: web}\n  ports: [{port: 80}]'), stored), [
    'spec.clusterIPs[0]: Invalid value: []string(nil): primary clusterIP can not be unset',
  ]);
});
