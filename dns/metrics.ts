// Prometheus counters with CoreDNS's metric names. Hand-rolled rather than prom-client because
// they sit on the per-query path: one Map lookup per increment, no label-object hashing.
type Labels = readonly string[];

interface Family {
  readonly name: string;
  readonly help: string;
  readonly kind: 'counter' | 'gauge' | 'histogram';
  readonly labels: readonly string[];
}

export class Counter {
  readonly values = new Map<string, number>();
  constructor(readonly family: Family) {}
  inc(labels: Labels, by = 1): void {
    this.incKey(labels.join('\u0000'), by);
  }
  /** Hot path: the label values already joined with NUL (see `labelKey`). */
  incKey(k: string, by = 1): void {
    this.values.set(k, (this.values.get(k) ?? 0) + by);
  }
  set(labels: Labels, v: number): void {
    this.values.set(labels.join('\u0000'), v);
  }
  get(labels: Labels): number {
    return this.values.get(labels.join('\u0000')) ?? 0;
  }
  /** Sum over every series whose labels match the given ones (undefined = any). */
  sum(match: Record<string, string> = {}): number {
    let total = 0;
    for (const [k, v] of this.values) {
      const parts = k.split('\u0000');
      if (this.family.labels.every((l, i) => match[l] === undefined || match[l] === parts[i])) total += v;
    }
    return total;
  }
}

// CoreDNS: prometheus.ExponentialBuckets(0.00025, 2, 16).
const BUCKETS = Array.from({ length: 16 }, (_, i) => 0.00025 * 2 ** i);

export class Histogram {
  readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(readonly family: Family) {}
  observe(labels: Labels, seconds: number): void {
    this.observeKey(labels.join('\u0000'), seconds);
  }
  observeKey(k: string, seconds: number): void {
    let s = this.series.get(k);
    if (!s) this.series.set(k, (s = { counts: new Array(BUCKETS.length).fill(0), sum: 0, count: 0 }));
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.counts[i]!++;
    s.sum += seconds;
    s.count++;
  }
}

export function labelKey(...values: string[]): string {
  return values.join('\u0000');
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(names: readonly string[], key: string, extra = ''): string {
  const vals = key === '' && names.length === 0 ? [] : key.split('\u0000');
  const parts = names.map((n, i) => `${n}="${esc(vals[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export class Metrics {
  private readonly all: (Counter | Histogram)[] = [];
  /** Gauges computed when scraped (cache sizes, upstream health). */
  private readonly collectors: (() => void)[] = [];

  counter(name: string, help: string, labels: readonly string[], kind: 'counter' | 'gauge' = 'counter'): Counter {
    const c = new Counter({ name, help, kind, labels });
    this.all.push(c);
    return c;
  }
  histogram(name: string, help: string, labels: readonly string[]): Histogram {
    const h = new Histogram({ name, help, kind: 'histogram', labels });
    this.all.push(h);
    return h;
  }
  onCollect(fn: () => void): void {
    this.collectors.push(fn);
  }

  /** Prometheus text exposition format 0.0.4. */
  render(): string {
    for (const fn of this.collectors) fn();
    const out: string[] = [];
    for (const m of this.all) {
      const f = m.family;
      out.push(`# HELP ${f.name} ${f.help}`, `# TYPE ${f.name} ${f.kind}`);
      if (m instanceof Counter) {
        for (const [k, v] of m.values) out.push(`${f.name}${labelText(f.labels, k)} ${v}`);
      } else {
        for (const [k, s] of m.series) {
          BUCKETS.forEach((b, i) => out.push(`${f.name}_bucket${labelText(f.labels, k, `le="${b}"`)} ${s.counts[i]}`));
          out.push(`${f.name}_bucket${labelText(f.labels, k, 'le="+Inf"')} ${s.count}`);
          out.push(`${f.name}_sum${labelText(f.labels, k)} ${s.sum}`, `${f.name}_count${labelText(f.labels, k)} ${s.count}`);
        }
      }
    }
    return `${out.join('\n')}\n`;
  }
}

/** The metric families podnet's DNS server exports (CoreDNS names). */
export function dnsMetrics() {
  const m = new Metrics();
  return {
    registry: m,
    requests: m.counter('coredns_dns_requests_total', 'Counter of DNS requests made per zone, protocol and family.', ['server', 'zone', 'proto', 'family', 'type']),
    responses: m.counter('coredns_dns_responses_total', 'Counter of response status codes.', ['server', 'zone', 'rcode', 'plugin']),
    duration: m.histogram('coredns_dns_request_duration_seconds', 'Histogram of the time (in seconds) each request took per zone.', ['server', 'zone', 'type']),
    cacheEntries: m.counter('coredns_cache_entries', 'The number of elements in the cache.', ['server', 'type', 'zones'], 'gauge'),
    cacheHits: m.counter('coredns_cache_hits_total', 'The count of cache hits.', ['server', 'type', 'zones']),
    cacheMisses: m.counter('coredns_cache_misses_total', 'The count of cache misses. Deprecated, derive misses from cache hits/requests counters.', ['server', 'zones']),
    cacheRequests: m.counter('coredns_cache_requests_total', 'The count of cache requests.', ['server', 'zones']),
    cacheServedStale: m.counter('coredns_cache_served_stale_total', 'The number of requests served from stale cache entries.', ['server', 'zones']),
    forwardRequests: m.counter('coredns_forward_requests_total', 'Counter of requests made per upstream.', ['to']),
    forwardResponses: m.counter('coredns_forward_responses_total', 'Counter of responses received per upstream.', ['to', 'rcode']),
    forwardHealthFails: m.counter('coredns_forward_healthcheck_failures_total', 'Counter of the number of failed healthchecks.', ['to']),
    forwardHealthy: m.counter('coredns_forward_upstream_healthy', 'Upstream health: 1 healthy, 0 down (podnet).', ['to'], 'gauge'),
    forwardMaxConcurrentRejects: m.counter('coredns_forward_max_concurrent_rejects_total', 'Counter of the number of queries rejected because the concurrent queries were at maximum.', []),
    reloads: m.counter('coredns_reload_count_total', 'Counter of Corefile reloads (podnet).', ['status']),
    hostsEntries: m.counter('coredns_hosts_entries', 'The combined number of entries in hosts and Corefile.', []),
    kubernetesSyncs: m.counter('coredns_kubernetes_rebuilds_total', 'Record table rebuilds after object changes (podnet).', []),
    panics: m.counter('coredns_panics_total', 'A metrics that counts the number of panics.', []),
  };
}
export type DnsMetrics = ReturnType<typeof dnsMetrics>;
