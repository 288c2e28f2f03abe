import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Container, Pod } from '../../api/types.js';
import { imageRepo, planContainer } from './images.js';

const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [] } };
const plan = (c: Container, p = pod) => planContainer(p, c);

test('image references are reduced to their repository path', () => {
  assert.equal(imageRepo('registry.k8s.io/e2e-test-images/agnhost:2.47'), 'e2e-test-images/agnhost');
  assert.equal(imageRepo('docker.io/library/nginx:1.27@sha256:abc'), 'nginx');
  assert.equal(imageRepo('localhost:5000/team/app'), 'team/app');
  assert.equal(imageRepo('busybox'), 'busybox');
});

test('agnhost netexec runs the built-in netexec with its flags', () => {
  assert.deepEqual(plan({ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.47', args: ['netexec', '--http-port=8080', '--udp-port=8081'] }), {
    kind: 'builtin',
    workload: 'netexec',
    args: ['--http-port=8080', '--udp-port=8081'],
  });
  assert.deepEqual(plan({ name: 'c', image: 'agnhost', command: ['/agnhost', 'serve-hostname'] }), { kind: 'builtin', workload: 'serve-hostname', args: [] });
});

test('shell images run their command as a host command, busybox defaults to sh', () => {
  assert.deepEqual(plan({ name: 'c', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] }), { kind: 'host', argv: ['sh', '-c', 'sleep 3600'] });
  assert.deepEqual(plan({ name: 'c', image: 'busybox' }), { kind: 'host', argv: ['sh'] });
  assert.deepEqual(plan({ name: 'c', image: 'curlimages/curl', args: ['-s', 'http://web'] }), { kind: 'host', argv: ['curl', '-s', 'http://web'] });
});

test('podnet/host and the run-host-command annotation run command+args', () => {
  assert.deepEqual(plan({ name: 'c', image: 'podnet/host', command: ['python3', '-m', 'http.server'], args: ['9000'] }), { kind: 'host', argv: ['python3', '-m', 'http.server', '9000'] });
  const annotated: Pod = { metadata: { name: 'p', annotations: { 'podnet.dev/run-host-command': 'true' } }, spec: { containers: [] } };
  assert.deepEqual(plan({ name: 'c', image: 'myorg/app', command: ['sleep', '5'] }, annotated), { kind: 'host', argv: ['sleep', '5'] });
});

test('known web images get the echo server silently, unknown ones with a note', () => {
  assert.deepEqual(plan({ name: 'c', image: 'hashicorp/http-echo', args: ['-text=hello'] }), { kind: 'builtin', workload: 'echo', args: ['-text=hello'] });
  const unknown = plan({ name: 'c', image: 'quay.io/acme/billing:v3' });
  assert.equal(unknown.kind, 'builtin');
  assert.match((unknown as { note?: string }).note ?? '', /quay.io\/acme\/billing:v3/);
});

test('nginx, httpd, whoami and hello-app get stand-ins that answer like the image, with its tag', () => {
  assert.deepEqual(plan({ name: 'c', image: 'docker.io/library/nginx:1.27@sha256:abc' }), { kind: 'builtin', workload: 'web', args: ['nginx', '1.27'] });
  assert.deepEqual(plan({ name: 'c', image: 'nginxinc/nginx-unprivileged' }), { kind: 'builtin', workload: 'web', args: ['nginx', '', '--port=8080'] });
  assert.deepEqual(plan({ name: 'c', image: 'httpd:2.4' }), { kind: 'builtin', workload: 'web', args: ['httpd', '2.4'] });
  assert.deepEqual(plan({ name: 'c', image: 'traefik/whoami:v1.10' }), { kind: 'builtin', workload: 'web', args: ['whoami', 'v1.10'] });
  assert.deepEqual(plan({ name: 'c', image: 'us-docker.pkg.dev/google-samples/containers/gke/hello-app:2.0' }).kind, 'builtin');
  assert.deepEqual(plan({ name: 'c', image: 'gcr.io/google-samples/hello-app:2.0' }), { kind: 'builtin', workload: 'web', args: ['hello-app', '2.0'] });
  assert.deepEqual(plan({ name: 'c', image: 'podnet/echo' }), { kind: 'builtin', workload: 'echo', args: [] });
});

test('podnet/coredns and podnet/ingress run podnet subcommands', () => {
  assert.deepEqual(plan({ name: 'c', image: 'podnet/coredns', args: ['--port=53'] }), { kind: 'podnet', args: ['dns', 'serve', '--port=53'] });
  assert.deepEqual(plan({ name: 'c', image: 'podnet/ingress:latest' }), { kind: 'podnet', args: ['ingress', 'serve'] });
});
