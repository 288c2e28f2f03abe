// Data-plane cost of policy: TCP throughput between two pods on one node's bridge (iperf3, 3 s)
// with no policy table vs with the enforcer's table for 1k policies (both pods selected, plus a
// policy that allows their traffic). Root only. Usage: node dist/bench/netpol/throughput_bench.js [POLICIES] [ROUNDS]
import { run, runOk } from '../../host/exec.js';
import { realNft } from '../../host/nft.js';
import { testPrefix } from '../../host/testutil.js';
import { planNodePolicy } from '../../netpol/enforcer.js';
import { renderNft } from '../../netpol/render.js';
import { FAMILY, TABLE } from '../../netpol/names.js';
import { buildLiveTopology } from '../../netpol/conformance/live.js';
import type { NetworkPolicy } from '../../api/types.js';
import { synthCluster } from './synth.js';

const [policies = 1000, rounds = 3] = process.argv.slice(2).map(Number);
const c = synthCluster(1000, policies);
const a = c.pods[10]!;
const b = c.pods[11]!;
const allow = (ns: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: ns, name }, spec });
const plan = planNodePolicy({
  node: 'node-1',
  ...c,
  policies: [
    ...c.policies,
    allow(a.metadata!.namespace!, 'bench-out', { podSelector: { matchLabels: a.metadata!.labels! }, policyTypes: ['Egress', 'Ingress'], egress: [{}] }),
    allow(b.metadata!.namespace!, 'bench-in', { podSelector: { matchLabels: b.metadata!.labels! }, ingress: [{}] }),
  ],
});
const script = renderNft(plan);
const prefix = testPrefix();
const topo = await buildLiveTopology(prefix, new Map([['a/a', a.status!.podIP!], ['b/b', b.status!.podIP!]]), { cidr: '10.244.0.0/24', gateway: '10.244.0.1', ports: [80] });
try {
  const server = topo.pods.get('b/b')!;
  await runOk('iperf3', ['-s', '-D', '--pidfile', `/tmp/${prefix}iperf.pid`], { netns: server.netns });
  const measure = async (): Promise<number> => {
    const out = await runOk('iperf3', ['-c', server.ip, '-t', '3', '-J'], { netns: topo.pods.get('a/a')!.netns });
    return (JSON.parse(out) as { end: { sum_received: { bits_per_second: number } } }).end.sum_received.bits_per_second / 1e9;
  };
  const none: number[] = [];
  const withPolicy: number[] = [];
  for (let r = 0; r < rounds; r++) {
    await realNft.deleteTable(topo.nodeNetns, FAMILY, TABLE);
    none.push(await measure());
    await realNft.apply(topo.nodeNetns, script);
    withPolicy.push(await measure());
  }
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  console.log(JSON.stringify({ policies, isolatedChains: plan.chains.length, rounds, gbpsNone: none.map((x) => +x.toFixed(2)), gbpsWith: withPolicy.map((x) => +x.toFixed(2)), ratio: +(median(withPolicy) / median(none)).toFixed(3) }));
} finally {
  const pid = await run('cat', [`/tmp/${prefix}iperf.pid`]);
  if (pid.code === 0 && /^\d+$/.test(pid.stdout.trim())) process.kill(Number(pid.stdout.trim()));
  await run('rm', ['-f', `/tmp/${prefix}iperf.pid`]);
  await topo.destroy();
}
