// The upstream NetworkPolicy e2e layout: namespaces x, y, z; pods a, b, c in each; every pod serves
// TCP and UDP on 80 and 81 (and declares SCTP ones for the static cases). Fixed addresses, so
// ipBlock cases can name them and the live topology uses the same ones.
import type { Namespace, NetworkPolicy, Pod } from '../../api/types.js';
import type { Protocol } from '../model.js';

export const NAMESPACES = ['x', 'y', 'z'] as const;
export const PODS = ['a', 'b', 'c'] as const;
/** Row/column order of every truth table: x/a x/b x/c y/a … z/c. */
export const KEYS = NAMESPACES.flatMap((ns) => PODS.map((p) => `${ns}/${p}`));

export function podIP(key: string): string {
  return `10.244.0.${10 + KEYS.indexOf(key)}`;
}

export interface FixtureOptions {
  /** Extra labels per pod key ("y/c") or namespace ("z"). */
  readonly podLabels?: Readonly<Record<string, Record<string, string>>>;
  readonly nsLabels?: Readonly<Record<string, Record<string, string>>>;
}

export function fixture(opts: FixtureOptions = {}): { namespaces: Namespace[]; pods: Pod[] } {
  const namespaces: Namespace[] = NAMESPACES.map((ns) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: ns, labels: { ns, 'kubernetes.io/metadata.name': ns, ...(opts.nsLabels?.[ns] ?? {}) } },
  }));
  const pods: Pod[] = KEYS.map((key) => {
    const [ns, name] = key.split('/') as [string, string];
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: ns, name, labels: { pod: name, ...(opts.podLabels?.[key] ?? {}) } },
      spec: {
        nodeName: 'node-1',
        containers: [
          {
            name: 'cont',
            image: 'agnhost',
            ports: [80, 81].flatMap((port) =>
              (['TCP', 'UDP', 'SCTP'] as const).map((protocol) => ({ name: `serve-${port}-${protocol.toLowerCase()}`, containerPort: port, protocol })),
            ),
          },
        ],
      },
      status: { phase: 'Running', podIP: podIP(key), podIPs: [{ ip: podIP(key) }] },
    };
  });
  return { namespaces, pods };
}

export interface Probe {
  readonly protocol: Protocol;
  readonly port: number;
  /** Hand-written truth table: rows are sources, columns destinations, "." allowed, "X" denied. */
  readonly expect: string;
  /** Not measurable in the live topology (SCTP, a port nothing serves). */
  readonly staticOnly?: boolean;
}

export interface Step extends FixtureOptions {
  readonly policies: readonly NetworkPolicy[];
  readonly probes: readonly Probe[];
}

export interface Case {
  readonly name: string;
  /** Several steps model updates: each step is the whole desired state at that point. */
  readonly steps: readonly Step[];
}

/** Parses a truth table into cells keyed "from->to". Throws on a malformed table (typos in tests). */
export function parseTable(text: string): Map<string, boolean> {
  const rows = text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('to'));
  if (rows.length !== KEYS.length) throw new Error(`truth table has ${rows.length} rows, want ${KEYS.length}`);
  const out = new Map<string, boolean>();
  rows.forEach((row, i) => {
    const [label, ...cells] = row.split(/\s+/);
    if (label !== KEYS[i] || cells.length !== KEYS.length || cells.some((c) => c !== '.' && c !== 'X')) throw new Error(`bad truth table row "${row}"`);
    cells.forEach((c, j) => out.set(`${KEYS[i]}->${KEYS[j]}`, c === '.'));
  });
  return out;
}

/** Formats cells back into the same notation (for failure messages). */
export function formatTable(cells: (from: string, to: string) => boolean): string {
  const head = `to   ${KEYS.map((k) => k.replace('/', '')).join(' ')}`;
  const rows = KEYS.map((f) => `${f}  ${KEYS.map((t) => (cells(f, t) ? '.' : 'X')).join('  ')}`);
  return [head, ...rows].join('\n');
}

/** Shorthand for policies in the tests. */
export function policy(namespace: string, name: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec };
}
