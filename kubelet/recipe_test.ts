// End to end, as root, the troubleshooting recipe of the seeds: on a `podnet up` cluster with a
// Deployment and Service `web`, `kubectl run -i --rm debug --image=busybox -- sh` fed through a
// pipe resolves `web` through cluster DNS, fetches it through the Service, and sees its own
// hostname; the pod is gone afterwards.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { clusterSkip, testCluster } from '../cli/testing/cluster.js';

const skip = clusterSkip();
const cluster = testCluster({ kubectlTimeoutMs: 90_000 });
const { name, port, podnet, kubectl, kubectlPiped } = cluster;

before(async () => {
  if (skip) return;
  await podnet('up', '--name', name, '--nodes', '2', '--port', port, '--ui-port', '0');
});

after(() => cluster.destroy(!skip));

test('kubectl run -i --rm debug --image=busybox -- sh: nslookup web, wget http://web, hostname', { skip }, async () => {
  // `podnet up` returns before CoreDNS is Ready (as kind does); the recipe needs it.
  await kubectl('-n', 'kube-system', 'rollout', 'status', 'deployment/coredns', '--timeout=90s');
  await kubectl('create', 'deployment', 'web', '--image=nginx', '--replicas=2');
  await kubectl('expose', 'deployment', 'web', '--port=80');
  await kubectl('rollout', 'status', 'deployment/web', '--timeout=90s');
  const clusterIP = (await kubectl('get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}')).trim();
  const pods = (await kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')).trim().split(' ');
  const r = await kubectlPiped(['run', '-i', '--rm', 'debug', '--image=busybox', '--restart=Never', '--', 'sh'], 'nslookup web\nwget -qO- -T 5 http://web || { sleep 2; wget -qO- -T 5 http://web; }\nhostname\nexit\n');
  assert.equal(r.code, 0, `${r.stderr}\n${r.stdout}`);
  assert.match(r.stdout, new RegExp(`Name:\\s+web\\.default\\.svc\\.cluster\\.local\\nAddress: ${clusterIP.replace(/\./g, '\\.')}\\n`), r.stdout);
  assert.match(r.stdout, /<h1>Welcome to nginx!<\/h1>/, `nginx answers with its welcome page; stderr: ${r.stderr}`);
  const served = /in pod default\/(\S+)\.</.exec(r.stdout)?.[1];
  assert.ok(served && pods.includes(served), `wget reached a web pod through the Service: ${r.stdout}`);
  // nginx logs each request to stdout, which `kubectl logs` shows.
  assert.match(await kubectl('logs', served), /"GET \/ HTTP\/1\.1" 200 \d+ "-" "Wget/);
  assert.match(r.stdout, /^debug$/m, 'the debug pod has its own hostname');
  assert.match(r.stdout, /pod "debug" deleted/);
  assert.doesNotMatch(r.stderr, /couldn't attach/);
  // --rm asks for the delete and returns; the pod goes after its grace period.
  await kubectl('wait', '--for=delete', 'pod/debug', '--timeout=60s');
});
