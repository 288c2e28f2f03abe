// The upstream-style NetworkPolicy truth tables against the pure engine, and the explanations the
// analyzer prints for their cells.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CASES } from './conformance/cases.js';
import { formatTable, parseTable, podIP } from './conformance/fixture.js';
import { diffCells, predict, stepWorld } from './conformance/static.js';
import { allows, decide } from './engine.js';
import { findPod } from './world.js';

describe('NetworkPolicy conformance (static)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      c.steps.forEach((step, s) => {
        const world = stepWorld(step);
        assert.deepEqual(world.invalid, []);
        for (const probe of step.probes) {
          const want = parseTable(probe.expect);
          const got = predict(world, probe);
          const diff = diffCells(want, (cell) => got.get(cell)!.allowed);
          const table = formatTable((f, t) => got.get(`${f}->${t}`)!.allowed);
          assert.deepEqual(diff, [], `step ${s} ${probe.protocol}/${probe.port}:\n${table}`);
        }
      });
    });
  }
});

describe('NetworkPolicy explanations', () => {
  it('every decided cell of the suite names the deciding policy and rule', () => {
    for (const c of CASES)
      for (const step of c.steps) {
        const world = stepWorld(step);
        for (const probe of step.probes)
          for (const d of predict(world, probe).values())
            for (const side of [d.egress, d.ingress]) {
              if (!side.isolated) continue;
              assert.ok(side.policies.length > 0);
              assert.match(side.reason, new RegExp(`selected by "${side.policies[0]}"`));
              if (side.allowed) assert.match(side.reason, /rule \d+ allows/);
              else assert.match(side.reason, /no (ingress|egress) rules|no rule allows/);
            }
      }
  });

  const andCase = CASES.find((c) => c.name.startsWith('podSelector and namespaceSelector'))!;
  const world = stepWorld(andCase.steps[0]!);
  const pod = (k: string) => ({ pod: findPod(world, k)! });

  it('an allowed cell names policy, rule and peer', () => {
    const d = decide(world, pod('y/b'), pod('x/a'), 'TCP', 80);
    assert.equal(d.allowed, true);
    assert.deepEqual(d.ingress.allowedBy, [{ policy: 'allow-y-b', rule: 0, peer: 0 }]);
    assert.equal(
      d.ingress.reason,
      'selected by "allow-y-b" (Ingress); "allow-y-b" ingress rule 0 allows TCP port 80 from y/b (peer: pods with pod=b in namespaces with ns=y; ports: any port)',
    );
    assert.match(d.egress.reason, /no policy selects y\/b for Egress/);
  });

  it('a denied cell says which peer did not match', () => {
    const d = decide(world, pod('y/a'), pod('x/a'), 'TCP', 80);
    assert.equal(d.allowed, false);
    assert.equal(d.ingress.reason, 'selected by "allow-y-b" (Ingress); no rule allows TCP port 80 from y/a: "allow-y-b" rule 0: peer does not match (pods with pod=b in namespaces with ns=y)');
  });

  it('a denied port says which ports the rule allows', () => {
    const ports = stepWorld(CASES.find((c) => c.name.startsWith('a numbered TCP port'))!.steps[0]!);
    const d = decide(ports, { pod: findPod(ports, 'x/b')! }, { pod: findPod(ports, 'x/a')! }, 'UDP', 80);
    assert.match(d.ingress.reason, /"tcp-80" rule 0: port does not match \(TCP port 80\)/);
  });

  it('a destination IP that belongs to a pod is decided as that pod', () => {
    const d = decide(world, pod('y/a'), { ip: podIP('x/a') }, 'TCP', 80);
    assert.equal(d.ingress.pod, 'x/a');
    assert.equal(d.allowed, false);
  });

  it('an address outside the cluster is decided only by the pod side', () => {
    const d = decide(world, pod('x/a'), { ip: '192.0.2.10' }, 'TCP', 443);
    assert.equal(d.allowed, true);
    assert.match(d.ingress.reason, /192\.0\.2\.10 is not a pod/);
  });
});

describe('allows (the fast path) agrees with decide', () => {
  it('on every cell of the suite', () => {
    for (const c of CASES)
      for (const step of c.steps) {
        const world = stepWorld(step);
        for (const probe of step.probes)
          for (const [cell, d] of predict(world, probe)) {
            const [from, to] = cell.split('->') as [string, string];
            assert.equal(allows(world, { pod: findPod(world, from)! }, { pod: findPod(world, to)! }, probe.protocol, probe.port), d.allowed, cell);
          }
      }
  });
});
