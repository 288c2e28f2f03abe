import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planHostPorts } from './hostport.js';
import { realNft } from '../host/nft.js';
import { rootTestsEnabled, runOk } from '../host/exec.js';
import { randomBytes } from 'node:crypto';

const maps = [
  { hostPort: 8080, protocol: 'tcp' as const, podIP: '10.244.1.5', containerPort: 80, pod: 'shop/web' },
  { hostPort: 5353, hostIP: '172.18.0.2', protocol: 'udp' as const, podIP: '10.244.1.6', containerPort: 53, pod: 'kube-system/dns' },
];

test('hostPorts become DNAT rules to the pod, replacing the whole table', () => {
  const text = planHostPorts(maps);
  assert.match(text, /^table ip podnet-hostport\ndelete table ip podnet-hostport\n/);
  assert.match(text, /fib daddr type local tcp dport 8080 dnat to 10\.244\.1\.5:80 comment "shop\/web"/);
  assert.match(text, /ip daddr 172\.18\.0\.2 udp dport 5353 dnat to 10\.244\.1\.6:53/);
});

test('the kernel accepts the hostPort table', { skip: !rootTestsEnabled() }, async () => {
  const ns = `pn-t${randomBytes(3).toString('hex')}-hp`;
  await runOk('ip', ['netns', 'add', ns]);
  try {
    await realNft.apply(ns, planHostPorts(maps));
    await realNft.apply(ns, planHostPorts(maps.slice(0, 1)));
    const listed = await realNft.listTable(ns, 'ip', 'podnet-hostport');
    assert.match(listed ?? '', /tcp dport 8080 dnat to 10\.244\.1\.5:80/);
    assert.doesNotMatch(listed ?? '', /5353/);
  } finally {
    await runOk('ip', ['netns', 'del', ns]);
  }
});
