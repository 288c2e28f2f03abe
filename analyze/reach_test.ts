// The set-based matrix against the reference decision, cell by cell, on the conformance suite.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CASES } from '../netpol/conformance/cases.js';
import { stepWorld } from '../netpol/conformance/static.js';
import { computeReach } from './reach.js';
import { synthCluster } from '../bench/netpol/synth.js';
import { decide } from '../netpol/engine.js';

describe('computeReach', () => {
  it('agrees with decide on every cell of every conformance step', () => {
    let cells = 0;
    for (const c of CASES)
      for (const step of c.steps)
        for (const probe of step.probes) {
          const reach = computeReach(stepWorld(step), { port: probe.port, protocol: probe.protocol });
          for (let i = 0; i < reach.pods.length; i++)
            for (let j = 0; j < reach.pods.length; j++, cells++) assert.equal(reach.allowed(i, j, 0), reach.decision(i, j, 0).allowed, `${c.name}: ${reach.pods[i]!.key} → ${reach.pods[j]!.key}`);
        }
    assert.ok(cells > 3000);
  });

  it('agrees with decide on a synthetic cluster with named ports, ipBlocks and egress', () => {
    const objects = { ...synthCluster(300, 60), services: [], slices: [], nodes: [] };
    const reach = computeReach(objects);
    assert.deepEqual(reach.probes, [{ port: 80, protocol: 'TCP' }, { port: 9090, protocol: 'TCP' }]);
    let denied = 0;
    for (let k = 0; k < reach.probes.length; k++)
      for (let i = 0; i < reach.pods.length; i += 7)
        for (let j = 0; j < reach.pods.length; j += 3) {
          const d = decide(reach.world, { pod: reach.pods[i]! }, { pod: reach.pods[j]! }, reach.probes[k]!.protocol, reach.probes[k]!.port);
          assert.equal(reach.allowed(i, j, k), d.allowed, `${reach.pods[i]!.key} → ${reach.pods[j]!.key} ${reach.probes[k]!.port}`);
          if (!d.allowed) denied++;
        }
    assert.ok(denied > 100);
  });
});
