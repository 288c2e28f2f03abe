// Finding the end of a chunked body, fed in any pieces.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ChunkedScanner } from './chunked.js';

const BODY = '4\r\nWiki\r\n6;name=v\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\nExpires: never\r\n\r\n';

test('the end of a chunked body is found however the bytes are split, and data bytes are counted', () => {
  const bytes = Buffer.from(BODY + 'NEXT REQUEST');
  for (let step = 1; step <= bytes.length; step++) {
    const s = new ChunkedScanner();
    let used = 0;
    for (let i = 0; i < bytes.length && !s.done; i += step) used += s.feed(bytes.subarray(i, Math.min(i + step, bytes.length)));
    assert.ok(s.done, `step ${step}`);
    assert.equal(used, BODY.length, `step ${step}`);
    assert.equal(s.dataBytes, 4 + 6 + 14);
  }
});

test('feeding from an offset counts only what follows it', () => {
  const s = new ChunkedScanner();
  const buf = Buffer.from('HEAD' + '0\r\n\r\nrest');
  assert.equal(s.feed(buf, 4), 5);
  assert.ok(s.done);
});

test('malformed framing throws', () => {
  for (const bad of ['x\r\n', '4\r\nWikiX\r\n', '4\nWiki', '\r\n', '4\r\nWiki\r\n0\r\nbad\n', '1234567890abc\r\n']) {
    assert.throws(() => new ChunkedScanner().feed(Buffer.from(bad)), SyntaxError, JSON.stringify(bad));
  }
});
