// The apiserver's metrics in Prometheus text format. Kept in-process and synchronous because
// ApiServer.metrics() returns a string (prom-client's registry renders asynchronously).

const BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

function labelText(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`);
  return parts.length > 0 ? `{${parts.join(',')}}` : '';
}

export class ApiMetrics {
  private readonly requests = new Map<string, { labels: Record<string, string>; count: number }>();
  private readonly durations = new Map<string, { labels: Record<string, string>; buckets: number[]; sum: number; count: number }>();
  private readonly watchers = new Map<string, number>();

  request(verb: string, resource: string, code: number, seconds: number): void {
    const labels = { verb, resource, code: String(code) };
    const key = labelText(labels);
    const r = this.requests.get(key) ?? { labels, count: 0 };
    r.count++;
    this.requests.set(key, r);
    const dl = { verb, resource };
    const dk = labelText(dl);
    const d = this.durations.get(dk) ?? { labels: dl, buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) d.buckets[i]!++;
    });
    d.sum += seconds;
    d.count++;
    this.durations.set(dk, d);
  }

  watchStarted(resource: string): void {
    this.watchers.set(resource, (this.watchers.get(resource) ?? 0) + 1);
  }

  watchEnded(resource: string): void {
    this.watchers.set(resource, Math.max(0, (this.watchers.get(resource) ?? 0) - 1));
  }

  render(): string {
    const out: string[] = [];
    out.push('# HELP apiserver_request_total Requests served, by verb, resource and HTTP code.', '# TYPE apiserver_request_total counter');
    for (const r of this.requests.values()) out.push(`apiserver_request_total${labelText(r.labels)} ${r.count}`);
    out.push('# HELP apiserver_request_duration_seconds Request latency (watches count until they are set up).', '# TYPE apiserver_request_duration_seconds histogram');
    for (const d of this.durations.values()) {
      BUCKETS.forEach((b, i) => out.push(`apiserver_request_duration_seconds_bucket${labelText({ ...d.labels, le: String(b) })} ${d.buckets[i]}`));
      out.push(`apiserver_request_duration_seconds_bucket${labelText({ ...d.labels, le: '+Inf' })} ${d.count}`);
      out.push(`apiserver_request_duration_seconds_sum${labelText(d.labels)} ${d.sum}`);
      out.push(`apiserver_request_duration_seconds_count${labelText(d.labels)} ${d.count}`);
    }
    out.push('# HELP apiserver_registered_watchers Open watch streams, by resource.', '# TYPE apiserver_registered_watchers gauge');
    for (const [resource, n] of this.watchers) out.push(`apiserver_registered_watchers${labelText({ resource })} ${n}`);
    return out.join('\n') + '\n';
  }
}
