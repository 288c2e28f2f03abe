import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HelpRequested, parseArgs, UsageError } from './args.js';
import { main } from './main.js';

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

test('--help and -h before -- ask for help with every option, its shorthand and default', () => {
  for (const argv of [['--help'], ['x', '-h'], ['--name', 'a', '--help']]) {
    assert.throws(
      () => parseArgs(argv, specs),
      (e: unknown) => e instanceof HelpRequested && /--nodes N\s+nodes \(default 1\)/.test(e.options) && /-f, --file VALUE/.test(e.options),
    );
  }
  assert.deepEqual(parseArgs(['--', 'ls', '--help'], specs).rest, ['ls', '--help']);
});

test('podnet COMMAND --help prints the synopsis and the options, and runs nothing', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const saved = process.exitCode;
  await main(['down', '--all', '--help'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  const code = process.exitCode;
  process.exitCode = saved;
  assert.equal(code ?? 0, 0);
  assert.equal(err.join('\n'), '');
  const text = out.join('\n');
  assert.match(text, /^Usage: podnet down \[--name N\] \[--all\]/);
  assert.match(text, /--all\s+stop every cluster/);
  out.length = 0;
  await main(['dns', 'serve', '-h'], { out: (l) => out.push(l), err: (l) => err.push(l) });
  assert.match(out.join('\n'), /^Usage: podnet dns serve --corefile FILE/);
  assert.equal(err.join('\n'), '');
});

test('podnet up refuses an unknown --proxy-layout before starting anything', async () => {
  const { upCommand } = await import('./cluster_commands.js');
  await assert.rejects(upCommand(['--name', 'x', '--proxy-layout', 'flat'], { out: () => {}, err: () => {} }), (e: unknown) => e instanceof UsageError && /--proxy-layout must be global or kube, got "flat"/.test(e.message));
});
