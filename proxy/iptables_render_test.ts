import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planServiceRules, type PlanInput } from './plan.js';
import { parseIptablesSave, renderIptables } from './iptables_render.js';
import { svc, slice } from './fixtures.js';

const node = { name: 'n1', ips: ['172.18.0.2'] };
const plan = (p: Partial<PlanInput>) => planServiceRules({ services: [], slices: [], node, config: { clusterCIDR: '10.244.0.0/16', mode: 'iptables' }, ...p });

test('a ClusterIP Service renders KUBE-SVC with statistic probabilities and KUBE-SEP DNAT', () => {
  const text = renderIptables(plan({ services: [svc('web')], slices: [slice('web', [{ ip: '10.244.1.11' }, { ip: '10.244.1.12' }, { ip: '10.244.1.13' }])] }));
  const svcRules = text.split('\n').filter((l) => /^-A KUBE-SVC-/.test(l)).map((l) => l.replace(/KUBE-(SVC|SEP)-[A-Z0-9]{16}/g, 'KUBE-$1-x'));
  assert.deepEqual(svcRules, [
    '-A KUBE-SVC-x -m comment --comment "default/web" ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -j KUBE-MARK-MASQ',
    '-A KUBE-SVC-x -m statistic --mode random --probability 0.3333333333 -j KUBE-SEP-x',
    '-A KUBE-SVC-x -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-x',
    '-A KUBE-SVC-x -j KUBE-SEP-x',
  ]);
  assert.match(text, /^-A KUBE-SEP-[A-Z0-9]{16} -m comment --comment "default\/web" -p tcp -j DNAT --to-destination 10\.244\.1\.12:8080$/m);
  assert.match(text, /^-A KUBE-SERVICES -m comment --comment "default\/web" -d 10\.96\.0\.10\/32 -p tcp -m tcp --dport 80 -j KUBE-SVC-/m);
  assert.match(text, /^-A KUBE-SERVICES -m addrtype --dst-type LOCAL ! -d 127\.0\.0\.0\/8 -j KUBE-NODEPORTS$/m);
  assert.match(text, /^-A KUBE-POSTROUTING -j MASQUERADE --random-fully$/m);
});

test('rr uses nth matching and wrr weighted probabilities', () => {
  const eps = slice('web', [{ ip: '10.244.1.11' }, { ip: '10.244.1.12' }]);
  const rr = renderIptables(plan({ services: [svc('web', { annotations: { 'podnet.dev/lb-algorithm': 'rr' } })], slices: [eps] }));
  assert.match(rr, /-m statistic --mode nth --every 2 --packet 0 -j KUBE-SEP-/);
  const wrr = renderIptables(plan({ services: [svc('web', { annotations: { 'podnet.dev/lb-algorithm': 'wrr', 'podnet.dev/lb-weights': '10.244.1.11=3' } })], slices: [eps] }));
  assert.match(wrr, /--probability 0\.7500000000 -j KUBE-SEP-/);
});

test('no endpoints and unserved ports are rejected in the filter table; stale chains are deleted', () => {
  const text = renderIptables(plan({ services: [svc('web')] }), { nat: ['KUBE-SVC-OLD'], filter: [] });
  assert.match(text, /^\*filter\n(?:.*\n)*-A KUBE-SERVICES -m comment --comment "default\/web" -d 10\.96\.0\.10\/32 -p tcp -m tcp --dport 80 -j REJECT$/m);
  assert.match(text, /^-A KUBE-SERVICES -m comment --comment "invalid port of ClusterIP" -d 10\.96\.0\.10\/32 -j REJECT$/m);
  assert.match(text, /^:KUBE-SVC-OLD - \[0:0\]\n(?:.*\n)*-X KUBE-SVC-OLD\nCOMMIT\n$/m);
});

test('iptables-save output is parsed into KUBE chains and rules per table', () => {
  const saved = parseIptablesSave('*filter\n:INPUT ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n-A INPUT -j KUBE-SERVICES\nCOMMIT\n*nat\n:KUBE-SEP-A - [0:0]\nCOMMIT\n');
  assert.deepEqual(saved.filter, ['KUBE-SERVICES']);
  assert.deepEqual(saved.nat, ['KUBE-SEP-A']);
  assert.deepEqual(saved.rules.filter, ['-A INPUT -j KUBE-SERVICES']);
});
