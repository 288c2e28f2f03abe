import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, UsageError } from './args.js';

const specs = {
  name: { type: 'string', default: 'podnet', help: 'cluster name' },
  nodes: { type: 'number', default: 1, help: 'nodes' },
  demo: { type: 'boolean', default: false, help: 'demo' },
  file: { type: 'strings', short: 'f', default: [], help: 'files' },
} as const;

test('flags take values inline, separately and repeatedly; -- ends options', () => {
  const p = parseArgs(['up', '--name=a', '--nodes', '3', '-f', 'x.yaml', '-fy.yaml', '--demo', '--', 'sh', '-c', 'echo'], specs);
  assert.deepEqual(p.positional, ['up']);
  assert.equal(p.flags.name, 'a');
  assert.equal(p.flags.nodes, 3);
  assert.equal(p.flags.demo, true);
  assert.deepEqual(p.flags.file, ['x.yaml', 'y.yaml']);
  assert.deepEqual(p.rest, ['sh', '-c', 'echo']);
});

test('unknown flags and bad numbers are usage errors naming the flag', () => {
  assert.throws(() => parseArgs(['--nope'], specs), (e: unknown) => e instanceof UsageError && /--nope/.test(e.message));
  assert.throws(() => parseArgs(['--nodes', 'x'], specs), /--nodes/);
  assert.throws(() => parseArgs(['--name'], specs), /needs an argument/);
  assert.equal(parseArgs(['--no-demo'], specs).flags.demo, false);
});
