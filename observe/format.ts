// How flows print in a terminal: one line per flow, columns like `hubble observe`, drop reasons last.
import type { Flow, FlowEndpoint } from './types.js';

export function endpointText(e: FlowEndpoint): string {
  const who = e.pod ? `${e.namespace}/${e.pod}` : e.identity ? `${e.ip} (${e.identity})` : e.ip;
  return e.port !== undefined ? `${who}:${e.port}` : who;
}

function timeText(iso: string): string {
  // HH:MM:SS.mmm: the date is rarely what one scans for in a live stream.
  return iso.slice(11, 23);
}

function detail(f: Flow): string {
  if (f.l7?.type === 'dns') return `${f.l7.qtype} ${f.l7.name} ${f.l7.rcode} ${f.l7.latencyMs}ms`;
  if (f.l7?.type === 'http') return `${f.l7.method ?? 'GET'} ${f.l7.host}${f.l7.path} ${f.l7.status} ${f.l7.latencyMs}ms`;
  if (f.verdict !== 'forwarded') return f.reason ?? '';
  if (f.event === 'end') return `closed${f.bytes !== undefined ? ` ${f.bytes}B/${f.packets}p` : ''}${f.durationMs !== undefined ? ` ${f.durationMs}ms` : ''}`;
  return '';
}

export const TABLE_HEADER = ['TIME', 'NODE', 'SOURCE', '', 'DESTINATION', 'SERVICE', 'PROTO', 'VERDICT', 'DETAIL'];

export function flowRow(f: Flow): string[] {
  const svc = f.service ? `${f.service.namespace}/${f.service.name}` : '-';
  return [timeText(f.time), f.node, endpointText(f.src), '->', endpointText(f.dst), svc, f.protocol, f.verdict.toUpperCase(), detail(f)];
}

/** Pads columns to the widest cell (the last column is left ragged). */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) r.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd());
}
