// Request and response heads as they come off the wire, good and bad.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeadError, MAX_REQUEST_HEAD, parseRequestHead, parseResponseHead, type RequestHead, type ResponseHead } from './h1parse.js';

const req = (s: string): RequestHead => {
  const h = parseRequestHead(Buffer.from(s, 'latin1'));
  assert.ok(h && !(h instanceof HeadError), `expected a head from ${JSON.stringify(s)}, got ${String(h)}`);
  return h;
};
const reqError = (s: string | Buffer): number | undefined => {
  const h = parseRequestHead(typeof s === 'string' ? Buffer.from(s, 'latin1') : s);
  return h instanceof HeadError ? h.status : undefined;
};

test('a request head gives method, target, version, fields in order and its length', () => {
  const text = 'POST /a/b?c=d HTTP/1.1\r\nHost: x.example\r\nX-Two: 1\r\nx-two:  2 \r\nContent-Length: 5\r\nConnection: keep-alive, X-Hop\r\n\r\nhello';
  const h = req(text);
  assert.equal(h.method, 'POST');
  assert.equal(h.target, '/a/b?c=d');
  assert.equal(h.minor, 1);
  assert.deepEqual(h.names, ['Host', 'X-Two', 'x-two', 'Content-Length', 'Connection']);
  assert.deepEqual(h.values, ['x.example', '1', '2', '5', 'keep-alive, X-Hop']);
  assert.equal(h.map['x-two'], '1, 2');
  assert.equal(h.contentLength, 5);
  assert.deepEqual(h.connection, ['keep-alive', 'x-hop']);
  assert.equal(h.length, text.length - 5);
});

test('an incomplete head waits; empty lines before the request line are skipped', () => {
  assert.equal(parseRequestHead(Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n')), undefined);
  assert.equal(req('\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n').target, '/');
});

test('ambiguous or malformed request heads are 400, oversized ones 431', () => {
  for (const bad of [
    'GET / HTTP/1.1 extra\r\n\r\n', 'GET  / HTTP/1.1\r\n\r\n', 'GET / HTTP/2.0\r\n\r\n', 'G(T / HTTP/1.1\r\n\r\n',
    'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\r\n continued\r\n\r\n', 'GET / HTTP/1.1\r\nHost: a\nX: b\r\n\r\n',
    'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n', 'GET / HTTP/1.1\r\n: empty\r\n\r\n',
    'POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n',
    'POST / HTTP/1.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n',
  ]) assert.equal(reqError(bad), 400, JSON.stringify(bad));
  assert.equal(reqError(`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_REQUEST_HEAD)}\r\n\r\n`), 431);
  assert.equal(reqError(`GET / HTTP/1.1\r\nX: ${'a'.repeat(MAX_REQUEST_HEAD)}`), 431, 'too large before it even ends');
  assert.equal(req('POST / HTTP/1.1\r\nContent-Length: 7\r\nContent-Length: 7\r\n\r\n').contentLength, 7, 'repeated equal lengths are one length');
});

test('transfer-codings: chunked alone is ours, anything else goes elsewhere', () => {
  assert.equal(req('POST / HTTP/1.1\r\nTransfer-Encoding: Chunked\r\n\r\n').chunked, true);
  const gz = req('POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n');
  assert.equal(gz.chunked, false);
  assert.equal(gz.otherCoding, true);
});

test('a response head gives status, reason, framing and keep-alive facts', () => {
  const h = parseResponseHead(Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\nServer: up\r\n\r\n')) as ResponseHead;
  assert.equal(h.status, 404);
  assert.equal(h.reason, 'Not Found');
  assert.equal(h.contentLength, 0);
  assert.deepEqual(h.connection, ['close']);
  assert.deepEqual(h.lower, ['content-length', 'connection', 'server']);
  const bare = parseResponseHead(Buffer.from('HTTP/1.0 200\r\n\r\n')) as ResponseHead;
  assert.equal(bare.minor, 0);
  assert.equal(bare.reason, '');
  assert.equal(bare.contentLength, -1);
});

test('malformed upstream response heads are 502', () => {
  for (const bad of ['HTTP/1.1 20 OK\r\n\r\n', 'HTTP/1.1 200 OK\r\nX : y\r\n\r\n', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n', 'ICY 200 OK\r\n\r\n']) {
    const h = parseResponseHead(Buffer.from(bad));
    assert.ok(h instanceof HeadError && h.status === 502, JSON.stringify(bad));
  }
});
