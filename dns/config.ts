// From Corefile tree to checked server-block configs: every plugin's options parsed up front, so
// a bad Corefile fails at start (or a reload is rejected) with the line and plugin named.
import { parseCorefile, type Directive, type ServerBlock, type ServerKey } from './corefile.js';
import { parseCache, type CacheOptions } from './cache.js';
import { parseForward, type ForwardOptions } from './forward.js';
import { parseHosts, type HostsOptions } from './hosts.js';
import { parseKubernetes, type KubernetesOptions } from './kubernetes.js';
import { parseLoadbalance } from './loadbalance.js';
import { parseLog, type LogOptions } from './log.js';
import { parseRewrite, type RewriteRule } from './rewrite.js';
import { parseDuration, pluginError } from './plugin.js';
import { PodnetError } from '../api/errors.js';
import { isIP } from 'node:net';

/** CoreDNS's plugin execution order (plugin.cfg), for the plugins podnet has. */
export const PLUGIN_ORDER = ['reload', 'bind', 'ready', 'health', 'prometheus', 'errors', 'log', 'loadbalance', 'cache', 'rewrite', 'hosts', 'kubernetes', 'loop', 'forward'] as const;
export type PluginName = (typeof PLUGIN_ORDER)[number];

export interface HttpAddr {
  host: string;
  port: number;
}

export interface BlockConfig {
  readonly line: number;
  readonly keys: readonly ServerKey[];
  readonly zones: readonly string[];
  readonly port: number;
  readonly bind: readonly string[];
  readonly errors: boolean;
  readonly log?: LogOptions;
  readonly health?: HttpAddr;
  readonly ready?: HttpAddr;
  readonly prometheus?: HttpAddr;
  readonly reloadMs?: number;
  readonly loadbalance: boolean;
  readonly cache?: CacheOptions;
  readonly rewrite: readonly RewriteRule[];
  readonly hosts?: HostsOptions;
  readonly kubernetes?: KubernetesOptions;
  readonly loop: boolean;
  readonly forward?: ForwardOptions;
}

export function parseHttpAddr(d: Directive, spec: string | undefined, dflt: HttpAddr): HttpAddr {
  if (spec === undefined) return dflt;
  const m = /^(.*):(\d+)$/.exec(spec);
  if (!m || Number(m[2]) > 65535) throw pluginError(d, `address "${spec}" is not HOST:PORT or :PORT`);
  const host = m[1]!.replace(/^\[|\]$/g, '');
  return { host: host === 'localhost' ? '127.0.0.1' : host, port: Number(m[2]) };
}

function once(seen: Set<string>, d: Directive): void {
  if (seen.has(d.name) && d.name !== 'rewrite') throw pluginError(d, 'this plugin can only be used once per server block');
  seen.add(d.name);
}

export function compileBlock(block: ServerBlock): BlockConfig {
  const ports = new Set(block.keys.map((k) => k.port));
  if (ports.size > 1) throw new PodnetError('DNS_COREFILE_INVALID', `dns: Corefile line ${block.line}: one server block cannot listen on several ports (${[...ports].join(', ')})`);
  const zones = block.keys.map((k) => k.zone);
  const seen = new Set<string>();
  const c: { -readonly [K in keyof BlockConfig]: BlockConfig[K] } = {
    line: block.line,
    keys: block.keys,
    zones,
    port: block.keys[0]!.port,
    bind: [],
    errors: false,
    loadbalance: false,
    rewrite: [],
    loop: false,
  };
  const rewrite: RewriteRule[] = [];
  for (const d of block.directives) {
    once(seen, d);
    switch (d.name) {
      case 'errors':
        c.errors = true;
        break;
      case 'log':
        c.log = parseLog(d);
        break;
      case 'health':
        c.health = parseHttpAddr(d, d.args[0], { host: '', port: 8080 });
        break;
      case 'ready':
        c.ready = parseHttpAddr(d, d.args[0], { host: '', port: 8181 });
        break;
      case 'prometheus':
        c.prometheus = parseHttpAddr(d, d.args[0], { host: '127.0.0.1', port: 9153 });
        break;
      case 'reload':
        c.reloadMs = d.args[0] ? parseDuration(d, d.args[0]) : 30_000;
        if (c.reloadMs < 2000) throw pluginError(d, `interval "${d.args[0]}" is below the minimum of 2s`);
        break;
      case 'loadbalance':
        parseLoadbalance(d);
        c.loadbalance = true;
        break;
      case 'cache':
        c.cache = parseCache(d, zones);
        break;
      case 'rewrite':
        rewrite.push(parseRewrite(d));
        break;
      case 'hosts':
        c.hosts = parseHosts(d, zones);
        break;
      case 'kubernetes':
        c.kubernetes = parseKubernetes(d, zones);
        break;
      case 'loop':
        c.loop = true;
        break;
      case 'forward':
        c.forward = parseForward(d);
        break;
      case 'bind': {
        for (const a of d.args) if (a !== 'except' && !isIP(a)) throw pluginError(d, `"${a}" is not an IP address (interface names are not supported)`);
        if (d.args.includes('except')) throw pluginError(d, '"except" is not supported');
        c.bind = [...d.args];
        break;
      }
      default:
        throw new PodnetError('DNS_COREFILE_INVALID', `dns: Corefile line ${d.line}: unknown plugin "${d.name}"`);
    }
  }
  c.rewrite = rewrite;
  return c;
}

/** Parses and checks a whole Corefile. */
export function compileCorefile(text: string, env?: Record<string, string | undefined>): BlockConfig[] {
  const blocks = parseCorefile(text, env).map(compileBlock);
  if (blocks.length === 0) throw new PodnetError('DNS_COREFILE_INVALID', 'dns: Corefile has no server block');
  // Two blocks may share a port, but not a zone on that port.
  const seen = new Map<string, number>();
  for (const b of blocks) {
    for (const z of b.zones) {
      const k = `${b.bind.join(',')}|${b.port}|${z}`;
      if (seen.has(k)) throw new PodnetError('DNS_COREFILE_INVALID', `dns: Corefile line ${b.line}: zone "${z}" on port ${b.port} is already served by the block at line ${seen.get(k)}`);
      seen.set(k, b.line);
    }
  }
  return blocks;
}
