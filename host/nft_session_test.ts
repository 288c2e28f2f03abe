import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { testPrefix } from './testutil.js';
import { rootTestsEnabled, run, runOk } from './exec.js';
import { realNft } from './nft.js';
import { flattenNftScript, nftWithSessions } from './nft_session.js';

test('a script becomes one line: statements joined by ";", element lists and blocks kept whole', () => {
  const script = [
    'add table ip t',
    'table ip t {',
    '  chain c {',
    '    type nat hook prerouting priority -100; policy accept;',
    '    ip daddr 10.0.0.1 counter',
    '  }',
    '}',
    'add element ip t m {',
    '  10.0.0.1 . tcp . 80 : goto x,',
    '  10.0.0.2 . tcp . 80 : goto y',
    '}',
    '',
  ].join('\n');
  assert.equal(
    flattenNftScript(script),
    'add table ip t; table ip t { chain c { type nat hook prerouting priority -100; policy accept; ip daddr 10.0.0.1 counter } }; ' +
      'add element ip t m { 10.0.0.1 . tcp . 80 : goto x, 10.0.0.2 . tcp . 80 : goto y }',
  );
});

test('a script with a # comment is not flattened (the comment would swallow the rest of the line)', () => {
  assert.equal(flattenNftScript('add table ip t\n# why\nadd chain ip t c\n'), undefined);
});

const skip = !rootTestsEnabled() && 'needs root';

describe('a long-lived nft per namespace', { skip }, () => {
  const ns = `${testPrefix()}nfts`;
  const nft = nftWithSessions();
  before(async () => {
    await runOk('ip', ['netns', 'add', ns]);
  });
  after(async () => {
    nft.close();
    await run('ip', ['netns', 'del', ns]);
  });

  test('applies transactions atomically, reports a failed one like nft -f, and keeps serving', async () => {
    await nft.apply(ns, 'add table ip t\nadd chain ip t c\nadd map ip t m { typeof ip daddr : ip daddr ; }\n');
    await Promise.all([1, 2, 3].map((i) => nft.apply(ns, `add element ip t m {\n  10.0.0.${i} : 10.1.0.${i}\n}\n`)));
    assert.equal(nft.stats().session, 4);
    const before = (await realNft.listTable(ns, 'ip', 't'))!;
    assert.match(before, /10\.0\.0\.3 : 10\.1\.0\.3/);
    // The second statement fails, so the first must not be applied either.
    await assert.rejects(nft.apply(ns, 'add element ip t m { 10.0.0.9 : 10.1.0.9 }\nadd element ip t nosuch { 10.0.0.1 }\n'), /No such file or directory/);
    assert.equal(await realNft.listTable(ns, 'ip', 't'), before);
    assert.equal(nft.stats().fallback, 1, 'the failure was confirmed through nft -f');
    await nft.apply(ns, 'delete element ip t m { 10.0.0.1 }\n');
    assert.doesNotMatch((await realNft.listTable(ns, 'ip', 't'))!, /10\.0\.0\.1 :/);
    assert.equal(nft.stats().session, 5);
  });

  test('a session whose nft went away is replaced on the next transaction', async () => {
    const pids = async () => (await runOk('ip', ['netns', 'pids', ns])).trim().split('\n').filter(Boolean);
    const [pid] = await pids();
    assert.ok(pid, 'an nft -i runs for the namespace');
    process.kill(Number(pid));
    // The first transaction after the kill may race the exit; either way it must be applied.
    await nft.apply(ns, 'add element ip t m { 10.0.0.7 : 10.1.0.7 }\n');
    await nft.apply(ns, 'add element ip t m { 10.0.0.8 : 10.1.0.8 }\n');
    const listing = (await realNft.listTable(ns, 'ip', 't'))!;
    assert.match(listing, /10\.0\.0\.7 : 10\.1\.0\.7/);
    assert.match(listing, /10\.0\.0\.8 : 10\.1\.0\.8/);
    const now = await pids();
    assert.equal(now.length, 1);
    assert.notEqual(now[0], pid);
  });
});
