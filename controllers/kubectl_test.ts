// The controllers as a user meets them: real kubectl over https with a token, against podnet's
// apiserver, with the controllers and the fake kubelet running.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { kubectlPath, kubectlRunner } from '../apiserver/testkit.js';
import type { Pod } from '../api/types.js';
import { R } from '../client/source.js';
import { startTestCluster, type TestCluster } from './testing/cluster.js';

const KUBECTL = kubectlPath('1.31');
let c: TestCluster;
let kubectl: ReturnType<typeof kubectlRunner>;
before(async () => {
  if (!KUBECTL) return;
  c = await startTestCluster({ secure: true, nodes: [{ name: 'n1' }, { name: 'n2' }, { name: 'n3' }] });
  kubectl = kubectlRunner(KUBECTL, c.server!);
});
after(async () => c?.close());

const MANIFEST = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 3
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx, ports: [{containerPort: 80}]}]}
`;

test('kubectl apply, rollout status and scale work against the controllers', { skip: !KUBECTL && 'kubectl 1.31 not installed' }, async () => {
  const applied = await kubectl.run(['apply', '-f', '-'], { stdin: MANIFEST });
  assert.equal(applied.code, 0, applied.stderr);
  const rolled = await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(rolled.code, 0, rolled.stderr);
  assert.match(rolled.stdout, /deployment "web" successfully rolled out/);
  const scaled = await kubectl.run(['scale', 'deployment/web', '--replicas=5']);
  assert.equal(scaled.code, 0, scaled.stderr);
  const again = await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=60s']);
  assert.equal(again.code, 0, again.stderr);
  await c.until('5 running pods', () => c.list<Pod>(R.pods, 'default').filter((p) => p.status?.phase === 'Running').length === 5);
  const got = await kubectl.run(['get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}/{.status.updatedReplicas}']);
  assert.equal(got.stdout, '5/5');
});

test('rollout history shows revisions with their change-cause; rollout undo brings the old template back as a new revision', { skip: !KUBECTL && 'kubectl 1.31 not installed' }, async () => {
  const ok = async (...args: string[]) => {
    const r = await kubectl.run(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  assert.equal((await kubectl.run(['apply', '-f', '-'], { stdin: MANIFEST })).code, 0);
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  await ok('set', 'image', 'deployment/web', 'web=nginx:1.27');
  await ok('annotate', 'deployment/web', 'kubernetes.io/change-cause=move to nginx 1.27');
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  const history = await ok('rollout', 'history', 'deployment/web');
  assert.match(history, /^1\s+<none>$/m);
  assert.match(history, /^2\s+move to nginx 1\.27$/m);
  assert.equal(await ok('get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '2');

  assert.match(await ok('rollout', 'undo', 'deployment/web'), /deployment\.apps\/web rolled back/);
  await ok('rollout', 'status', 'deployment/web', '--timeout=60s');
  assert.equal(await ok('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}'), 'nginx');
  assert.equal(await ok('get', 'deployment', 'web', '-o', 'jsonpath={.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '3');
  // Revision 1's template is revision 3 now; its ReplicaSet remembers it was 1.
  const after = await ok('rollout', 'history', 'deployment/web');
  assert.doesNotMatch(after, /^1\s/m);
  assert.match(after, /^2\s+move to nginx 1\.27$/m);
  assert.match(after, /^3\s/m);
  const sets = await ok('get', 'rs', '-l', 'app=web', '-o', 'jsonpath={range .items[*]}{.metadata.annotations.deployment\\.kubernetes\\.io/revision}:{.metadata.annotations.deployment\\.kubernetes\\.io/revision-history}:{.spec.replicas}{"\\n"}{end}');
  assert.deepEqual(sets.trim().split('\n').sort(), ['2::0', '3:1:3']);
  assert.match(await ok('rollout', 'history', 'deployment/web', '--revision=2'), /Image:\s+nginx:1\.27/);
});
