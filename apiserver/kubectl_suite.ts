// The acceptance suite: real kubectl binaries (1.27: SPDY era, JSON bodies; 1.33: WebSocket and
// protobuf bodies) against a running apiserver. Exported so the storage tests can run the same
// suite on SQLite and etcd; apiserver/kubectl_test.ts runs it on the memory store.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Storage } from '../storage/types.js';
import { kubectlPath, kubectlRunner, startTestServer, waitForOutput, type TestServer } from './testkit.js';

const here = dirname(fileURLToPath(import.meta.url));
// Compiled tests run from dist/apiserver/; the YAML stays in the source tree.
const EVERY_KIND = readFileSync([join(here, 'testdata/every-kind.yaml'), join(here, '../../apiserver/testdata/every-kind.yaml')].find((p) => existsSync(p))!, 'utf8');

function manifest(ns: string): string {
  return EVERY_KIND.replace(/\bNS\b/g, ns);
}

function header(out: string): string {
  return out.split('\n')[0]!.trim().split(/\s{2,}/).join(' ');
}

export function kubectlSuite(label: string, makeStorage: () => Promise<Storage> | Storage, versions = ['1.27', '1.33']): void {
  describe(`kubectl against the apiserver on ${label}`, () => {
    let server: TestServer;
    let storage: Storage;
    before(async () => {
      storage = await makeStorage();
      server = await startTestServer(storage);
    });
    after(async () => {
      await server?.close();
      await storage?.close();
    });

    for (const version of versions) {
      const binary = kubectlPath(version);
      describe(`kubectl ${version}`, { skip: binary ? false : `kubectl.${version} is not installed` }, () => {
        const ns = `k${version.replace('.', '')}`;
        let k: ReturnType<typeof kubectlRunner>;
        const ok = async (...args: string[]) => {
          const r = await k.run(args);
          assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed: ${r.stderr}${r.stdout}`);
          return r.stdout;
        };
        before(() => {
          k = kubectlRunner(binary!, server);
        });

        test('apply of a manifest with every kind creates each object, and a second apply changes nothing', async () => {
          const r = await k.run(['apply', '-f', '-'], { stdin: manifest(ns) });
          assert.equal(r.code, 0, r.stderr);
          for (const line of ['namespace/NS created', 'node/NS-node created', 'pod/web-0 created', 'service/web created', 'endpointslice.discovery.k8s.io/web-abcde created', 'deployment.apps/web created', 'ingress.networking.k8s.io/web created', 'networkpolicy.networking.k8s.io/allow-web created', 'httproute.gateway.networking.k8s.io/route created', 'event/web-0.start created']) {
            assert.match(r.stdout, new RegExp(line.replace('NS', ns).replace(/\./g, '\\.')));
          }
          const again = await k.run(['apply', '-f', '-'], { stdin: manifest(ns) });
          assert.equal(again.code, 0, again.stderr);
          // kubectl decides "unchanged" itself: it sends no PATCH when its three-way diff is empty.
          // Two manifests always diff on real clusters too: stringData is write-only (kubernetes
          // issue 87736) and Endpoints subsets are an atomic list whose port protocol the server
          // defaults. Everything else must come back unchanged.
          const changed = again.stdout.split('\n').filter((l) => l !== '' && !/ unchanged$/.test(l));
          assert.deepEqual(changed, ['secret/web-secret configured', 'endpoints/manual configured']);
        });

        test('a second apply of a Secret with data and Endpoints with explicit protocols prints unchanged', async () => {
          const text = `apiVersion: v1\nkind: Secret\nmetadata: {name: plain, namespace: ${ns}}\ndata: {k: dg==}\n---\napiVersion: v1\nkind: Endpoints\nmetadata: {name: explicit, namespace: ${ns}}\nsubsets:\n- addresses: [{ip: 10.244.1.5}]\n  ports: [{port: 8080, protocol: TCP}]\n`;
          assert.equal((await k.run(['apply', '-f', '-'], { stdin: text })).code, 0);
          const again = await k.run(['apply', '-f', '-'], { stdin: text });
          assert.equal(again.code, 0, again.stderr);
          assert.equal(again.stdout, 'secret/plain unchanged\nendpoints/explicit unchanged\n');
        });

        test('apply that turns a Service into ExternalName drops its clusterIP', async () => {
          const svc = (spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: turns-external, namespace: ${ns}}\nspec:\n${spec}`;
          assert.equal((await k.run(['apply', '-f', '-'], { stdin: svc('  ports: [{port: 80}]\n') })).code, 0);
          const before = JSON.parse(await ok('get', 'svc', 'turns-external', '-n', ns, '-o', 'json'));
          assert.match(before.spec.clusterIP, /^10\./);
          const r = await k.run(['apply', '-f', '-'], { stdin: svc('  type: ExternalName\n  externalName: db.example.com\n') });
          assert.equal(r.code, 0, r.stderr);
          const after = JSON.parse(await ok('get', 'svc', 'turns-external', '-n', ns, '-o', 'json'));
          assert.equal(after.spec.type, 'ExternalName');
          assert.equal(after.spec.clusterIP, undefined);
          assert.equal(after.spec.clusterIPs, undefined);
        });

        test('auth can-i says yes (one token may do everything), can-i --list lists *, whoami names the admin', async () => {
          assert.equal(await ok('auth', 'can-i', 'create', 'pods', '-n', ns), 'yes\n');
          assert.equal(await ok('auth', 'can-i', 'delete', 'networkpolicies.networking.k8s.io', '-A'), 'yes\n');
          assert.match(await ok('auth', 'can-i', '--list', '-n', ns), /^\*\.\*\s+\[\]\s+\[\]\s+\[\*\]$/m);
          assert.match(await ok('auth', 'whoami'), /^Username\s+podnet-admin$/m);
        });

        test('a single-stack cluster refuses RequireDualStack and IPv6, and gives 53/TCP and 53/UDP one node port', async () => {
          const svc = (name: string, spec: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  selector: {app: dns}\n${spec}`;
          const dual = await k.run(['apply', '-f', '-'], { stdin: svc('dual', '  ipFamilyPolicy: RequireDualStack\n  ports: [{port: 80}]\n') });
          assert.notEqual(dual.code, 0);
          assert.match(dual.stderr, /The Service "dual" is invalid: spec\.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services/);
          const v6 = await k.run(['apply', '-f', '-'], { stdin: svc('v6', '  ipFamilies: [IPv6]\n  ports: [{port: 80}]\n') });
          assert.match(v6.stderr, /spec\.ipFamilies\[0\]: Invalid value: "IPv6": not configured on this cluster/);
          const r = await k.run(['apply', '-f', '-'], { stdin: svc('dns-np', '  type: NodePort\n  ipFamilyPolicy: PreferDualStack\n  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]\n') });
          assert.equal(r.code, 0, r.stderr);
          const got = JSON.parse(await ok('get', 'svc', 'dns-np', '-n', ns, '-o', 'json'));
          assert.deepEqual([got.spec.ipFamilies, got.spec.ipFamilyPolicy], [['IPv4'], 'PreferDualStack']);
          assert.equal(got.spec.ports[0].nodePort, got.spec.ports[1].nodePort);
        });

        test('a field selector on a field the kind cannot be selected on is refused with 400', async () => {
          const r = await k.run(['get', 'pods', '-n', ns, '--field-selector', 'spec.clusterIP=1']);
          assert.notEqual(r.code, 0);
          assert.match(r.stderr, /^Error from server \(BadRequest\): .*field selector "spec\.clusterIP=1": field label not supported: spec\.clusterIP$/m);
        });

        test('get prints the columns real clusters print, with -o wide extras', async () => {
          assert.equal(header(await ok('get', 'pods', '-n', ns, '-o', 'wide')), 'NAME READY STATUS RESTARTS AGE IP NODE NOMINATED NODE READINESS GATES');
          const svc = await ok('get', 'svc', '-n', ns, '-o', 'wide');
          assert.equal(header(svc), 'NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE SELECTOR');
          assert.match(svc, /web\s+ClusterIP\s+10\.\d+\.\d+\.\d+\s+<none>\s+80\/TCP\s+\S+\s+app=web/);
          const slices = await ok('get', 'endpointslices', '-n', ns);
          assert.equal(header(slices), 'NAME ADDRESSTYPE PORTS ENDPOINTS AGE');
          assert.match(slices, /web-abcde\s+IPv4\s+80\s+10\.244\.1\.10/);
          const ing = await ok('get', 'ingress', '-n', ns);
          assert.equal(header(ing), 'NAME CLASS HOSTS ADDRESS PORTS AGE');
          assert.match(ing, new RegExp(`web\\s+${ns}-class\\s+web\\.example\\.com\\s+80`));
          const np = await ok('get', 'netpol', '-n', ns);
          assert.equal(header(np), 'NAME POD-SELECTOR AGE');
          assert.match(np, /allow-web\s+app=web/);
          assert.equal(header(await ok('get', 'deploy', '-n', ns, '-o', 'wide')), 'NAME READY UP-TO-DATE AVAILABLE AGE CONTAINERS IMAGES SELECTOR');
          assert.match(await ok('get', 'deploy', '-n', ns), /web\s+0\/2\s+0\s+0/);
          assert.equal(header(await ok('get', 'nodes', '-o', 'wide')).split(' ').slice(0, 6).join(' '), 'NAME STATUS ROLES AGE VERSION INTERNAL-IP');
          assert.match(await ok('get', 'node', `${ns}-node`), /worker/);
          assert.equal(header(await ok('get', 'events', '-n', ns)), 'LAST SEEN TYPE REASON OBJECT MESSAGE');
          assert.match(await ok('get', 'cm', '-n', ns), /web-config\s+2/);
          assert.match(await ok('get', 'secret', '-n', ns), /web-secret\s+Opaque\s+1/);
          assert.match(await ok('get', 'statefulsets,daemonsets,replicasets', '-n', ns), /statefulset\.apps\/db[\s\S]*daemonset\.apps\/agent[\s\S]*replicaset\.apps\/rs/);
          assert.match(await ok('get', 'httproute,gateway', '-n', ns), /route[\s\S]*gw/);
        });

        test('get -o yaml, -o json, -l and -A', async () => {
          assert.match(await ok('get', 'svc', 'web', '-n', ns, '-o', 'yaml'), /kind: Service[\s\S]*clusterIP: 10\./);
          const json = JSON.parse(await ok('get', 'pod', 'web-0', '-n', ns, '-o', 'json'));
          assert.equal(json.metadata.name, 'web-0');
          assert.match(json.metadata.uid, /^[0-9a-f-]{36}$/);
          const labelled = await ok('get', 'pods', '-n', ns, '-l', 'tier=front', '-o', 'name');
          assert.equal(labelled.trim(), 'pod/web-0');
          assert.equal((await ok('get', 'pods', '-n', ns, '-l', 'tier=back', '-o', 'name')).trim(), '');
          assert.match(await ok('get', 'svc', '-A'), new RegExp(`${ns}\\s+web`));
          assert.match(await ok('get', 'pods', '-n', ns, '--field-selector', 'metadata.name=web-0', '-o', 'name'), /pod\/web-0/);
        });

        test('describe shows services, pods, ingresses, network policies and their events', async () => {
          assert.match(await ok('describe', 'svc', 'web', '-n', ns), /Name:\s+web[\s\S]*Selector:\s+app=web/);
          const uid = JSON.parse(await ok('get', 'pod', 'web-0', '-n', ns, '-o', 'json')).metadata.uid;
          const event = {
            apiVersion: 'v1',
            kind: 'Event',
            metadata: { name: 'web-0.pulled', namespace: ns },
            involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'web-0', namespace: ns, uid },
            reason: 'Pulled',
            message: 'Image nginx:1.25 stands in for the built-in echo server',
            type: 'Normal',
            source: { component: 'kubelet' },
            count: 1,
          };
          const created = await k.run(['create', '-f', '-'], { stdin: JSON.stringify(event) });
          assert.equal(created.code, 0, created.stderr);
          const pod = await ok('describe', 'pod', 'web-0', '-n', ns);
          assert.match(pod, /Name:\s+web-0/);
          assert.match(pod, /Pulled\s+\S+\s+kubelet\s+Image nginx:1\.25 stands in/);
          assert.match(await ok('describe', 'ingress', 'web', '-n', ns), /web\.example\.com/);
          assert.match(await ok('describe', 'networkpolicy', 'allow-web', '-n', ns), /PodSelector:\s+app=web/);
        });

        test('get all lists the workload kinds and services', async () => {
          const out = await ok('get', 'all', '-n', ns);
          for (const name of ['pod/web-0', 'service/web', 'deployment.apps/web', 'replicaset.apps/rs', 'statefulset.apps/db', 'daemonset.apps/agent']) assert.match(out, new RegExp(name.replace(/\./g, '\\.')));
        });

        test('re-apply with a changed and a removed field updates one and drops the other', async () => {
          const changed = manifest(ns).replace('data: {greeting: hello, color: blue}', 'data: {greeting: bonjour}');
          const r = await k.run(['apply', '-f', '-'], { stdin: changed });
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, /configmap\/web-config configured/);
          const cm = JSON.parse(await ok('get', 'cm', 'web-config', '-n', ns, '-o', 'json'));
          assert.deepEqual(cm.data, { greeting: 'bonjour' });
        });

        test('server-side apply creates, then drops a field removed from the manifest', async () => {
          const cm = (data: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ssa, namespace: ${ns}}\ndata: ${data}\n`;
          const first = await k.run(['apply', '--server-side', '-f', '-'], { stdin: cm('{a: "1", b: "2"}') });
          assert.equal(first.code, 0, first.stderr);
          assert.match(first.stdout, /configmap\/ssa serverside-applied/);
          const second = await k.run(['apply', '--server-side', '-f', '-'], { stdin: cm('{a: "3"}') });
          assert.equal(second.code, 0, second.stderr);
          assert.deepEqual(JSON.parse(await ok('get', 'cm', 'ssa', '-n', ns, '-o', 'json')).data, { a: '3' });
        });

        test('server-side apply reports a conflict with another manager; --force-conflicts takes the field', async () => {
          const deploy = (replicas: number) =>
            `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: owned, namespace: ${ns}}\nspec:\n  replicas: ${replicas}\n  selector: {matchLabels: {app: owned}}\n  template:\n    metadata: {labels: {app: owned}}\n    spec:\n      containers: [{name: c, image: nginx}]\n`;
          assert.equal((await k.run(['apply', '--server-side', '-f', '-'], { stdin: deploy(2) })).code, 0);
          await ok('scale', 'deploy', 'owned', '-n', ns, '--replicas', '5');
          const clash = await k.run(['apply', '--server-side', '-f', '-'], { stdin: deploy(3) });
          assert.notEqual(clash.code, 0);
          // kubectl scale sends no ?fieldManager=, so the manager is the user agent's first word, as
          // upstream names it: the binary's name (here kubectl.1.xx, normally "kubectl").
          assert.match(clash.stderr, new RegExp(`Apply failed with 1 conflict: conflict with "kubectl\\.${version.replace('.', '\\.')}" using apps/v1: \\.spec\\.replicas`));
          const forced = await k.run(['apply', '--server-side', '--force-conflicts', '-f', '-'], { stdin: deploy(3) });
          assert.equal(forced.code, 0, forced.stderr);
          assert.equal(JSON.parse(await ok('get', 'deploy', 'owned', '-n', ns, '-o', 'json')).spec.replicas, 3);
        });

        test('server-side apply of the every-kind manifest, then a re-apply drops a removed field', async () => {
          const ssaNs = `${ns}s`;
          const r = await k.run(['apply', '--server-side', '-f', '-'], { stdin: manifest(ssaNs) });
          assert.equal(r.code, 0, r.stderr);
          const lines = r.stdout.trim().split('\n');
          assert.equal(lines.length, manifest(ssaNs).split('\n---\n').length);
          for (const line of lines) assert.match(line, /serverside-applied$/);
          const changed = manifest(ssaNs).replace('data: {greeting: hello, color: blue}', 'data: {greeting: hola}');
          const again = await k.run(['apply', '--server-side', '-f', '-'], { stdin: changed });
          assert.equal(again.code, 0, again.stderr);
          assert.deepEqual(JSON.parse(await ok('get', 'cm', 'web-config', '-n', ssaNs, '-o', 'json')).data, { greeting: 'hola' });
          assert.equal((await k.run(['delete', 'ns', ssaNs])).code, 0);
        });

        test('label, annotate, patch and scale change the live objects', async () => {
          await ok('label', 'svc', 'web', '-n', ns, 'team=blue');
          await ok('annotate', 'svc', 'web', '-n', ns, 'note=hi');
          await ok('patch', 'svc', 'web', '-n', ns, '-p', '{"spec":{"ports":[{"name":"http","port":80,"targetPort":8080}]}}');
          await ok('patch', 'deploy', 'web', '-n', ns, '--type', 'json', '-p', '[{"op":"add","path":"/metadata/labels","value":{"patched":"yes"}}]');
          await ok('scale', 'deploy', 'web', '-n', ns, '--replicas', '5');
          const svc = JSON.parse(await ok('get', 'svc', 'web', '-n', ns, '-o', 'json'));
          assert.equal(svc.metadata.labels.team, 'blue');
          assert.equal(svc.metadata.annotations.note, 'hi');
          assert.equal(svc.spec.ports.length, 1);
          assert.equal(svc.spec.ports[0].targetPort, 8080);
          const deploy = JSON.parse(await ok('get', 'deploy', 'web', '-n', ns, '-o', 'json'));
          assert.equal(deploy.spec.replicas, 5);
          assert.equal(deploy.metadata.labels.patched, 'yes');
          assert.ok(deploy.metadata.generation >= 2);
        });

        test('create namespace, deployment, service clusterip, secret and configmap', async () => {
          const extra = `${ns}-made`;
          await ok('create', 'namespace', extra);
          await ok('create', 'deployment', 'made', '--image', 'nginx', '-n', extra);
          await ok('create', 'service', 'clusterip', 'made', '--tcp', '80:8080', '-n', extra);
          await ok('create', 'secret', 'generic', 'made', '--from-literal', 'k=v', '-n', extra);
          await ok('create', 'configmap', 'made', '--from-literal', 'k=v', '-n', extra);
          const out = await ok('get', 'deploy,svc,secret,cm', '-n', extra, '-o', 'name');
          for (const name of ['deployment.apps/made', 'service/made', 'secret/made', 'configmap/made']) assert.match(out, new RegExp(name.replace('.', '\\.')));
          const ns2 = JSON.parse(await ok('get', 'ns', extra, '-o', 'json'));
          assert.equal(ns2.metadata.labels['kubernetes.io/metadata.name'], extra);
        });

        test('get -w streams a change as it happens', { timeout: 30_000 }, async () => {
          const child = k.spawn(['get', 'cm', 'web-config', '-n', ns, '-w']);
          try {
            await waitForOutput(child, /web-config/);
            const seen = waitForOutput(child, /web-config\s+3/);
            await ok('patch', 'cm', 'web-config', '-n', ns, '--type', 'merge', '-p', '{"data":{"x":"1","y":"2"}}');
            await seen;
          } finally {
            child.kill();
          }
        });

        test('explain describes kinds and fields from the served OpenAPI v3 schemas', async () => {
          const svc = await ok('explain', 'service.spec.type');
          assert.match(svc, /KIND:\s+Service\n/);
          assert.match(svc, /FIELD: type <string>/);
          assert.match(svc, /How the Service is exposed/);
          // kubectl shows a field's enum since 1.28, in the listing of its parent.
          if (version !== '1.27') assert.match(await ok('explain', 'service.spec'), /type\t<string>\n\s+enum: ClusterIP, ExternalName, LoadBalancer, NodePort\n/);
          const port = await ok('explain', 'svc.spec.ports');
          assert.match(port, /port\t<integer> -required-/);
          assert.match(port, /targetPort\t</);
          const netpol = await ok('explain', 'networkpolicy.spec', '--recursive');
          for (const field of ['podSelector', 'policyTypes', 'ingress', 'from', 'namespaceSelector', 'ipBlock', 'cidr', 'endPort']) assert.match(netpol, new RegExp(`\\b${field}\\t<`));
          for (const [what, kind] of [['ingress.spec.rules.http.paths.pathType', 'Ingress'], ['endpointslice.endpoints.conditions.ready', 'EndpointSlice'], ['deploy.spec.template.spec.containers.ports.containerPort', 'Deployment'], ['pod.spec.containers.readinessProbe.httpGet', 'Pod'], ['httproute.spec.rules.backendRefs', 'HTTPRoute']]) {
            assert.match(await ok('explain', what!), new RegExp(`KIND:\\s+${kind}\\n`), what);
          }
          const missing = await k.run(['explain', 'service.spec.nope']);
          assert.notEqual(missing.code, 0);
          assert.match(missing.stderr, /field "nope" does not exist/);
        });

        test('an invalid manifest is refused with the field and kubectl usual wording', async () => {
          const bad = `apiVersion: v1\nkind: Service\nmetadata: {name: web, namespace: ${ns}}\nspec:\n  ports: [{port: 0, targetPort: 80}]\n`;
          const r = await k.run(['apply', '-f', '-'], { stdin: bad.replace('name: web', 'name: invalid-web') });
          assert.notEqual(r.code, 0);
          assert.match(r.stderr, /The Service "invalid-web" is invalid: spec\.ports\[0\]\.port: Invalid value: 0: must be between 1 and 65535, inclusive/);
        });

        test('delete -f waits for the objects to go and returns', async () => {
          const r = await k.run(['delete', '-f', '-', '--ignore-not-found'], { stdin: manifest(ns) });
          assert.equal(r.code, 0, r.stderr);
          assert.match(r.stdout, new RegExp(`namespace "${ns}" deleted`));
          assert.match(r.stdout, new RegExp(`node "${ns}-node" deleted`));
          const left = await k.run(['get', 'ns', ns]);
          assert.notEqual(left.code, 0);
          assert.match(left.stderr, /NotFound/);
        });
      });
    }
  });
}
