// Truth tables for the conformance suite, written by hand from the upstream NetworkPolicy semantics
// (not produced by the engine). Rows are sources, columns destinations; a pod always reaches
// itself (loopback never crosses the policy hook, upstream's AllowLoopback).
import type { Case } from './fixture.js';
import { policy } from './fixture.js';

const ALL = `
x/a  . . . . . . . . .
x/b  . . . . . . . . .
x/c  . . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`;

/** Nothing but loopback reaches x/a. */
const XA_ISOLATED = `
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  X . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`;

/** x/a reaches nothing but itself. */
const XA_EGRESS_ISOLATED = `
x/a  . X X X X X X X X
x/b  . . . . . . . . .
x/c  . . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`;

const tcp80 = (expect: string) => ({ protocol: 'TCP' as const, port: 80, expect });
const tcp81 = (expect: string) => ({ protocol: 'TCP' as const, port: 81, expect });
const udp80 = (expect: string) => ({ protocol: 'UDP' as const, port: 80, expect });
const udp81 = (expect: string) => ({ protocol: 'UDP' as const, port: 81, expect });
const onA = { podSelector: { matchLabels: { pod: 'a' } } };

export const CASES: readonly Case[] = [
  { name: 'without policies every pod reaches every pod', steps: [{ policies: [], probes: [tcp80(ALL), udp81(ALL)] }] },
  {
    name: 'default-deny ingress in x isolates every pod of x',
    steps: [
      {
        policies: [policy('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] })],
        probes: [
          tcp80(`
x/a  . X X . . . . . .
x/b  X . X . . . . . .
x/c  X X . . . . . . .
y/a  X X X . . . . . .
y/b  X X X . . . . . .
y/c  X X X . . . . . .
z/a  X X X . . . . . .
z/b  X X X . . . . . .
z/c  X X X . . . . . .`),
          udp81(`
x/a  . X X . . . . . .
x/b  X . X . . . . . .
x/c  X X . . . . . . .
y/a  X X X . . . . . .
y/b  X X X . . . . . .
y/c  X X X . . . . . .
z/a  X X X . . . . . .
z/b  X X X . . . . . .
z/c  X X X . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'default-deny egress in x stops every connection out of x',
    steps: [
      {
        policies: [policy('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] })],
        probes: [
          tcp80(`
x/a  . X X X X X X X X
x/b  X . X X X X X X X
x/c  X X . X X X X X X
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'an allow-all ingress rule wins over default-deny (policies combine by union)',
    steps: [
      {
        policies: [
          policy('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
          policy('x', 'allow-ingress', { podSelector: {}, ingress: [{}] }),
        ],
        probes: [tcp80(ALL), udp80(ALL)],
      },
    ],
  },
  {
    name: 'an allow-all egress rule wins over default-deny egress',
    steps: [
      {
        policies: [
          policy('x', 'deny-egress', { podSelector: {}, policyTypes: ['Egress'] }),
          policy('x', 'allow-egress', { podSelector: {}, egress: [{}], policyTypes: ['Egress'] }),
        ],
        probes: [tcp81(ALL)],
      },
    ],
  },
  {
    name: 'default-deny in both directions isolates x completely',
    steps: [
      {
        policies: [policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })],
        probes: [
          tcp80(`
x/a  . X X X X X X X X
x/b  X . X X X X X X X
x/c  X X . X X X X X X
y/a  X X X . . . . . .
y/b  X X X . . . . . .
y/c  X X X . . . . . .
z/a  X X X . . . . . .
z/b  X X X . . . . . .
z/c  X X X . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'a podSelector peer allows only matching pods of the policy namespace',
    steps: [
      {
        policies: [policy('x', 'allow-b', { ...onA, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  . . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  X . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'a namespaceSelector peer allows every pod of matching namespaces',
    steps: [
      {
        policies: [policy('x', 'allow-ns-y', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  X . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'podSelector and namespaceSelector in one peer are ANDed',
    steps: [
      {
        policies: [
          policy('x', 'allow-y-b', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } }, podSelector: { matchLabels: { pod: 'b' } } }] }] }),
        ],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  . . . . . . . . .
y/c  X . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'several peers in one rule are ORed',
    steps: [
      {
        policies: [
          policy('x', 'allow-y-or-b', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }, { podSelector: { matchLabels: { pod: 'b' } } }] }] }),
        ],
        probes: [
          udp80(`
x/a  . . . . . . . . .
x/b  . . . . . . . . .
x/c  X . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'an empty namespaceSelector with a podSelector matches that pod in every namespace',
    steps: [
      {
        policies: [policy('x', 'allow-any-b', { ...onA, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { pod: 'b' } } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  . . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  . . . . . . . . .
y/c  X . . . . . . . .
z/a  X . . . . . . . .
z/b  . . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'namespaceSelector matchExpressions NotIn excludes a namespace',
    steps: [
      {
        policies: [
          policy('x', 'not-y', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['y'] }] } }] }] }),
        ],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  . . . . . . . . .
x/c  . . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  X . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'podSelector matchExpressions In and NotIn select targets and peers',
    steps: [
      {
        policies: [
          policy('y', 'ab-from-not-a', {
            podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['a', 'b'] }] },
            ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'NotIn', values: ['a'] }] } }] }],
          }),
        ],
        probes: [
          tcp81(`
x/a  . . . X X . . . .
x/b  . . . X X . . . .
x/c  . . . X X . . . .
y/a  . . . . X . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . X X . . . .
z/b  . . . X X . . . .
z/c  . . . X X . . . .`),
        ],
      },
    ],
  },
  {
    name: 'a numbered TCP port allows only that port and protocol',
    steps: [
      {
        policies: [policy('x', 'tcp-80', { ...onA, ingress: [{ ports: [{ protocol: 'TCP', port: 80 }] }] })],
        probes: [tcp80(ALL), tcp81(XA_ISOLATED), udp80(XA_ISOLATED), udp81(XA_ISOLATED)],
      },
    ],
  },
  {
    name: "a named port resolves against the destination pod's containerPorts",
    steps: [
      {
        policies: [policy('x', 'named-81', { ...onA, ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
        probes: [tcp81(ALL), tcp80(XA_ISOLATED), udp81(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'a named UDP port allows that UDP port only',
    steps: [
      {
        policies: [policy('x', 'named-udp-80', { ...onA, ingress: [{ ports: [{ port: 'serve-80-udp', protocol: 'UDP' }] }] })],
        probes: [udp80(ALL), tcp80(XA_ISOLATED), udp81(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'a named port whose protocol differs from the rule matches nothing',
    steps: [
      {
        policies: [policy('x', 'named-mismatch', { ...onA, ingress: [{ ports: [{ port: 'serve-80-udp' }] }] })],
        probes: [tcp80(XA_ISOLATED), udp80(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'a protocol-only port allows every port of that protocol',
    steps: [
      {
        policies: [policy('x', 'udp-only', { ...onA, ingress: [{ ports: [{ protocol: 'UDP' }] }] })],
        probes: [udp80(ALL), udp81(ALL), tcp80(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'endPort allows a range of ports',
    steps: [
      {
        policies: [policy('x', 'range-80-81', { ...onA, ingress: [{ ports: [{ protocol: 'TCP', port: 80, endPort: 81 }] }] })],
        probes: [tcp80(ALL), tcp81(ALL), udp80(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'endPort ranges exclude ports below their start',
    steps: [
      {
        policies: [policy('x', 'range-81-90', { ...onA, ingress: [{ ports: [{ protocol: 'TCP', port: 81, endPort: 90 }] }] })],
        probes: [tcp81(ALL), tcp80(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'an ingress ipBlock with except denies the excepted pod address',
    steps: [
      {
        policies: [policy('x', 'cidr-but-xb', { ...onA, ingress: [{ from: [{ ipBlock: { cidr: '10.244.0.0/16', except: ['10.244.0.11/32'] } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  . . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'an egress ipBlock with except denies the excepted destination',
    steps: [
      {
        policies: [policy('x', 'egress-cidr-but-ya', { ...onA, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.244.0.0/24', except: ['10.244.0.13/32'] } }] }] })],
        probes: [
          udp81(`
x/a  . . . X . . . . .
x/b  . . . . . . . . .
x/c  . . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'an IPv6 ipBlock matches no IPv4 peer',
    steps: [{ policies: [policy('x', 'v6-only', { ...onA, ingress: [{ from: [{ ipBlock: { cidr: '::/0' } }] }] })], probes: [tcp80(XA_ISOLATED)] }],
  },
  {
    name: 'egress to DNS on 53 plus TCP 80 to namespace y',
    steps: [
      {
        policies: [
          policy('x', 'dns-and-y', {
            ...onA,
            policyTypes: ['Egress'],
            egress: [
              { ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] },
              { to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }], ports: [{ protocol: 'TCP', port: 80 }] },
            ],
          }),
        ],
        probes: [
          tcp80(`
x/a  . X X . . . X X X
x/b  . . . . . . . . .
x/c  . . . . . . . . .
y/a  . . . . . . . . .
y/b  . . . . . . . . .
y/c  . . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
          tcp81(XA_EGRESS_ISOLATED),
          udp80(XA_EGRESS_ISOLATED),
          { protocol: 'UDP', port: 53, expect: ALL, staticOnly: true },
        ],
      },
    ],
  },
  {
    name: 'an egress named port resolves against the destination pod',
    steps: [
      {
        policies: [policy('x', 'egress-named', { ...onA, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-81-udp', protocol: 'UDP' }] }] })],
        probes: [udp81(ALL), udp80(XA_EGRESS_ISOLATED), tcp81(XA_EGRESS_ISOLATED)],
      },
    ],
  },
  {
    name: 'two ingress policies on one pod combine by union',
    steps: [
      {
        policies: [
          policy('x', 'from-b', { ...onA, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] }),
          policy('x', 'from-c', { ...onA, ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'c' } } }] }] }),
        ],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  . . . . . . . . .
x/c  . . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  X . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: "both the source's egress and the destination's ingress must allow",
    steps: [
      {
        policies: [
          policy('x', 'a-to-y', { ...onA, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }] }),
          policy('y', 'b-from-z', { podSelector: { matchLabels: { pod: 'b' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }] }] }),
        ],
        probes: [
          tcp80(`
x/a  . X X . X . X X X
x/b  . . . . X . . . .
x/c  . . . . X . . . .
y/a  . . . . X . . . .
y/b  . . . . . . . . .
y/c  . . . . X . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'policyTypes Egress ignores ingress rules',
    steps: [
      {
        policies: [policy('x', 'egress-only', { ...onA, policyTypes: ['Egress'], egress: [{}], ingress: [{ from: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
        probes: [tcp80(ALL)],
      },
    ],
  },
  {
    name: 'policyTypes Ingress with no ingress rules denies ingress and leaves egress open',
    steps: [
      {
        policies: [policy('x', 'ingress-type', { ...onA, policyTypes: ['Ingress'], egress: [{ to: [{ podSelector: { matchLabels: { pod: 'b' } } }] }] })],
        probes: [tcp80(XA_ISOLATED)],
      },
    ],
  },
  {
    name: 'one policy with both directions keeps x talking only to itself',
    steps: [
      {
        policies: [policy('x', 'x-only', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [{ from: [{ podSelector: {} }] }], egress: [{ to: [{ podSelector: {} }] }] })],
        probes: [
          udp80(`
x/a  . . . X X X X X X
x/b  . . . X X X X X X
x/c  . . . X X X X X X
y/a  X X X . . . . . .
y/b  X X X . . . . . .
y/c  X X X . . . . . .
z/a  X X X . . . . . .
z/b  X X X . . . . . .
z/c  X X X . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'an empty namespaceSelector alone allows every pod of every namespace',
    steps: [
      {
        policies: [
          policy('x', 'deny-ingress', { podSelector: {}, policyTypes: ['Ingress'] }),
          policy('x', 'from-everywhere', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {} }] }] }),
        ],
        probes: [tcp80(ALL)],
      },
    ],
  },
  {
    name: 'updating a policy replaces what it allows',
    steps: [
      { policies: [policy('x', 'a-policy', { ...onA, policyTypes: ['Ingress'] })], probes: [tcp80(XA_ISOLATED)] },
      {
        policies: [policy('x', 'a-policy', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'z' } } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  X . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
      { policies: [], probes: [tcp80(ALL)] },
    ],
  },
  {
    name: 'a pod label change moves the pod into a peer',
    steps: [
      { policies: [policy('x', 'from-clients', { ...onA, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }] }] })], probes: [tcp80(XA_ISOLATED)] },
      {
        podLabels: { 'y/c': { role: 'client' } },
        policies: [policy('x', 'from-clients', { ...onA, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { role: 'client' } } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  . . . . . . . . .
z/a  X . . . . . . . .
z/b  X . . . . . . . .
z/c  X . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'a pod label change moves the pod out of a policy target',
    steps: [
      { policies: [policy('x', 'deny-b', { podSelector: { matchLabels: { pod: 'b' } }, policyTypes: ['Ingress'] })], probes: [tcp80(`
x/a  . X . . . . . . .
x/b  . . . . . . . . .
x/c  . X . . . . . . .
y/a  . X . . . . . . .
y/b  . X . . . . . . .
y/c  . X . . . . . . .
z/a  . X . . . . . . .
z/b  . X . . . . . . .
z/c  . X . . . . . . .`)] },
      { podLabels: { 'x/b': { pod: 'b2' } }, policies: [policy('x', 'deny-b', { podSelector: { matchLabels: { pod: 'b' } }, policyTypes: ['Ingress'] })], probes: [tcp80(ALL)] },
    ],
  },
  {
    name: 'a namespace label change moves its pods into a peer',
    steps: [
      { policies: [policy('x', 'from-blue', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] }] })], probes: [tcp80(XA_ISOLATED)] },
      {
        nsLabels: { z: { team: 'blue' } },
        policies: [policy('x', 'from-blue', { ...onA, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'blue' } } }] }] })],
        probes: [
          tcp80(`
x/a  . . . . . . . . .
x/b  X . . . . . . . .
x/c  X . . . . . . . .
y/a  X . . . . . . . .
y/b  X . . . . . . . .
y/c  X . . . . . . . .
z/a  . . . . . . . . .
z/b  . . . . . . . . .
z/c  . . . . . . . . .`),
        ],
      },
    ],
  },
  {
    name: 'SCTP ports are matched by protocol (static only: no SCTP in this kernel)',
    steps: [
      {
        policies: [policy('x', 'sctp-80', { ...onA, ingress: [{ ports: [{ protocol: 'SCTP', port: 80 }] }] })],
        probes: [
          { protocol: 'SCTP', port: 80, expect: ALL, staticOnly: true },
          { protocol: 'SCTP', port: 81, expect: XA_ISOLATED, staticOnly: true },
          tcp80(XA_ISOLATED),
        ],
      },
    ],
  },
];
