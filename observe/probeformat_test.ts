import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatTable } from './format.js';
import { probeMatrixRows, probeSources } from './probeformat.js';
import type { ProbeResult } from './prober.js';

function r(srcNode: string, dstNode: string, over: Partial<ProbeResult>): ProbeResult {
  return { srcNode, dstNode, src: `ns/${srcNode}-pod`, dst: `ns/${dstNode}-pod`, dstIP: '10.244.0.2', port: 80, time: '2026-01-01T00:00:00Z', ok: true, outcome: 'connected', ...over };
}

test('probe results print as a node matrix: microseconds, milliseconds and failures by reason', () => {
  const results = [
    r('node-1', 'node-1', { latencyMs: 0.3124 }),
    r('node-1', 'node-2', { latencyMs: 2.271 }),
    r('node-2', 'node-1', { ok: false, outcome: 'timeout' }),
    r('node-2', 'node-2', { latencyMs: 0.05, outcome: 'refused' }),
  ];
  assert.deepEqual(formatTable(probeMatrixRows(results)), [
    'SRC \\ DST  node-1     node-2',
    'node-1     312µs      2.27ms',
    'node-2     ✕ timeout  50µs',
  ]);
  assert.deepEqual(probeSources(results), ['node-1: ns/node-1-pod', 'node-2: ns/node-2-pod']);
});
