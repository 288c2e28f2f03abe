import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as zlib from 'node:zlib';
import { controlFrame, dataFrame, decodeHeaderBlock, encodeHeaderBlock, FrameType, SPDY_DICTIONARY, SpdySession, type SpdyStream } from './spdy.js';

function clientCompressor() {
  const def = zlib.createDeflate({ dictionary: SPDY_DICTIONARY });
  const chunks: Buffer[] = [];
  def.on('data', (c: Buffer) => chunks.push(c));
  return (block: Buffer) =>
    new Promise<Buffer>((resolve) => {
      def.write(block);
      def.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(chunks.splice(0))));
    });
}

function synStream(id: number, block: Buffer, fin = false): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt32BE(id, 0);
  return controlFrame(FrameType.SYN_STREAM, fin ? 1 : 0, Buffer.concat([head, block]));
}

test('the SPDY/3 dictionary has the Adler-32 kubectl announces in its zlib header', () => {
  // kubectl's first header block starts 78 f9 e3 c6 a7 c2: the DICTID is e3c6a7c2.
  const first = zlib.deflateSync(Buffer.from('x'), { dictionary: SPDY_DICTIONARY });
  assert.equal(first.subarray(2, 6).toString('hex'), 'e3c6a7c2');
});

test('a session decodes streams opened with a shared compression context, replies, and relays data', async () => {
  const compress = clientCompressor();
  const sent: Buffer[] = [];
  const session = new SpdySession({ write: (f) => sent.push(f), close: () => {} });
  const opened: SpdyStream[] = [];
  session.on('stream', (s: SpdyStream) => opened.push(s));
  session.receive(synStream(1, await compress(encodeHeaderBlock({ streamtype: 'error' }))));
  const second = synStream(3, await compress(encodeHeaderBlock({ streamtype: 'data', port: '80', requestid: '0' })));
  // Frames may arrive split anywhere.
  session.receive(second.subarray(0, 5));
  session.receive(Buffer.concat([second.subarray(5), dataFrame(3, 1, Buffer.from('hello'))]));
  assert.deepEqual(opened.map((s) => s.headers), [{ streamtype: 'error' }, { streamtype: 'data', port: '80', requestid: '0' }]);
  let got = '';
  opened[1]!.on('data', (c: Buffer) => (got += c.toString()));
  await new Promise((r) => opened[1]!.once('end', r));
  assert.equal(got, 'hello');
  opened[1]!.end('bye');
  await new Promise((r) => setImmediate(r));
  await session.drained();
  const inflater = zlib.createInflate({ dictionary: SPDY_DICTIONARY });
  const replies = sent.filter((f) => f.readUInt16BE(2) === FrameType.SYN_REPLY && (f[0]! & 0x80) !== 0);
  assert.equal(replies.length, 2);
  const blocks = Buffer.concat(replies.map((r) => r.subarray(12)));
  const decoded = await new Promise<Buffer>((resolve) => {
    const out: Buffer[] = [];
    inflater.on('data', (c: Buffer) => out.push(c));
    inflater.write(blocks);
    inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(out)));
  });
  assert.deepEqual(decodeHeaderBlock(decoded.subarray(0, 4)), {});
  const data = sent.filter((f) => (f[0]! & 0x80) === 0 && f.readUInt32BE(0) === 3);
  assert.equal(Buffer.concat(data.map((f) => f.subarray(8))).toString(), 'bye');
  assert.equal(data[data.length - 1]![4]! & 1, 1);
});

test('PING is echoed', () => {
  const sent: Buffer[] = [];
  const session = new SpdySession({ write: (f) => sent.push(f), close: () => {} });
  session.receive(controlFrame(FrameType.PING, 0, Buffer.from([0, 0, 0, 7])));
  return session.drained().then(() => assert.equal(sent[0]!.toString('hex'), controlFrame(FrameType.PING, 0, Buffer.from([0, 0, 0, 7])).toString('hex')));
});
