// Root integration tests: a real node netns, the reference CNI plugins, real processes, probes,
// resolv.conf through `ip netns exec`, graceful deletion and adoption after a kubelet restart.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { KubeObject, Pod } from '../api/types.js';
import { MemorySource } from '../client/memory.js';
import { R } from '../client/source.js';
import { rootTestsEnabled, run } from '../host/exec.js';
import { netnsExists, netnsPids } from '../host/netns.js';
import { dialInNetns, dialerPid } from '../host/relay.js';
import { startKubelet, type Kubelet } from './kubelet.js';
import { memoryWriter, type MemoryWriter } from './memorywriter.js';
import { makeTestNode, type TestNode } from './testing.js';
import { shortHash } from './names.js';

const AGNHOST = 'registry.k8s.io/e2e-test-images/agnhost:2.47';
let seq = 0;

function pod(name: string, spec: Partial<Pod['spec']> & { containers: NonNullable<Pod['spec']>['containers'] }, meta: Partial<NonNullable<Pod['metadata']>> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'shop', uid: `uid-${name}-${++seq}`, ...meta }, spec: { nodeName: 'n1', ...spec } };
}

function waitFor<T>(source: MemorySource, check: () => T | undefined, what: string, ms = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const offs: (() => void)[] = [];
    const off = () => offs.forEach((f) => f());
    const timer = setTimeout(() => (off(), reject(new Error(`timed out waiting for ${what}`))), ms);
    const test = () => {
      const v = check();
      if (v !== undefined && v !== false) {
        clearTimeout(timer);
        off();
        resolve(v);
      }
    };
    for (const ref of [R.pods, R.events]) offs.push(source.informer(ref).onChange(() => setImmediate(test)));
    test();
  });
}

const getPod = (s: MemorySource, name: string) => s.informer(R.pods).get('shop', name) as Pod | undefined;
const cond = (p: Pod | undefined, type: string) => p?.status?.conditions?.find((c) => c.type === type)?.status;

async function execOut(k: Kubelet, name: string, command: string[]): Promise<{ out: string; exitCode: number }> {
  let out = '';
  const sink = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
  const { exitCode } = await k.podStreams.exec({ namespace: 'shop', pod: name, command, tty: false, stdout: sink, stderr: sink, signal: new AbortController().signal });
  return { out, exitCode };
}

describe('kubelet on a real node netns', { skip: !rootTestsEnabled() }, () => {
  let t: TestNode;
  let source: MemorySource;
  let writer: MemoryWriter;
  let k: Kubelet;
  let networkReady: ((p: Pod) => Promise<void>) | undefined;
  const start = () =>
    startKubelet({ node: t.node, source, writer, stateDir: t.stateDir, clusterDNS: '10.96.0.10', clusterDomain: 'cluster.local', podnetBin: 'bin/podnet', cluster: t.cluster, nodeResolvConf: t.resolvConf, heartbeatMs: 300, podNetworkReady: (p) => networkReady?.(p) ?? Promise.resolve() });

  before(async () => {
    t = await makeTestNode();
    source = new MemorySource();
    writer = memoryWriter(source);
    k = await start();
  });
  after(async () => {
    await k?.stop({ removePods: true }).catch(() => {});
    await t?.cleanup();
  });

  test('the node registers as Ready', () => {
    const node = source.informer(R.nodes).get(undefined, 'n1') as { status?: { conditions?: { type: string; status: string }[] } };
    assert.equal(node.status?.conditions?.find((c) => c.type === 'Ready')?.status, 'True');
  });

  test('pods get IPs, run, serve their ports to other pods, and report Running/Ready', async () => {
    source.apply(pod('web', { containers: [{ name: 'c', image: AGNHOST, args: ['netexec', '--http-port=8080', '--udp-port=8081'], ports: [{ containerPort: 8080 }], readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 1 } }] }));
    source.apply(pod('client', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    const web = await waitFor(source, () => { const p = getPod(source, 'web'); return cond(p, 'Ready') === 'True' ? p : undefined; }, 'web Ready');
    const client = await waitFor(source, () => { const p = getPod(source, 'client'); return p?.status?.phase === 'Running' ? p : undefined; }, 'client Running');
    assert.match(web.status?.podIP ?? '', /^10\.244\.1\.\d+$/);
    assert.notEqual(web.status?.podIP, client.status?.podIP);
    assert.equal(web.status?.hostIP, '10.244.1.1');
    assert.deepEqual(web.status?.containerStatuses?.[0]?.state?.running !== undefined, true);
    assert.equal(web.status?.containerStatuses?.[0]?.ready, true);
    const r = await execOut(k, 'client', ['curl', '-s', '--max-time', '5', `http://${web.status?.podIP}:8080/clientip`]);
    assert.equal(r.exitCode, 0);
    assert.equal(r.out.split(':')[0], client.status?.podIP, 'the server sees the client pod IP');
    const udp = await execOut(k, 'client', ['curl', '-s', '--max-time', '5', `http://${web.status?.podIP}:8080/dial?request=hostname&host=${web.status?.podIP}&port=8081&protocol=udp`]);
    assert.deepEqual(JSON.parse(udp.out), { responses: ['web'] });
  });

  test('a failing readiness probe keeps the pod NotReady while it runs', async () => {
    source.apply(pod('unready', { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], readinessProbe: { httpGet: { path: '/', port: 9999 }, periodSeconds: 1, failureThreshold: 1 } }] }));
    await waitFor(source, () => writer.events.some((e) => e.involvedObject.name === 'unready' && e.reason === 'Unhealthy'), 'Unhealthy event');
    const p = getPod(source, 'unready');
    assert.equal(p?.status?.phase, 'Running');
    assert.equal(cond(p, 'Ready'), 'False');
    assert.equal(p?.status?.containerStatuses?.[0]?.ready, false);
  });

  test('a failing liveness probe restarts the container', async () => {
    source.apply(pod('unlive', { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], livenessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1, failureThreshold: 1, terminationGracePeriodSeconds: 1 } }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'unlive'); return (p?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 1 ? p : undefined; }, 'restartCount 1');
    assert.ok(p.status?.containerStatuses?.[0]?.lastState?.terminated, 'the previous run is in lastState');
    assert.ok(writer.events.some((e) => e.involvedObject.name === 'unlive' && e.reason === 'Killing'));
  });

  test('resolv.conf inside the pod is what the kubelet wrote for its dnsPolicy', async () => {
    source.apply(pod('dns-cf', { containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }], dnsConfig: { options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }] } }));
    source.apply(pod('dns-default', { dnsPolicy: 'Default', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    source.apply(pod('dns-none', { dnsPolicy: 'None', dnsConfig: { nameservers: ['192.0.2.53'], searches: ['a.test'] }, hostname: 'h1', subdomain: 'sub', containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
    for (const n of ['dns-cf', 'dns-default', 'dns-none']) await waitFor(source, () => getPod(source, n)?.status?.phase === 'Running', `${n} Running`);
    assert.equal((await execOut(k, 'dns-cf', ['cat', '/etc/resolv.conf'])).out, 'search shop.svc.cluster.local svc.cluster.local cluster.local example.test\nnameserver 10.96.0.10\noptions ndots:2 edns0\n');
    assert.equal((await execOut(k, 'dns-default', ['cat', '/etc/resolv.conf'])).out, 'search example.test\nnameserver 203.0.113.53\n');
    assert.equal((await execOut(k, 'dns-none', ['cat', '/etc/resolv.conf'])).out, 'search a.test\nnameserver 192.0.2.53\n');
    const ip = getPod(source, 'dns-none')?.status?.podIP;
    assert.match((await execOut(k, 'dns-none', ['cat', '/etc/hosts'])).out, new RegExp(`${ip?.replace(/\./g, '\\.')}\\th1\\.sub\\.shop\\.svc\\.cluster\\.local\\th1\\n`));
  });

  test('each pod has its own hostname (spec.hostname or its name, cut to 63) in its own UTS namespace', async () => {
    const machine = os.hostname();
    const long = `l${'x'.repeat(69)}`;
    source.apply(pod(long, { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo "I am $(hostname)"; sleep 3600'] }] }));
    const p = await waitFor(source, () => { const p = getPod(source, long); return p?.status?.phase === 'Running' ? p : undefined; }, 'long-named pod Running');
    assert.equal((await execOut(k, 'dns-cf', ['hostname'])).out, 'dns-cf\n');
    assert.equal((await execOut(k, 'dns-none', ['hostname'])).out, 'h1\n');
    assert.equal((await execOut(k, 'dns-none', ['hostname', '-f'])).out, 'h1.sub.shop.svc.cluster.local\n', 'hostname -f comes from the pod hosts file');
    assert.equal((await execOut(k, 'dns-cf', ['hostname', '-f'])).out, 'dns-cf\n');
    assert.equal((await execOut(k, long, ['hostname'])).out, `${long.slice(0, 63)}\n`);
    const logs = await k.podStreams.logs('shop', long, { follow: false }, new AbortController().signal);
    let text = '';
    for await (const c of logs) text += String(c);
    assert.equal(text, `I am ${long.slice(0, 63)}\n`, 'the container process itself sees it');
    assert.equal(os.hostname(), machine, "the machine's hostname is untouched");
    const uts = path.join(t.stateDir, 'kubelet', 'n1', 'pods', p.metadata!.uid!, 'uts');
    source.remove(R.pods, 'shop', long);
    await k.idle();
    assert.equal(fs.existsSync(uts), false, 'the UTS namespace file goes with the pod');
    assert.doesNotMatch(fs.readFileSync('/proc/self/mountinfo', 'utf8'), new RegExp(p.metadata!.uid!), 'and its bind mount');
  });

  test('a dial relay into a pod netns (probes, port-forward) does not outlive the pod', async () => {
    source.apply(pod('relayed', { terminationGracePeriodSeconds: 1, containers: [{ name: 'c', image: 'hashicorp/http-echo', args: ['-text=relayed', '-listen=:5678'], ports: [{ containerPort: 5678 }], readinessProbe: { httpGet: { path: '/', port: 5678 }, periodSeconds: 1 } }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'relayed'); return cond(p, 'Ready') === 'True' ? p : undefined; }, 'relayed Ready');
    const netns = k.podNetns('shop', 'relayed')!;
    const sock = await dialInNetns(netns, '127.0.0.1', 5678);
    const reply = await new Promise<string>((resolve) => {
      let buf = '';
      sock.on('data', (c: Buffer) => (buf += c.toString()));
      sock.on('end', () => resolve(buf));
      sock.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    assert.match(reply, /relayed\n$/);
    const relay = await dialerPid(netns);
    assert.ok(relay, 'a dial relay runs in the pod netns');
    source.apply({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 1 } } as KubeObject);
    await waitFor(source, () => getPod(source, 'relayed') === undefined, 'relayed deleted');
    assert.throws(() => process.kill(relay, 0), 'the relay process is gone');
    assert.notEqual((await run('ip', ['netns', 'pids', netns])).code, 0, 'the netns is gone');
    assert.equal(await netnsExists(netns), false);
  });

  test('containers start only after podNetworkReady has seen the pod with its IP', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const seen = new Promise<Pod>((resolve) => {
      networkReady = async (p) => {
        if (p.metadata?.name !== 'gated') return;
        resolve(p);
        await gate;
      };
    });
    try {
      source.apply(pod('gated', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo started; sleep 3600'] }] }));
      const announced = await seen;
      assert.match(announced.status?.podIP ?? '', /^10\.244\.1\.\d+$/);
      assert.equal(announced.status?.podIP, k.podIP('shop', 'gated'));
      await k.idle();
      assert.equal(getPod(source, 'gated')?.status?.containerStatuses?.[0]?.state?.waiting?.reason, 'ContainerCreating', 'no container runs yet');
      release();
      await waitFor(source, () => getPod(source, 'gated')?.status?.phase === 'Running', 'gated Running');
    } finally {
      networkReady = undefined;
      release();
    }
  });

  test('logs keep the container output; exec returns exit codes', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      k.podStreams.logs('shop', 'web', {}, new AbortController().signal).then((s) => { let o = ''; s.on('data', (c: Buffer) => (o += c.toString())); s.on('end', () => resolve(o)); }, reject);
    });
    assert.match(text, /serving on 8080, 8081/);
    assert.equal((await execOut(k, 'client', ['sh', '-c', 'exit 3'])).exitCode, 3);
  });

  test('port-forward opens a TCP connection to the pod port', async () => {
    const sock = await k.podStreams.portForward('shop', 'web', 8080, new AbortController().signal);
    const reply = await new Promise<string>((resolve) => {
      let buf = '';
      sock.on('data', (c: Buffer) => (buf += c.toString()));
      sock.on('end', () => resolve(buf));
      sock.write('GET /hostname HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    assert.match(reply, /^HTTP\/1\.1 200 OK/);
    assert.match(reply, /\r\n\r\nweb$/);
  });

  test('hostPort DNATs the node address to the pod', async () => {
    source.apply(pod('hp', { containers: [{ name: 'c', image: 'hashicorp/http-echo', args: ['-text=via-hostport', '-listen=:5678'], ports: [{ containerPort: 5678, hostPort: 18080 }] }] }));
    await waitFor(source, () => getPod(source, 'hp')?.status?.phase === 'Running', 'hp Running');
    await k.idle();
    const r = await run('curl', ['-s', '--max-time', '5', '--retry', '20', '--retry-connrefused', '--retry-delay', '0', 'http://10.244.1.1:18080/'], { netns: t.node.netns });
    assert.equal(r.stdout, 'via-hostport\n');
  });

  test('init containers run to completion first; restartPolicy Never ends Succeeded or Failed', async () => {
    source.apply(pod('job-ok', { restartPolicy: 'Never', initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'echo init-done'] }], containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 0'] }] }));
    source.apply(pod('job-bad', { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'exit 7'] }] }));
    const ok = await waitFor(source, () => { const p = getPod(source, 'job-ok'); return p?.status?.phase === 'Succeeded' ? p : undefined; }, 'job-ok Succeeded');
    assert.equal(ok.status?.initContainerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(ok.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Completed');
    assert.equal(cond(ok, 'Initialized'), 'True');
    const bad = await waitFor(source, () => { const p = getPod(source, 'job-bad'); return p?.status?.phase === 'Failed' ? p : undefined; }, 'job-bad Failed');
    await k.idle();
    assert.equal(fs.existsSync(`/run/netns/pn-${t.cluster}-pod-${shortHash(ok.metadata!.uid!)}`), false, 'a finished pod gives its netns and IP back');
    assert.match((await new Promise<string>((resolve) => { void k.podStreams.logs('shop', 'job-ok', { container: 'init' }, new AbortController().signal).then((st) => { let o = ''; st.on('data', (c: Buffer) => (o += c.toString())); st.on('end', () => resolve(o)); }); })), /init-done/);
    assert.equal(bad.status?.containerStatuses?.[0]?.state?.terminated?.exitCode, 7);
    assert.equal(bad.status?.containerStatuses?.[0]?.state?.terminated?.reason, 'Error');
  });

  test('a pod stuck in an init container can still be deleted', async () => {
    source.apply(pod('stuck', { terminationGracePeriodSeconds: 1, initContainers: [{ name: 'wait', image: 'busybox', command: ['sleep', '3600'] }], containers: [{ name: 'c', image: 'nginx' }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'stuck'); return p?.status?.initContainerStatuses?.[0]?.state?.running ? p : undefined; }, 'init running');
    assert.equal(p.status?.phase, 'Pending');
    assert.equal(cond(p, 'Initialized'), 'False');
    source.apply({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 1 } } as KubeObject);
    await waitFor(source, () => getPod(source, 'stuck') === undefined, 'stuck deleted');
  });

  test('a hostNetwork pod runs in the node netns with the node IP', async () => {
    source.apply(pod('hostnet', { hostNetwork: true, containers: [{ name: 'c', image: 'podnet/echo', ports: [{ containerPort: 18090 }] }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'hostnet'); return p?.status?.phase === 'Running' ? p : undefined; }, 'hostnet Running');
    assert.equal(p.status?.podIP, t.node.ip);
    const r = await run('curl', ['-s', '--max-time', '5', '--retry', '20', '--retry-connrefused', '--retry-delay', '0', 'http://127.0.0.1:18090/'], { netns: t.node.netns });
    assert.match(r.stdout, /^Hostname: hostnet\n/);
    assert.equal((await execOut(k, 'hostnet', ['hostname'])).out, 'n1\n', "a hostNetwork pod has its node's hostname");
  });

  test('a crashing container goes into CrashLoopBackOff', async () => {
    source.apply(pod('crash', { containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'echo boom; exit 1'] }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'crash'); return p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === 'CrashLoopBackOff' ? p : undefined; }, 'CrashLoopBackOff');
    assert.equal(p.status?.containerStatuses?.[0]?.restartCount, 1);
    assert.equal(p.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode, 1);
  });

  test('logs of the previous run survive a restart', async () => {
    const s = await k.podStreams.logs('shop', 'crash', { previous: true }, new AbortController().signal);
    let text = '';
    for await (const c of s) text += String(c);
    assert.equal(text, 'boom\n');
  });

  test('unknown images get the echo server with an Event, SCTP ports an Event', async () => {
    source.apply(pod('odd', { containers: [{ name: 'c', image: 'quay.io/acme/billing:v3', ports: [{ containerPort: 8080 }, { containerPort: 9999, protocol: 'SCTP' }] }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'odd'); return p?.status?.phase === 'Running' ? p : undefined; }, 'odd Running');
    const evs = writer.events.filter((e) => e.involvedObject.name === 'odd').map((e) => e.reason);
    assert.ok(evs.includes('BuiltinWorkload'));
    assert.ok(evs.includes('SCTPUnsupported'));
    const r = await execOut(k, 'client', ['curl', '-s', '--max-time', '5', '--retry', '20', '--retry-connrefused', '--retry-delay', '0', `http://${p.status?.podIP}:8080/x`]);
    assert.match(r.out, /^Hostname: odd\nPod: odd\nNamespace: shop\n/);
  });

  test('attach wires a tty shell container to the client (kubectl run -it busybox -- sh)', async () => {
    source.apply(pod('debug', { containers: [{ name: 'debug', image: 'busybox', args: ['sh'], stdin: true, stdinOnce: true, tty: true }] }));
    await waitFor(source, () => getPod(source, 'debug')?.status?.phase === 'Running', 'debug Running');
    const stdin = new (await import('node:stream')).PassThrough();
    let out = '';
    const stdout = new Writable({ write: (c, _e, cb) => ((out += c.toString()), cb()) });
    // As the apiserver sends it: an exec without a command.
    const done = k.podStreams.exec({ namespace: 'shop', pod: 'debug', command: [], tty: true, stdin, stdout, signal: new AbortController().signal });
    stdin.write('echo attached-$((40+2))\n');
    stdin.write('exit 5\n');
    const { exitCode } = await done;
    assert.match(out, /attached-42/);
    assert.equal(exitCode, 0, "attach ends cleanly; the container's exit code goes to the pod status");
    await waitFor(source, () => getPod(source, 'debug')?.status?.containerStatuses?.[0]?.lastState?.terminated?.exitCode === 5 || getPod(source, 'debug')?.status?.containerStatuses?.[0]?.state?.terminated?.exitCode === 5, 'exit code 5 in the status');
  });

  test('metrics count pods, starts, restarts and probes under the kubelet names', async () => {
    const text = await k.kubeletMetrics();
    const running = [...text.matchAll(/^kubelet_running_pods (\d+)$/gm)].map((m) => Number(m[1]));
    assert.equal(running.length, 1);
    assert.ok(running[0]! >= 5, `kubelet_running_pods ${running[0]}`);
    assert.match(text, /^kubelet_running_containers\{container_state="running"\} [1-9]\d*$/m);
    assert.match(text, /^kubelet_running_containers\{container_state="exited"\} [1-9]\d*$/m, 'the crash-looping and finished containers');
    assert.match(text, /^kubelet_pod_start_duration_seconds_count [1-9]\d*$/m);
    assert.match(text, /^kubelet_run_podsandbox_duration_seconds_count\{runtime_handler=""\} [1-9]\d*$/m);
    assert.match(text, /^kubelet_started_pods_total [1-9]\d*$/m);
    assert.match(text, /^kubelet_started_containers_total\{container_type="container"\} [1-9]\d*$/m);
    assert.match(text, /^kubelet_started_containers_total\{container_type="init_container"\} [1-9]\d*$/m);
    assert.match(text, /^kubelet_node_name\{node="n1"\} 1$/m);
    assert.match(text, /^prober_probe_total\{probe_type="Readiness",result="failed"\} [1-9]/m);
    assert.match(text, /^prober_probe_total\{probe_type="Liveness",result="failed"\} [1-9]/m);
    assert.match(text, /^prober_probe_duration_seconds_count\{probe_type="Readiness"\} [1-9]/m);
    assert.match(text, /^podnet_kubelet_container_restarts_total [1-9]/m);
  });

  test('the node heartbeat moves lastHeartbeatTime', async () => {
    const ready = () => (source.informer(R.nodes).get(undefined, 'n1') as { status?: { conditions?: { type: string; lastHeartbeatTime?: string }[] } }).status?.conditions?.find((c) => c.type === 'Ready')?.lastHeartbeatTime;
    const first = ready();
    await new Promise<void>((resolve) => {
      const off = source.informer(R.nodes).onChange(() => ready() !== first && (off(), resolve()));
    });
    assert.notEqual(ready(), first);
  });

  test('deletion honours the grace period, then leaves no netns or processes', async () => {
    source.apply(pod('stubborn', { terminationGracePeriodSeconds: 2, containers: [{ name: 'c', image: 'busybox', command: ['sh', '-c', 'trap "echo got TERM" TERM; echo trapping; while true; do sleep 0.2; done'] }] }));
    const p = await waitFor(source, () => { const p = getPod(source, 'stubborn'); return p?.status?.phase === 'Running' ? p : undefined; }, 'stubborn Running');
    const netns = k.podNetns('shop', 'stubborn')!;
    assert.ok(await netnsExists(netns));
    const pids = await netnsPids(netns);
    assert.ok(pids.length > 0);
    const log = await k.podStreams.logs('shop', 'stubborn', { follow: true }, new AbortController().signal);
    let logText = '';
    log.on('data', (c: Buffer) => (logText += c.toString()));
    const logEnded = new Promise((r) => log.on('end', r));
    // A SIGTERM that comes before the shell has set its trap would just kill it.
    await new Promise<void>((resolve) => {
      const check = () => /trapping/.test(logText) && (log.off('data', check), resolve());
      log.on('data', check);
      check();
    });
    let seenTerminating = false;
    const off = source.informer(R.pods).onChange((c) => {
      if (c.type === 'MODIFIED' && c.object.metadata?.name === 'stubborn' && c.object.metadata?.deletionTimestamp) seenTerminating = true;
    });
    source.apply({ ...p, metadata: { ...p.metadata, deletionTimestamp: new Date().toISOString(), deletionGracePeriodSeconds: 2 } } as KubeObject);
    await waitFor(source, () => getPod(source, 'stubborn') === undefined, 'final delete');
    off();
    await logEnded;
    assert.ok(seenTerminating, 'the pod was terminating before it was deleted');
    assert.match(logText, /got TERM/, 'SIGTERM came first');
    assert.ok(writer.events.some((e) => e.involvedObject.name === 'stubborn' && e.reason === 'Killing'));
    assert.equal(await netnsExists(netns), false);
    for (const pid of pids) assert.throws(() => process.kill(pid, 0), 'process is gone');
    assert.equal(fs.existsSync(`/etc/netns/${netns}`), false);
  });

  test('a restarted kubelet adopts running pods with the same IP and removes orphans', async () => {
    const ipBefore = getPod(source, 'web')?.status?.podIP;
    const orphan = getPod(source, 'dns-default')!;
    const orphanNetns = k.podNetns('shop', 'dns-default')!;
    await k.stop();
    source.remove(R.pods, 'shop', 'dns-default');
    k = await start();
    await k.idle();
    assert.equal(k.podIP('shop', 'web'), ipBefore);
    assert.equal(await netnsExists(orphanNetns), false, `orphan ${orphan.metadata?.name} removed`);
    await waitFor(source, () => cond(getPod(source, 'web'), 'Ready') === 'True', 'web Ready again');
    const r = await execOut(k, 'client', ['curl', '-s', '--max-time', '5', `http://${ipBefore}:8080/hostname`]);
    assert.equal(r.out, 'web');
    assert.equal((await execOut(k, 'web', ['hostname'])).out, 'web\n', 'the UTS namespace is adopted too');
  });
});
