// How probe results print in a terminal: a source-node × destination-node matrix of the latest
// handshake round trips (failures by reason), then which pod stood for each node.
import type { ProbeResult } from './prober.js';

function cell(r: ProbeResult | undefined): string {
  if (!r) return '-';
  if (!r.ok) return `✕ ${r.outcome}`;
  return r.latencyMs! < 1 ? `${(r.latencyMs! * 1000).toFixed(0)}µs` : `${r.latencyMs!.toFixed(2)}ms`;
}

/** Rows (header first) of the matrix; nodes in the order they first appear. */
export function probeMatrixRows(results: readonly ProbeResult[]): string[][] {
  const nodes: string[] = [];
  for (const r of results) for (const n of [r.srcNode, r.dstNode]) if (!nodes.includes(n)) nodes.push(n);
  const at = new Map(results.map((r) => [`${r.srcNode}\u0000${r.dstNode}`, r]));
  return [['SRC \\ DST', ...nodes], ...nodes.map((s) => [s, ...nodes.map((d) => cell(at.get(`${s}\u0000${d}`)))])];
}

/** "node-1: ns/pod" for each source node, in order. */
export function probeSources(results: readonly ProbeResult[]): string[] {
  const seen = new Map<string, string>();
  for (const r of results) if (!seen.has(r.srcNode)) seen.set(r.srcNode, r.src);
  return [...seen].map(([n, p]) => `${n}: ${p}`);
}
