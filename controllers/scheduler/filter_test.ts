import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Node, Pod } from '../../api/types.js';
import { unschedulableMessage, whyNot } from './filter.js';
import { pickNode } from './score.js';

const node = (name: string, zone: string, spec: Node['spec'] = {}): Node => ({
  metadata: { name, labels: { 'topology.kubernetes.io/zone': zone, disk: name === 'n1' ? 'ssd' : 'hdd' } },
  spec,
  status: { conditions: [{ type: 'Ready', status: 'True' }] },
});
const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({ metadata: { name: 'p' }, spec: { containers: [], ...spec } });

test('required node affinity with In/NotIn and matchFields is honoured', () => {
  const affinity = (expr: object) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [expr] } } });
  assert.equal(whyNot(pod({ affinity: affinity({ matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] }) }), node('n1', 'a')), undefined);
  assert.equal(whyNot(pod({ affinity: affinity({ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }] }) }), node('n1', 'a')), "node(s) didn't match Pod's node affinity/selector");
  assert.equal(whyNot(pod({ affinity: affinity({ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n2'] }] }) }), node('n2', 'a')), undefined);
});

test('a not-Ready node is refused with upstream taint wording', () => {
  const n: Node = { ...node('n1', 'a'), status: { conditions: [{ type: 'Ready', status: 'False' }] } };
  assert.equal(whyNot(pod(), n), 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }');
  assert.equal(whyNot(pod({ tolerations: [{ operator: 'Exists' }] }), n), undefined);
});

test('the message counts each reason like upstream', () => {
  assert.equal(unschedulableMessage(3, new Map([["node(s) didn't match Pod's node affinity/selector", 3]])), "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector.");
});

test('a workload spreads across zones before filling a zone', () => {
  const nodes = [node('n1', 'a'), node('n2', 'a'), node('n3', 'b')];
  // One peer already on n1 (zone a): the next goes to zone b even though n2 is empty too.
  const chosen = pickNode(pod(), nodes, { podsOnNode: new Map([['n1', 1]]), peersOnNode: new Map([['n1', 1]]) });
  assert.equal(chosen?.metadata?.name, 'n3');
  // Zones even: the least loaded node of the emptier zone.
  const next = pickNode(pod(), nodes, { podsOnNode: new Map([['n1', 1], ['n3', 1]]), peersOnNode: new Map([['n1', 1], ['n3', 1]]) });
  assert.equal(next?.metadata?.name, 'n2');
});
