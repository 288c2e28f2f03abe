// Small measurement helpers for the apiserver/storage benchmark.

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function median(samples: readonly number[]): number {
  return percentile(samples, 50);
}

/** Runs `total` calls of `fn(i)` with `concurrency` in flight; returns operations per second. */
export async function rate(total: number, concurrency: number, fn: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < total) await fn(next++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - start) / 1000);
}

/** Wall time of `fn` in ms, the median of `runs`. */
export async function timeMs(runs: number, fn: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  return median(times);
}

/** Median ms of each function over `runs` rounds, the functions taking turns within a round. */
export async function timeAlternately(runs: number, fns: readonly (() => Promise<unknown>)[]): Promise<number[]> {
  const times = fns.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    for (let f = 0; f < fns.length; f++) {
      const start = performance.now();
      await fns[f]!();
      times[f]!.push(performance.now() - start);
    }
  }
  return times.map(median);
}

export function rssMB(): number {
  return process.memoryUsage().rss / 1024 / 1024;
}

/** A realistic stored value: a Service of about 1 KB as JSON. */
export function serviceJSON(name: string): Uint8Array {
  const svc = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name,
      namespace: 'default',
      uid: `00000000-0000-4000-8000-${name.padStart(12, '0').slice(-12)}`,
      labels: { app: name, tier: 'backend', 'app.kubernetes.io/part-of': 'bench' },
      annotations: { 'podnet.dev/bench': 'storage benchmark object, padded to about one kilobyte '.repeat(6) },
      creationTimestamp: '2026-01-01T00:00:00Z',
    },
    spec: {
      type: 'ClusterIP',
      selector: { app: name },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 8080 }],
      clusterIP: '10.96.0.10',
      clusterIPs: ['10.96.0.10'],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      sessionAffinity: 'None',
    },
    status: { loadBalancer: {} },
  };
  return new TextEncoder().encode(JSON.stringify(svc));
}
