// The enforcer's Prometheus metrics, in a registry of its own.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export class NetpolMetrics {
  readonly registry = new Registry();
  readonly syncDuration = new Histogram({
    name: 'podnet_netpol_sync_duration_seconds',
    help: 'Time to plan and write the NetworkPolicy ruleset of a node',
    buckets: [0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10],
    registers: [this.registry],
  });
  readonly failures = new Counter({ name: 'podnet_netpol_sync_failures_total', help: 'Syncs whose nft transaction failed', registers: [this.registry] });
  readonly syncs = new Counter({ name: 'podnet_netpol_syncs_total', help: 'Syncs written', registers: [this.registry] });
  readonly isolated = new Gauge({ name: 'podnet_netpol_isolated_pods', help: 'Local pods selected by a policy, per direction', labelNames: ['direction'], registers: [this.registry] });
  readonly rules = new Gauge({ name: 'podnet_netpol_rules', help: 'Allow rules in the last plan', registers: [this.registry] });
  readonly lastSync = new Gauge({ name: 'podnet_netpol_last_sync_timestamp_seconds', help: 'When the ruleset was last written', registers: [this.registry] });
  private text = '';

  async refresh(): Promise<string> {
    this.text = await this.registry.metrics();
    return this.text;
  }

  current(): string {
    return this.text;
  }
}
