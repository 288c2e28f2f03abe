// Active health checks for the userspace proxy: a TCP connect to every TCP endpoint every few
// seconds; an endpoint that refuses or times out is skipped until a later probe succeeds.
// UDP endpoints cannot be probed without knowing the protocol, so they count as healthy.
import { connect } from 'node:net';

export interface ProbeTarget {
  readonly ip: string;
  readonly port: number;
}

export function probeTcp(t: ProbeTarget, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: t.ip, port: t.port });
    const done = (ok: boolean) => {
      clearTimeout(timer);
      s.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export class Prober {
  private readonly unhealthy = new Set<string>();
  private targets: ProbeTarget[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: { intervalMs: number; timeoutMs: number; onChange?: () => void }) {}

  isHealthy(t: ProbeTarget): boolean {
    return !this.unhealthy.has(`${t.ip}:${t.port}`);
  }

  setTargets(targets: readonly ProbeTarget[]): void {
    const keys = new Set(targets.map((t) => `${t.ip}:${t.port}`));
    for (const k of this.unhealthy) if (!keys.has(k)) this.unhealthy.delete(k);
    this.targets = [...new Map(targets.map((t) => [`${t.ip}:${t.port}`, t])).values()];
    if (!this.timer && this.opts.intervalMs > 0) {
      this.timer = setInterval(() => void this.probeAll(), this.opts.intervalMs);
      this.timer.unref();
    }
  }

  /** One round of probes; exposed so tests and the first plan need not wait for the timer. */
  async probeAll(): Promise<void> {
    let changed = false;
    await Promise.all(
      this.targets.map(async (t) => {
        const key = `${t.ip}:${t.port}`;
        const ok = await probeTcp(t, this.opts.timeoutMs);
        if (ok === this.unhealthy.has(key)) changed = true;
        if (ok) this.unhealthy.delete(key);
        else this.unhealthy.add(key);
      }),
    );
    if (changed) this.opts.onChange?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
