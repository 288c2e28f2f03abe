// The node agent process: runs inside the node's network namespace
// (`ip netns exec <node-netns> node dist/proxy/userspace_main.js`), fed plans as JSON lines on
// stdin, answering `{"seq":N,"errors":[…]}` on stdout once listeners match the plan. It hosts the
// healthCheckNodePort servers (every mode) and, in userspace mode, the L4 proxy. It exits when
// stdin closes, so it never outlives the proxy that started it.
import { createInterface } from 'node:readline';
import { HealthCheckServers, ProxyHealthz } from './healthcheck.js';
import { UserspaceProxy } from './userspace/l4.js';
import type { ProxyPlan } from './types.js';

export interface AgentRequest {
  readonly seq: number;
  readonly plan?: ProxyPlan;
  /** Run one round of endpoint health probes now. */
  readonly probe?: boolean;
  /** Report active connection counts. */
  readonly stats?: boolean;
}

export interface AgentReply {
  readonly seq: number;
  readonly errors: readonly string[];
  readonly active?: Record<string, number>;
}

const probeIntervalMs = Number(process.env.PODNET_PROXY_PROBE_MS ?? 3000);
const health = new HealthCheckServers();
const healthz = new ProxyHealthz();
const healthzPort = Number(process.env.PODNET_PROXY_HEALTHZ_PORT ?? 0);
const l4 = new UserspaceProxy({ probeIntervalMs });
let queue: Promise<void> = Promise.resolve();

const write = (r: AgentReply) => process.stdout.write(JSON.stringify(r) + '\n');

async function handle(req: AgentRequest): Promise<void> {
  const errors: string[] = [];
  if (req.plan) {
    errors.push(...(await l4.update(req.plan.config.mode === 'userspace' ? req.plan.services : [])));
    if (req.plan.config.mode === 'userspace') await l4.prober.probeAll();
    errors.push(...(await health.update(req.plan.healthChecks)));
    healthz.planApplied();
    if (healthzPort > 0) await healthz.listen(healthzPort).catch((err: Error) => errors.push(`proxy: cannot serve healthz on ${healthzPort}: ${err.message}`));
  }
  if (req.probe) await l4.prober.probeAll();
  write({ seq: req.seq, errors, ...(req.stats ? { active: l4.active() } : {}) });
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!line.trim()) return;
  let req: AgentRequest;
  try {
    req = JSON.parse(line) as AgentRequest;
  } catch {
    return;
  }
  queue = queue.then(() => handle(req)).catch((err: unknown) => void write({ seq: req.seq, errors: [String(err)] }));
});
rl.on('close', () => {
  health.close();
  healthz.close();
  l4.close();
  process.exit(0);
});
write({ seq: 0, errors: [] });
