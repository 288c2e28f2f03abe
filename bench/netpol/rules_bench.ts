// Rule programming time: plan + render + one `nft -f` transaction for Q policies over P pods on
// one node, into a fresh test namespace (root). Usage: node dist/bench/netpol/rules_bench.js [PODS POLICIES]
import { planNodePolicy } from '../../netpol/enforcer.js';
import { renderNft } from '../../netpol/render.js';
import { realNft } from '../../host/nft.js';
import { deleteNetns, ensureNetns } from '../../host/netns.js';
import { testPrefix } from '../../host/testutil.js';
import { synthCluster } from './synth.js';

const [pods = 1000, policies = 1000] = process.argv.slice(2).map(Number);
const ns = `${testPrefix()}bench`;
await ensureNetns(ns);
try {
  const c = synthCluster(pods, policies);
  const t0 = performance.now();
  const plan = planNodePolicy({ node: 'node-1', ...c, podCIDRs: ['10.244.0.0/16'] });
  const t1 = performance.now();
  const script = renderNft(plan);
  const t2 = performance.now();
  await realNft.apply(ns, script);
  const t3 = performance.now();
  await realNft.apply(ns, script);
  const t4 = performance.now();
  const rules = plan.chains.reduce((n, ch) => n + ch.rules.length, 0);
  console.log(JSON.stringify({ pods, policies, chains: plan.chains.length, rules, sets: plan.sets.length, scriptKB: Math.round(script.length / 1024), planMs: Math.round(t1 - t0), renderMs: Math.round(t2 - t1), firstApplyMs: Math.round(t3 - t2), replaceMs: Math.round(t4 - t3) }));
} finally {
  await deleteNetns(ns);
}
