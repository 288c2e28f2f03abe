import { test } from 'node:test';
import assert from 'node:assert/strict';
import { errorLines } from './testutil.js';

const deploy = (spec: string, kind = 'Deployment') => `
apiVersion: apps/v1
kind: ${kind}
metadata: {name: web, namespace: default}
spec:
${spec}`;

const template = '  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx}]}';
const selector = '  selector: {matchLabels: {app: web}}';

const cases: { name: string; yaml: string; want: string[] }[] = [
  { name: 'Deployment: selector matching the template is valid', yaml: deploy(`${selector}\n${template}`), want: [] },
  { name: 'Deployment: selector is required', yaml: deploy(template), want: ['spec.selector: Required value'] },
  {
    name: 'Deployment: selector must match the template labels',
    yaml: deploy(`  selector: {matchLabels: {app: api}}\n${template}`),
    want: ['spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
  },
  {
    name: 'Deployment: an empty selector is invalid',
    yaml: deploy(`  selector: {}\n${template}`),
    want: ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment'],
  },
  {
    name: 'Deployment: matchExpressions operators and values',
    yaml: deploy(`  selector: {matchExpressions: [{key: app, operator: In}, {key: tier, operator: Exists, values: [x]}, {key: x, operator: Near, values: [y]}]}\n${template}`),
    want: [
      "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
      "spec.selector.matchExpressions[1].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
      'spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator',
    ],
  },
  {
    name: 'Deployment: replicas may not be negative',
    yaml: deploy(`  replicas: -1\n${selector}\n${template}`),
    want: ['spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
  },
  {
    name: 'Deployment: pods of a Deployment always restart',
    yaml: deploy(`${selector}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {restartPolicy: Never, containers: [{name: app, image: nginx}]}`),
    want: ['spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  },
  {
    name: 'Deployment: maxSurge and maxUnavailable may not both be 0',
    yaml: deploy(`${selector}\n${template}\n  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 0, maxUnavailable: "0%"}}`),
    want: ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"0%"}: may not be 0 when `maxSurge` is 0'],
  },
  {
    name: 'Deployment: percentages are checked',
    yaml: deploy(`${selector}\n${template}\n  strategy: {rollingUpdate: {maxSurge: "ten", maxUnavailable: "150%"}}`),
    want: [
      'spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"ten"}: ' + "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
      'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"150%"}: must not be greater than 100%',
    ],
  },
  {
    name: 'Deployment: Recreate has no rollingUpdate',
    yaml: deploy(`${selector}\n${template}\n  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}`),
    want: ["spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"],
  },
  {
    name: 'Deployment: unknown strategy type',
    yaml: deploy(`${selector}\n${template}\n  strategy: {type: BlueGreen}`),
    want: ['spec.strategy.type: Unsupported value: "BlueGreen": supported values: "Recreate", "RollingUpdate"'],
  },
  {
    name: 'Deployment: container errors are reported under the template',
    yaml: deploy(`${selector}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app}]}`),
    want: ['spec.template.spec.containers[0].image: Required value'],
  },
  { name: 'ReplicaSet: valid', yaml: deploy(`  replicas: 2\n${selector}\n${template}`, 'ReplicaSet'), want: [] },
  { name: 'ReplicaSet: selector required', yaml: deploy(template, 'ReplicaSet'), want: ['spec.selector: Required value'] },
  { name: 'StatefulSet: valid', yaml: deploy(`  serviceName: web\n${selector}\n${template}`, 'StatefulSet'), want: [] },
  {
    name: 'StatefulSet: podManagementPolicy values',
    yaml: deploy(`  podManagementPolicy: Random\n${selector}\n${template}`, 'StatefulSet'),
    want: ["spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'"],
  },
  { name: 'DaemonSet: valid', yaml: deploy(`${selector}\n${template}`, 'DaemonSet'), want: [] },
  {
    name: 'DaemonSet: updateStrategy values',
    yaml: deploy(`${selector}\n${template}\n  updateStrategy: {type: Rolling}`, 'DaemonSet'),
    want: ['spec.updateStrategy.type: Unsupported value: "Rolling": supported values: "RollingUpdate", "OnDelete"'],
  },
];

for (const c of cases) {
  test(c.name, () => {
    assert.deepEqual(errorLines(c.yaml), c.want);
  });
}

test('Deployment update: the selector is immutable', () => {
  const old = deploy(`${selector}\n${template}`);
  const changed = deploy(`  selector: {matchLabels: {app: web, tier: fe}}\n  template:\n    metadata: {labels: {app: web, tier: fe}}\n    spec: {containers: [{name: app, image: nginx}]}`);
  assert.deepEqual(errorLines(changed, old), ['spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"app":"web", "tier":"fe"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable']);
});

test('Deployment update: replicas and image may change', () => {
  const old = deploy(`${selector}\n${template}`);
  const scaled = deploy(`  replicas: 5\n${selector}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: app, image: nginx:1.27}]}`);
  assert.deepEqual(errorLines(scaled, old), []);
});

test('StatefulSet update: only some spec fields may change', () => {
  const old = deploy(`  serviceName: web\n${selector}\n${template}`, 'StatefulSet');
  assert.deepEqual(errorLines(deploy(`  replicas: 3\n  serviceName: web\n${selector}\n${template}`, 'StatefulSet'), old), []);
  assert.deepEqual(errorLines(deploy(`  serviceName: other\n${selector}\n${template}`, 'StatefulSet'), old), [
    "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
  ]);
});

test('DaemonSet update: the selector is immutable', () => {
  const old = deploy(`${selector}\n${template}`, 'DaemonSet');
  const changed = deploy(`  selector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}\n${template}`, 'DaemonSet');
  assert.deepEqual(errorLines(changed, old), [
    'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"app", Operator:"In", Values:[]string{"web", "api"}}}}: field is immutable',
  ]);
});
