import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHosts } from './hosts.js';

const head = '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n';

test('a plain pod maps its IP to its name', () => {
  assert.equal(buildHosts({ metadata: { name: 'web-1', namespace: 'shop' }, spec: { containers: [] } }, '10.244.1.5'), `${head}10.244.1.5\tweb-1\n`);
});

test('hostname and subdomain give the FQDN first, then the short name', () => {
  const text = buildHosts({ metadata: { name: 'x', namespace: 'shop' }, spec: { containers: [], hostname: 'db-0', subdomain: 'db' } }, '10.244.1.6');
  assert.equal(text, `${head}10.244.1.6\tdb-0.db.shop.svc.cluster.local\tdb-0\n`);
});

test('hostAliases are appended under their own header', () => {
  const text = buildHosts(
    { metadata: { name: 'p' }, spec: { containers: [], hostAliases: [{ ip: '127.0.0.1', hostnames: ['foo.local', 'bar.local'] }, { ip: '10.1.2.3', hostnames: ['foo.remote'] }] } },
    '10.244.1.7',
  );
  assert.equal(text, `${head}10.244.1.7\tp\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\n`);
});
