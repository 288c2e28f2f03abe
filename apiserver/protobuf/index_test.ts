import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs/minimal.js';
import { decodeProtobufObject, isProtobufContentType, PROTOBUF_MAGIC, ProtobufError } from './index.js';
import { captureKubectl, KUBECTL_133 } from './kubectl_capture.js';
import { FIXTURES } from './testdata/fixtures.js';

/** JSON as kubectl prints it has `null` timestamps and `{}` for empty structs; the body carries neither. */
function normalize(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(normalize);
  if (typeof v !== 'object' || v === null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) {
    const n = normalize(x);
    if (n === null || (typeof n === 'object' && !Array.isArray(n) && Object.keys(n).length === 0)) continue;
    out[k] = n;
  }
  return out;
}

type Field = [number, string | number | boolean | Uint8Array | Field[]];

function encode(fields: Field[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const [n, v] of fields) {
    if (typeof v === 'string') w.uint32((n << 3) | 2).string(v);
    else if (typeof v === 'number') w.uint32(n << 3).int64(v);
    else if (typeof v === 'boolean') w.uint32(n << 3).bool(v);
    else if (v instanceof Uint8Array) w.uint32((n << 3) | 2).bytes(v);
    else w.uint32((n << 3) | 2).bytes(encode(v));
  }
  return w.finish();
}

function envelope(apiVersion: string, kind: string, raw: Field[]): Uint8Array {
  const unknown = encode([[1, [[1, apiVersion], [2, kind]]], [2, encode(raw)]]);
  return Buffer.concat([PROTOBUF_MAGIC, unknown]);
}

const entry = (k: string, v: string | Uint8Array | Field[]): Field[] => [[1, k], [2, v]];

describe('decodeProtobufObject', () => {
  for (const f of FIXTURES) {
    it(`decodes kubectl 1.33 "${f.args.join(' ')}" to the JSON kubectl would send`, () => {
      const obj = decodeProtobufObject(Buffer.from(f.hex, 'hex'));
      assert.deepEqual(obj, normalize(f.json));
    });
  }

  it('keeps an explicit replicas: 0 (a pointer field) but drops zero non-pointer fields', () => {
    const f = FIXTURES.find((x) => x.args.includes('zero'))!;
    const obj = decodeProtobufObject(Buffer.from(f.hex, 'hex')) as { spec: { replicas?: number; minReadySeconds?: number } };
    assert.equal(obj.spec.replicas, 0);
    assert.equal('minReadySeconds' in obj.spec, false);
  });

  it('decodes Secret data bytes to base64 strings and keeps the type', () => {
    const f = FIXTURES.find((x) => x.args.includes('docker-registry'))!;
    const obj = decodeProtobufObject(Buffer.from(f.hex, 'hex')) as { type: string; data: Record<string, string> };
    assert.equal(obj.type, 'kubernetes.io/dockerconfigjson');
    const cfg = JSON.parse(Buffer.from(obj.data['.dockerconfigjson']!, 'base64').toString()) as { auths: Record<string, unknown> };
    assert.ok(cfg.auths['registry.example.test']);
  });

  it('decodes a Deployment with env, resources, probes, volumes, strategy and full ObjectMeta', () => {
    const container: Field[] = [
      [1, 'app'],
      [2, 'ghcr.io/x/app:1'],
      [3, 'serve'],
      [4, '--port=8080'],
      [6, [[1, 'http'], [3, 8080], [4, 'TCP']]],
      [7, [[1, 'MODE'], [2, 'prod']]],
      [7, [[1, 'POD_IP'], [3, [[1, [[1, 'v1'], [2, 'status.podIP']]]]]]],
      [7, [[1, 'TOKEN'], [3, [[4, [[1, [[1, 'creds']]], [2, 'token'], [3, true]]]]]]],
      [8, [[1, entry('cpu', [[1, '500m']])], [2, entry('memory', [[1, '64Mi']])]]],
      [9, [[1, 'scratch'], [3, '/tmp/scratch'], [2, true]]],
      [11, [[1, [[2, [[1, '/healthz'], [2, [[1, 1], [3, 'http']]]]]]], [3, 1], [4, 5]]],
      [10, [[1, [[3, [[1, [[1, 0], [2, 8080]]]]]]], [2, 3]]],
    ];
    const body = envelope('apps/v1', 'Deployment', [
      [1, [
        [1, 'api'], [2, ''], [3, 'shop'], [7, 0],
        [8, [[1, 1_700_000_000], [2, 0]]],
        [11, entry('app', 'api')],
        [12, entry('note', 'hello')],
        [13, [[1, 'ReplicaSet'], [3, 'api-1'], [4, 'uid-1'], [5, 'apps/v1'], [6, true]]],
        [14, 'example.test/cleanup'],
      ]],
      [2, [
        [1, 3],
        [2, [[1, entry('app', 'api')], [2, [[1, 'tier'], [2, 'In'], [3, 'web'], [3, 'api']]]]],
        [3, [[1, [[11, entry('app', 'api')]]], [2, [
          [1, [[1, 'scratch'], [2, [[2, []]]]]],
          [1, [[1, 'conf'], [2, [[19, [[1, [[1, 'cfg']]], [3, 420]]]]]]],
          [2, container],
          [7, entry('disk', 'ssd')],
          [22, [[1, 'dedicated'], [2, 'Equal'], [3, 'api'], [4, 'NoSchedule']]],
        ]]]],
        [4, [[1, 'RollingUpdate'], [2, [[1, [[1, 1], [3, '25%']]], [2, [[1, 0], [2, 1]]]]]]],
        [6, 5],
      ]],
    ]);
    assert.deepEqual(decodeProtobufObject(body), {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'api',
        namespace: 'shop',
        creationTimestamp: '2023-11-14T22:13:20Z',
        labels: { app: 'api' },
        annotations: { note: 'hello' },
        ownerReferences: [{ kind: 'ReplicaSet', name: 'api-1', uid: 'uid-1', apiVersion: 'apps/v1', controller: true }],
        finalizers: ['example.test/cleanup'],
      },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'api'] }] },
        template: {
          metadata: { labels: { app: 'api' } },
          spec: {
            volumes: [
              { name: 'scratch', emptyDir: {} },
              { name: 'conf', configMap: { name: 'cfg', defaultMode: 420 } },
            ],
            containers: [
              {
                name: 'app',
                image: 'ghcr.io/x/app:1',
                command: ['serve'],
                args: ['--port=8080'],
                ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
                env: [
                  { name: 'MODE', value: 'prod' },
                  { name: 'POD_IP', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'status.podIP' } } },
                  { name: 'TOKEN', valueFrom: { secretKeyRef: { name: 'creds', key: 'token', optional: true } } },
                ],
                resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
                volumeMounts: [{ name: 'scratch', mountPath: '/tmp/scratch', readOnly: true }],
                readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, timeoutSeconds: 1, periodSeconds: 5 },
                livenessProbe: { tcpSocket: { port: 8080 }, initialDelaySeconds: 3 },
              },
            ],
            nodeSelector: { disk: 'ssd' },
            tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'api', effect: 'NoSchedule' }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: 1 } },
        revisionHistoryLimit: 5,
      },
    });
  });

  it('decodes ConfigMap binaryData to base64 and keeps immutable', () => {
    const cm = decodeProtobufObject(envelope('v1', 'ConfigMap', [[1, [[1, 'bin']]], [3, entry('blob', Uint8Array.of(0, 255, 1))], [4, true]]));
    assert.deepEqual(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'bin' }, binaryData: { blob: 'AP8B' }, immutable: true });
  });

  it('decodes Secret stringData and type, and Service fields kubectl create never sets', () => {
    const secret = decodeProtobufObject(envelope('v1', 'Secret', [[1, [[1, 's'], [3, 'ns']]], [3, 'kubernetes.io/tls'], [4, entry('tls.crt', 'PEM')], [5, false]]));
    assert.deepEqual(secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ns' }, type: 'kubernetes.io/tls', stringData: { 'tls.crt': 'PEM' }, immutable: false });
    const svc = decodeProtobufObject(
      envelope('v1', 'Service', [
        [1, [[1, 'lb'], [9, [[1, 1_700_000_000]]], [10, 30]]],
        [2, [
          [1, [[1, 'dns'], [2, 'UDP'], [3, 53], [4, [[1, 0], [2, 5353]]]]],
          [4, 'LoadBalancer'],
          [11, 'Local'],
          [14, [[1, [[1, 600]]]]],
          [17, 'PreferDualStack'],
          [18, '10.96.0.20'],
          [19, 'IPv4'],
          [20, false],
        ]],
      ]),
    );
    assert.deepEqual(svc, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'lb', deletionTimestamp: '2023-11-14T22:13:20Z', deletionGracePeriodSeconds: 30 },
      spec: {
        ports: [{ name: 'dns', protocol: 'UDP', port: 53, targetPort: 5353 }],
        type: 'LoadBalancer',
        externalTrafficPolicy: 'Local',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 600 } },
        ipFamilyPolicy: 'PreferDualStack',
        clusterIPs: ['10.96.0.20'],
        ipFamilies: ['IPv4'],
        allocateLoadBalancerNodePorts: false,
      },
    });
  });

  it('rejects a body without the k8s\\0 magic as invalid (400)', () => {
    assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}')), (e: unknown) => e instanceof ProtobufError && e.code === 'PROTOBUF_INVALID' && e.httpStatus === 400);
  });

  it('rejects a truncated body as invalid', () => {
    const f = FIXTURES[1]!;
    const cut = Buffer.from(f.hex, 'hex').subarray(0, 40);
    assert.throws(() => decodeProtobufObject(cut), (e: unknown) => e instanceof ProtobufError && e.code === 'PROTOBUF_INVALID');
  });

  it('rejects an out-of-range timestamp and never throws anything but ProtobufError on corrupted bodies', () => {
    const body = envelope('v1', 'Namespace', [[1, [[1, 'ns'], [8, [[1, 9e15]]]]]]);
    assert.throws(() => decodeProtobufObject(body), (e: unknown) => e instanceof ProtobufError && /out of range/.test(e.message));
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(FIXTURES[i % FIXTURES.length]!.hex, 'hex');
      b[4 + Math.floor(rnd() * (b.length - 4))] = Math.floor(rnd() * 256);
      try {
        decodeProtobufObject(b);
      } catch (e) {
        assert.ok(e instanceof ProtobufError, String(e));
      }
    }
  });

  it('rejects kinds it has no schema for with 415, so nothing is silently dropped', () => {
    const body = envelope('batch/v1', 'Job', [[1, [[1, 'j']]]]);
    assert.throws(() => decodeProtobufObject(body), (e: unknown) => e instanceof ProtobufError && e.code === 'PROTOBUF_UNSUPPORTED_KIND' && e.httpStatus === 415);
  });

  it('rejects a field number missing from the schema instead of dropping it', () => {
    const body = envelope('v1', 'Namespace', [[1, [[1, 'ns']]], [9, 'surprise']]);
    assert.throws(() => decodeProtobufObject(body), (e: unknown) => e instanceof ProtobufError && e.code === 'PROTOBUF_UNKNOWN_FIELD' && /Namespace/.test(e.message));
  });
});

describe('isProtobufContentType', () => {
  it('matches the Kubernetes protobuf media type with or without parameters', () => {
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
    assert.equal(isProtobufContentType('Application/Vnd.Kubernetes.Protobuf; charset=binary'), true);
    assert.equal(isProtobufContentType('application/json'), false);
    assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf;stream=watch'), true);
    assert.equal(isProtobufContentType(undefined), false);
  });
});

describe('real kubectl 1.33 against a server that decodes its protobuf bodies', { skip: !existsSync(KUBECTL_133) && 'kubectl 1.33 not installed' }, () => {
  for (const args of [
    ['create', 'deployment', 'live', '--image=nginx', '--port=8080', '--replicas=3'],
    ['create', 'service', 'clusterip', 'live', '--tcp=80:http'],
    ['create', 'secret', 'generic', 'live', '--from-literal=k=v'],
  ]) {
    it(`"kubectl ${args.join(' ')}" succeeds and the object equals its --dry-run JSON`, async () => {
      const live = await captureKubectl(args, (c) => decodeProtobufObject(c.body));
      assert.equal(live.code, 0, live.stderr);
      assert.match(live.stdout, /created/);
      assert.equal(live.captured.length, 1);
      assert.equal(isProtobufContentType(live.captured[0]!.contentType), true);
      const dry = await captureKubectl([...args, '--dry-run=client', '-o', 'json'], () => ({}));
      assert.deepEqual(decodeProtobufObject(live.captured[0]!.body), normalize(JSON.parse(dry.stdout)));
    });
  }
});
