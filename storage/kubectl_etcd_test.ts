// The kubectl acceptance suite and the restart test on etcd: one private etcd for the file, each
// suite under its own key prefix. Skipped when the etcd binary is missing.
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { kubectlSuite } from '../apiserver/kubectl_suite.js';
import { restartSuite } from '../apiserver/restart_suite.js';
import { openEtcd } from './etcd.js';
import { etcdMissing, startEtcd, type EtcdFixture } from './etcd_fixture.js';

const noEtcd = etcdMissing();
let etcd: Promise<EtcdFixture> | undefined;
const sharedEtcd = () => (etcd ??= startEtcd());
after(async () => {
  if (etcd) await (await etcd).stop();
});

if (noEtcd) {
  test('kubectl against the apiserver on etcd', { skip: noEtcd }, () => {});
} else {
  kubectlSuite('etcd storage', async () => openEtcd((await sharedEtcd()).url, { prefix: `/pn-t${randomBytes(4).toString('hex')}` }));
  const restartPrefix = `/pn-t${randomBytes(4).toString('hex')}`;
  restartSuite('etcd storage', async () => openEtcd((await sharedEtcd()).url, { prefix: restartPrefix }));
}
