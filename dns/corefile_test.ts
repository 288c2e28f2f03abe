import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCorefile } from './corefile.js';
import { compileCorefile } from './config.js';
import { IN_CLUSTER_COREFILE } from './incluster.js';

test('server blocks with several keys, nested blocks, comments and quoted strings', () => {
  const blocks = parseCorefile(`
# comment
cluster.local:1053 example.org {   # trailing comment
  kubernetes cluster.local {
    pods insecure
    fallthrough in-addr.arpa
  }
  hosts {
    10.0.0.1 "a.example.org"
  }
}
.:53 {
  forward . 127.0.0.1
}`);
  assert.equal(blocks.length, 2);
  assert.deepEqual(blocks[0]!.keys, [
    { zone: 'cluster.local.', port: 1053 },
    { zone: 'example.org.', port: 53 },
  ]);
  const k = blocks[0]!.directives[0]!;
  assert.equal(k.name, 'kubernetes');
  assert.deepEqual(k.args, ['cluster.local']);
  assert.deepEqual(k.block.map((d) => [d.name, ...d.args]), [['pods', 'insecure'], ['fallthrough', 'in-addr.arpa']]);
  assert.deepEqual(blocks[0]!.directives[1]!.block[0]!.args, ['a.example.org']);
  assert.equal(k.line, 4);
  assert.deepEqual(blocks[1]!.keys, [{ zone: '.', port: 53 }]);
});

test('environment variables are substituted with {$VAR}', () => {
  const blocks = parseCorefile('.:{$PORT} {\n forward . {$UP}\n}', { PORT: '5353', UP: '192.0.2.1' });
  assert.equal(blocks[0]!.keys[0]!.port, 5353);
  assert.deepEqual(blocks[0]!.directives[0]!.args, ['.', '192.0.2.1']);
});

test('dns:// scheme and comma-separated keys', () => {
  const blocks = parseCorefile('dns://example.org:5300,example.net:5300 {\n errors\n}');
  assert.deepEqual(blocks[0]!.keys.map((k) => `${k.zone}:${k.port}`), ['example.org.:5300', 'example.net.:5300']);
});

test('a missing closing brace names the line of the opening one', () => {
  assert.throws(() => parseCorefile('.:53 {\n  kubernetes cluster.local {\n   pods insecure\n}'), /line 1: missing closing "}"/);
});

test('an unknown plugin is a startup error naming the line and plugin', () => {
  assert.throws(() => compileCorefile('.:53 {\n  errors\n  frobnicate on\n}'), (err: Error & { code?: string }) => {
    assert.equal(err.code, 'DNS_COREFILE_INVALID');
    assert.match(err.message, /line 3: unknown plugin "frobnicate"/);
    return true;
  });
});

test('bad plugin options are rejected with the plugin named', () => {
  assert.throws(() => compileCorefile('.:53 {\n kubernetes cluster.local {\n  pods sometimes\n }\n}'), /line 2: plugin\/kubernetes: pods "sometimes"/);
  assert.throws(() => compileCorefile('.:53 {\n forward . not-an-ip-or-file\n}'), /plugin\/forward: upstream "not-an-ip-or-file"/);
  assert.throws(() => compileCorefile('.:53 {\n forward . 127.0.0.1 {\n  policy fastest\n }\n}'), /policy "fastest"/);
  assert.throws(() => compileCorefile('.:53 {\n cache {\n  flavour mint\n }\n}'), /plugin\/cache: unknown property "flavour"/);
  assert.throws(() => compileCorefile('.:53 {\n reload 1s\n}'), /below the minimum of 2s/);
  assert.throws(() => compileCorefile('.:53 {\n errors\n errors\n}'), /only be used once/);
});

test('the same zone twice on one port is rejected', () => {
  assert.throws(() => compileCorefile('.:53 {\n errors\n}\n.:53 {\n log\n}'), /zone "\." on port 53 is already served/);
});

test('the in-cluster Corefile compiles with the options podnet relies on', () => {
  const [b] = compileCorefile(IN_CLUSTER_COREFILE);
  assert.equal(b!.port, 53);
  assert.deepEqual(b!.kubernetes?.zones, ['cluster.local.', 'in-addr.arpa.', 'ip6.arpa.']);
  assert.equal(b!.kubernetes?.ttl, 30);
  assert.equal(b!.kubernetes?.pods, 'insecure');
  assert.deepEqual(b!.forward?.to, [{ host: '203.0.113.53', port: 53 }]);
  assert.equal(b!.cache?.success.maxTtl, 30);
  assert.deepEqual(b!.health, { host: '', port: 8080 });
  assert.deepEqual(b!.ready, { host: '', port: 8181 });
  assert.deepEqual(b!.prometheus, { host: '', port: 9153 });
  assert.ok(b!.loop && b!.loadbalance && b!.errors && b!.reloadMs === 30_000);
});
