import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostOf, l7Writer } from './l7sink.js';

test('records sent before the sink connection is up arrive, one JSON object per line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'pn-l7-'));
  const path = join(dir, 'sink.sock');
  const lines: string[] = [];
  const got = new Promise<void>((resolve) => {
    const server = net.createServer((c) => {
      let buf = '';
      c.on('data', (b: Buffer) => {
        buf += b.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        lines.push(...parts);
        if (lines.length === 2) {
          c.destroy();
          server.close();
          resolve();
        }
      });
    });
    server.listen(path);
  });
  const w = l7Writer(path);
  w.send({ type: 'dns', src: '10.244.0.5', dst: '10.244.0.2', name: 'web.default.svc.cluster.local.', qtype: 'A', rcode: 'NOERROR', latencyMs: 0.4 });
  w.send({ type: 'http', src: '10.244.0.5', dst: '10.244.1.3', host: 'shop.localtest', path: '/', status: 200, latencyMs: 3 });
  await got;
  w.close();
  rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(lines.map((l) => (JSON.parse(l) as { type: string }).type), ['dns', 'http']);
});

test('hostOf takes the address out of ip:port forms', () => {
  assert.equal(hostOf('10.244.0.5:43122'), '10.244.0.5');
  assert.equal(hostOf('[fd00::5]:53'), 'fd00::5');
  assert.equal(hostOf('10.244.0.5'), '10.244.0.5');
});
