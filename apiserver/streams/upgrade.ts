import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Context } from '../handler.js';
import { ApiError } from '../status.js';

export async function handleUpgrade(_ctx: Context, _req: IncomingMessage, _socket: Duplex, _head: Buffer): Promise<void> {
  throw new ApiError(400, 'BadRequest', 'streaming is not implemented yet');
}
