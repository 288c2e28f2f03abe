// The `loadbalance` plugin: rotates A/AAAA records so clients that take the first address
// spread over all of them (CoreDNS round_robin).
import type { Directive } from './corefile.js';
import { pluginError, type Next, type Plugin, type Request, type Result } from './plugin.js';
import { T, type Answer, type RR } from './wire.js';

export function parseLoadbalance(d: Directive): void {
  if (d.args.length && d.args[0] !== 'round_robin') throw pluginError(d, `policy "${d.args[0]}" is not supported (only round_robin)`);
}

export class LoadbalancePlugin implements Plugin {
  readonly name = 'loadbalance';
  private turn = 0;
  handle(req: Request, next: Next): Result {
    const r = next(req);
    return r instanceof Promise ? r.then((a) => this.rotate(a)) : this.rotate(r);
  }
  rotate(a: Answer): Answer {
    const addrs: RR[] = [];
    const others: RR[] = [];
    for (const rr of a.answer) (rr.type === T.A || rr.type === T.AAAA ? addrs : others).push(rr);
    if (addrs.length < 2) return a;
    const n = this.turn++ % addrs.length;
    // CNAMEs stay first so the chain still reads top-down.
    return { ...a, answer: [...others, ...addrs.slice(n), ...addrs.slice(0, n)] };
  }
}
