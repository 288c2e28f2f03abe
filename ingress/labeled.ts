// A counter and a histogram with labels that cost one string join and one Map lookup per sample.
// prom-client's own validate, sort and hash every label set on every call, which was ~6% of the
// controller's CPU at full load; these keep its text format by handing the registry the same
// { name, help, type, values } shape its own metrics produce.
import type { Registry } from 'prom-client';

type Labels = Record<string, string | number>;

interface Sample {
  readonly labels: Labels;
  readonly value: number;
  readonly metricName?: string;
}

/** What Registry.registerMetric needs of a metric. */
interface Exported {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  readonly aggregator: 'sum';
  get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' }>;
  reset(): void;
}

function labelsOf(names: readonly string[], values: readonly string[]): Labels {
  const out: Labels = {};
  names.forEach((n, i) => { out[n] = values[i]!; });
  return out;
}

abstract class Labeled<E> implements Exported {
  protected entries = new Map<string, { readonly labels: Labels; readonly e: E }>();
  readonly aggregator = 'sum' as const;
  abstract readonly type: 'counter' | 'histogram';

  constructor(registry: Registry, readonly name: string, readonly help: string, protected readonly labelNames: readonly string[]) {
    registry.registerMetric(this as unknown as Parameters<Registry['registerMetric']>[0]);
  }

  /** The entry for `values` (in labelNames order). */
  protected entry(values: readonly string[]): E {
    const key = values.join('\u0001');
    let x = this.entries.get(key);
    if (!x) this.entries.set(key, (x = { labels: labelsOf(this.labelNames, values), e: this.fresh() }));
    return x.e;
  }

  protected abstract fresh(): E;
  protected abstract samples(labels: Labels, e: E): Sample[];

  async get(): Promise<{ name: string; help: string; type: string; values: Sample[]; aggregator: 'sum' }> {
    const values: Sample[] = [];
    for (const { labels, e } of this.entries.values()) values.push(...this.samples(labels, e));
    return { name: this.name, help: this.help, type: this.type, values, aggregator: this.aggregator };
  }

  reset(): void {
    this.entries.clear();
  }
}

export class LabeledCounter extends Labeled<{ n: number }> {
  readonly type = 'counter' as const;

  inc(values: readonly string[], n = 1): void {
    this.entry(values).n += n;
  }

  protected fresh(): { n: number } {
    return { n: 0 };
  }

  protected samples(labels: Labels, e: { n: number }): Sample[] {
    return [{ labels, value: e.n }];
  }
}

interface Buckets { counts: Float64Array; sum: number; count: number }

export class LabeledHistogram extends Labeled<Buckets> {
  readonly type = 'histogram' as const;

  constructor(registry: Registry, name: string, help: string, labelNames: readonly string[], private readonly bounds: readonly number[]) {
    super(registry, name, help, labelNames);
  }

  observe(values: readonly string[], v: number): void {
    const b = this.entry(values);
    let i = 0;
    while (i < this.bounds.length && v > this.bounds[i]!) i++;
    b.counts[i]!++;
    b.sum += v;
    b.count++;
  }

  protected fresh(): Buckets {
    return { counts: new Float64Array(this.bounds.length + 1), sum: 0, count: 0 };
  }

  protected samples(labels: Labels, b: Buckets): Sample[] {
    const out: Sample[] = [];
    let acc = 0;
    this.bounds.forEach((le, i) => {
      acc += b.counts[i]!;
      out.push({ labels: { le, ...labels }, value: acc, metricName: `${this.name}_bucket` });
    });
    out.push({ labels: { le: '+Inf', ...labels }, value: b.count, metricName: `${this.name}_bucket` });
    out.push({ labels, value: b.sum, metricName: `${this.name}_sum` });
    out.push({ labels, value: b.count, metricName: `${this.name}_count` });
    return out;
  }
}
