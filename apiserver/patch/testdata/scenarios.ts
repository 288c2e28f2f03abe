// Client-side apply scenarios: a manifest applied, then changed and applied again. kubectl
// computes the strategic merge patch between them; the server must end up holding exactly the
// second manifest plus whatever the server itself set (defaults, annotations).
import { parse } from 'yaml';
import type { KubeObject } from '../../../api/types.js';

export interface Scenario {
  name: string;
  kind: 'Deployment' | 'Service';
  before: KubeObject;
  after: KubeObject;
}

const deployment = (spec: string, meta = 'labels: {app: web}', top = '') =>
  parse(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, ${meta}}
spec:${top}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
${spec}`) as KubeObject;

const app = (extra = '') => `
      - name: app
        image: nginx:1
        ports: [{containerPort: 80, name: http}]${extra}`;

export const SCENARIOS: Scenario[] = [
  {
    name: 're-apply with a changed field',
    kind: 'Deployment',
    before: deployment(`    spec:\n      containers:${app()}`),
    after: deployment(`    spec:\n      containers:${app().replace('nginx:1', 'nginx:2')}`),
  },
  {
    name: 'a removed field (kubectl sends null)',
    kind: 'Deployment',
    before: deployment(`    spec:\n      containers:${app()}`, 'labels: {app: web, tier: front}', '\n  replicas: 3\n  minReadySeconds: 5'),
    after: deployment(`    spec:\n      containers:${app()}`),
  },
  {
    name: 'a removed container',
    kind: 'Deployment',
    before: deployment(`    spec:\n      containers:${app()}\n      - {name: sidecar, image: busybox}`),
    after: deployment(`    spec:\n      containers:${app()}`),
  },
  {
    name: 'a removed container port',
    kind: 'Deployment',
    before: deployment(`    spec:\n      containers:${app().replace('[{containerPort: 80, name: http}]', '[{containerPort: 80, name: http}, {containerPort: 8080, name: admin}]')}`),
    after: deployment(`    spec:\n      containers:${app()}`),
  },
  {
    name: 'reordered lists ($setElementOrder)',
    kind: 'Deployment',
    before: deployment(`    spec:\n      containers:${app('\n        env: [{name: A, value: "1"}, {name: B, value: "2"}]')}\n      - {name: sidecar, image: busybox}`),
    after: deployment(`    spec:\n      containers:\n      - {name: sidecar, image: busybox}${app('\n        env: [{name: B, value: "2"}, {name: A, value: "1"}, {name: C, value: "3"}]')}`),
  },
  {
    name: 'a volume changing its source ($retainKeys)',
    kind: 'Deployment',
    before: deployment(`    spec:\n      volumes: [{name: data, emptyDir: {}}]\n      containers:${app()}`),
    after: deployment(`    spec:\n      volumes: [{name: data, configMap: {name: cfg}}]\n      containers:${app()}`),
  },
  {
    name: 'Service ports: one removed, one changed',
    kind: 'Service',
    before: parse(`
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 80, targetPort: 8080}, {name: https, port: 443, targetPort: 8443}]`) as KubeObject,
    after: parse(`
apiVersion: v1
kind: Service
metadata: {name: web, annotations: {team: a}}
spec:
  selector: {app: web, tier: front}
  ports: [{name: http, port: 80, targetPort: 9090}]`) as KubeObject,
  },
];

/** Stand-in for apiserver defaulting: fields the server sets that no manifest mentions. */
export function serverDefaults(obj: KubeObject): KubeObject {
  const o = structuredClone(obj) as any;
  if (o.kind === 'Deployment') {
    o.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
    o.spec.template.spec.dnsPolicy ??= 'ClusterFirst';
    for (const c of o.spec.template.spec.containers ?? []) {
      c.imagePullPolicy ??= 'IfNotPresent';
      for (const p of c.ports ?? []) p.protocol ??= 'TCP';
    }
    o.status ??= { observedGeneration: 1 };
  }
  if (o.kind === 'Service') {
    o.spec.clusterIP ??= '10.96.0.12';
    o.spec.type ??= 'ClusterIP';
    for (const p of o.spec.ports ?? []) p.protocol ??= 'TCP';
  }
  return o as KubeObject;
}
