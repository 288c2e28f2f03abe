// The `loop` plugin: at start the server asks itself `<random>.<random>.<zone> HINFO`; if that
// query comes back in more than twice, queries are being forwarded to ourselves (CoreDNS exits).
import { randomInt } from 'node:crypto';
import { type Next, type Plugin, type Request, type Result } from './plugin.js';

export class LoopPlugin implements Plugin {
  readonly name = 'loop';
  readonly probeName: string;
  seen = 0;
  constructor(zone: string) {
    this.probeName = `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}.${zone === '.' ? '' : zone}`;
  }
  get detected(): boolean {
    return this.seen > 2;
  }
  handle(req: Request, next: Next): Result {
    if (req.q.name === this.probeName) {
      this.seen++;
      // Stop the loop here: without this the probe would circle until every upstream times out.
      if (this.detected) return { rcode: 2, aa: false, answer: [], authority: [], additional: [] };
    }
    return next(req);
  }
}
