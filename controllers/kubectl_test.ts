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
