// A list response written from the stored bytes: header, items spliced by objectJSON, footer, in
// chunks that respect backpressure. A 10k-Service list is ~10 MB; building it as one object and
// one JSON.stringify cost more than everything else in the request.
import type { ServerResponse } from 'node:http';
import { apiVersionOf, type ResourceInfo } from '../api/resources.js';
import type { KV } from '../storage/types.js';
import { objectJSON } from './objects.js';

/** Items per write: big enough to keep syscalls few, small enough not to hold the whole list twice. */
const BATCH = 256;
const MAX_BUFFERED = 8 * 1024 * 1024;

export async function sendListJSON(res: ServerResponse, info: ResourceInfo, list: { kvs: readonly KV[]; revision: number; continue?: string }): Promise<void> {
  const metadata = { resourceVersion: String(list.revision), ...(list.continue ? { continue: list.continue } : {}) };
  const head = `{"kind":${JSON.stringify(`${info.kind}List`)},"apiVersion":${JSON.stringify(apiVersionOf(info))},"metadata":${JSON.stringify(metadata)},"items":[`;
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  const comma = Buffer.from(',');
  let parts: Uint8Array[] = [Buffer.from(head)];
  for (let i = 0; i < list.kvs.length; i++) {
    if (i > 0) parts.push(comma);
    parts.push(objectJSON(list.kvs[i]!));
    if (parts.length >= 2 * BATCH) {
      res.write(Buffer.concat(parts));
      parts = [];
      // Waiting for 'drain' after every batch costs an event-loop turn per 16 KB socket buffer;
      // wait only when a slow client lets a lot pile up.
      if (res.writableLength > MAX_BUFFERED) await drained(res);
      if (res.destroyed) return;
    }
  }
  parts.push(Buffer.from(']}'));
  res.end(Buffer.concat(parts));
}

function drained(res: ServerResponse): Promise<void> {
  // A client that goes away never drains; 'close' ends the wait too.
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
