import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../api/types.js';
import { CLOSED_PORT, planProbes, probePods } from './probeplan.js';

function pod(name: string, node: string, created: string, over: { ip?: string; phase?: string; hostNetwork?: boolean; ports?: { containerPort: number; protocol?: string }[]; deleting?: boolean } = {}): Pod {
  return {
    metadata: { namespace: 'ns', name, uid: `uid-${name}`, creationTimestamp: created, ...(over.deleting ? { deletionTimestamp: created } : {}) },
    spec: { nodeName: node, ...(over.hostNetwork ? { hostNetwork: true } : {}), containers: [{ name: 'c', ...(over.ports ? { ports: over.ports } : {}) }] },
    status: { phase: over.phase ?? 'Running', ...(over.ip === '' ? {} : { podIP: over.ip ?? `10.244.0.${name.length}` }) },
  } as Pod;
}

test('each node is stood for by its oldest running pod with an address, never a hostNetwork or deleting one', () => {
  const chosen = probePods([
    pod('young', 'node-1', '2026-01-02T00:00:00Z'),
    pod('host', 'node-1', '2025-01-01T00:00:00Z', { hostNetwork: true }),
    pod('pending', 'node-1', '2025-01-01T00:00:00Z', { phase: 'Pending' }),
    pod('noip', 'node-1', '2025-01-01T00:00:00Z', { ip: '' }),
    pod('going', 'node-1', '2025-01-01T00:00:00Z', { deleting: true }),
    pod('old', 'node-1', '2026-01-01T00:00:00Z'),
    pod('other', 'node-9', '2020-01-01T00:00:00Z'),
  ], ['node-1', 'node-2']);
  assert.deepEqual([...chosen].map(([n, ps]) => [n, ps.map((p) => p.metadata?.name)]), [['node-1', ['old', 'young']]]);
});

test('every ordered pair of nodes with a pod is probed, at a declared TCP port or a closed one', () => {
  const pairs = planProbes([
    pod('a', 'node-1', '2026-01-01T00:00:00Z', { ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 8080 }] }),
    pod('b', 'node-2', '2026-01-01T00:00:00Z'),
    pod('a2', 'node-1', '2026-01-03T00:00:00Z'),
  ], ['node-1', 'node-2', 'node-3']);
  // A node with itself: its second pod (across the bridge) when it has one, else its own address.
  assert.deepEqual(pairs.map((p) => `${p.src.pod}@${p.src.node}→${p.dst.pod}@${p.dst.node}:${p.port}`), [
    `a@node-1→a2@node-1:${CLOSED_PORT}`, `a@node-1→b@node-2:${CLOSED_PORT}`, 'b@node-2→a@node-1:8080', `b@node-2→b@node-2:${CLOSED_PORT}`,
  ]);
});
