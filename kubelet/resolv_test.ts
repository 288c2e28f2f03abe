import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types.js';
import { buildResolvConf, parseResolvConf } from './resolv.js';

const node = parseResolvConf('# written by topology\nnameserver 203.0.113.53\nsearch example.test corp.test.\noptions timeout:2 attempts:3\n');
const opts = { clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local' };
const pod = (spec: Pod['spec'] = { containers: [] }, ns = 'shop'): Pod => ({ metadata: { name: 'p', namespace: ns }, spec });

test('ClusterFirst gives the cluster nameserver, namespace search path plus the node searches, ndots:5', () => {
  assert.equal(
    buildResolvConf(pod(), node, opts).text,
    'search shop.svc.cluster.local svc.cluster.local cluster.local example.test corp.test\nnameserver 10.96.0.10\noptions ndots:5\n',
  );
});

test('ClusterFirst on the host network falls back to the node resolv.conf', () => {
  assert.equal(
    buildResolvConf(pod({ containers: [], hostNetwork: true }), node, opts).text,
    'search example.test corp.test\nnameserver 203.0.113.53\noptions timeout:2 attempts:3\n',
  );
});

test('ClusterFirstWithHostNet on the host network uses cluster DNS', () => {
  const r = buildResolvConf(pod({ containers: [], hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), node, opts);
  assert.deepEqual(r.config.nameservers, ['10.96.0.10']);
  assert.equal(r.config.searches[0], 'shop.svc.cluster.local');
});

test('Default uses the node resolv.conf and appends dnsConfig', () => {
  const r = buildResolvConf(pod({ containers: [], dnsPolicy: 'Default', dnsConfig: { nameservers: ['192.0.2.53'], searches: ['extra.test'] } }), node, opts);
  assert.equal(r.text, 'search example.test corp.test extra.test\nnameserver 203.0.113.53\nnameserver 192.0.2.53\noptions timeout:2 attempts:3\n');
});

test('None uses only dnsConfig', () => {
  const r = buildResolvConf(
    pod({ containers: [], dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'], searches: ['ns1.svc.cluster-domain.example', 'my.dns.search.suffix'], options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }),
    node,
    opts,
  );
  assert.equal(r.text, 'search ns1.svc.cluster-domain.example my.dns.search.suffix\nnameserver 1.2.3.4\noptions ndots:2 edns0\n');
});

test('None without dnsConfig gives an empty file', () => {
  assert.equal(buildResolvConf(pod({ containers: [], dnsPolicy: 'None' }), node, opts).text, '');
});

test('dnsConfig options replace same-named options in place and duplicates are dropped', () => {
  const r = buildResolvConf(
    pod({ containers: [], dnsConfig: { nameservers: ['10.96.0.10', '192.0.2.1'], searches: ['cluster.local', 'x.test'], options: [{ name: 'ndots', value: '1' }, { name: 'single-request-reopen' }] } }),
    node,
    opts,
  );
  assert.equal(r.text, 'search shop.svc.cluster.local svc.cluster.local cluster.local example.test corp.test x.test\nnameserver 10.96.0.10\nnameserver 192.0.2.1\noptions ndots:1 single-request-reopen\n');
});

test('more than three nameservers are cut to three with a warning', () => {
  const r = buildResolvConf(pod({ containers: [], dnsConfig: { nameservers: ['192.0.2.1', '192.0.2.2', '192.0.2.3'] } }), node, opts);
  assert.deepEqual(r.config.nameservers, ['10.96.0.10', '192.0.2.1', '192.0.2.2']);
  assert.match(r.warnings[0] ?? '', /Nameserver limits were exceeded/);
});

test('search paths are cut to 32 domains and 2048 characters', () => {
  const many = Array.from({ length: 40 }, (_, i) => `d${i}.test`);
  const r = buildResolvConf(pod({ containers: [], dnsPolicy: 'None', dnsConfig: { searches: many } }), node, opts);
  assert.equal(r.config.searches.length, 32);
  const long = Array.from({ length: 20 }, (_, i) => `${'a'.repeat(60)}.${'b'.repeat(60)}.x${i}`);
  const r2 = buildResolvConf(pod({ containers: [], dnsPolicy: 'None', dnsConfig: { searches: long } }), node, opts);
  assert.ok(r2.config.searches.join(' ').length <= 2048);
  assert.equal(r2.config.searches.length, 16);
  assert.ok(r2.warnings.length > 0);
});

test('ClusterFirst without a cluster DNS IP falls back to the node resolv.conf with a warning', () => {
  const r = buildResolvConf(pod(), node, { clusterDNS: '', clusterDomain: 'cluster.local' });
  assert.deepEqual(r.config.nameservers, ['203.0.113.53']);
  assert.equal(r.warnings.length, 1);
});
