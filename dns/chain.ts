// Builds one server block's plugin chain from its config, in CoreDNS's plugin order.
import type { BlockConfig } from './config.js';
import { CachePlugin } from './cache.js';
import { ForwardPlugin } from './forward.js';
import { HostsPlugin } from './hosts.js';
import { KubernetesPlugin } from './kubernetes.js';
import { LoadbalancePlugin } from './loadbalance.js';
import { ErrorsPlugin, LogPlugin } from './log.js';
import { LoopPlugin } from './loop.js';
import { RewritePlugin } from './rewrite.js';
import type { Next, Plugin, PluginEnv, Request, Result } from './plugin.js';
import { RCODE } from './wire.js';

export interface Chain {
  readonly plugins: readonly Plugin[];
  readonly run: Next;
  readonly log?: LogPlugin;
  readonly loop?: LoopPlugin;
  readonly kubernetes?: KubernetesPlugin;
  readonly cache?: CachePlugin;
  readonly forward?: ForwardPlugin;
}

const END: Next = (req: Request): Result => {
  // CoreDNS: "no next plugin found" — nothing in this block handles the name.
  req.plugin = req.plugin ?? '';
  return { rcode: RCODE.SERVFAIL, aa: false, answer: [], authority: [], additional: [] };
};

export function buildChain(cfg: BlockConfig, env: PluginEnv): Chain {
  const plugins: Plugin[] = [];
  const log = cfg.log ? new LogPlugin(cfg.log) : undefined;
  const loop = cfg.loop ? new LoopPlugin(cfg.zones[0]!) : undefined;
  const kubernetes = cfg.kubernetes ? new KubernetesPlugin(cfg.kubernetes, env) : undefined;
  const cache = cfg.cache ? new CachePlugin(cfg.cache, env) : undefined;
  const forward = cfg.forward ? new ForwardPlugin(cfg.forward, env) : undefined;
  if (cfg.errors) plugins.push(new ErrorsPlugin(env));
  if (log) plugins.push(log);
  if (cfg.loadbalance) plugins.push(new LoadbalancePlugin());
  if (cache) plugins.push(cache);
  if (cfg.rewrite.length) plugins.push(new RewritePlugin(cfg.rewrite));
  if (cfg.hosts) plugins.push(new HostsPlugin(cfg.hosts, env));
  if (kubernetes) plugins.push(kubernetes);
  if (loop) plugins.push(loop);
  if (forward) plugins.push(forward);
  // Pre-bind each plugin to its successor once, so a query walks closures, not an index.
  let run: Next = END;
  for (let i = plugins.length - 1; i >= 0; i--) {
    const p = plugins[i]!;
    const next = run;
    run = (req) => p.handle(req, next);
  }
  return { plugins, run, log, loop, kubernetes, cache, forward };
}
