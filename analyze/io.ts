// What the analyzer's commands are given: output streams, and (when a cluster runs) a source of
// its objects and a prober that opens a real connection from one pod to an address.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorMessage } from '../api/errors.js';
import type { ObjectSource } from '../client/source.js';
import type { Protocol } from '../netpol/model.js';
import { objectsFromFiles, objectsFromSource, type ClusterObjects } from './objects.js';

export interface Writable {
  write(text: string): unknown;
}

export interface AnalyzeIO {
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** The running cluster's objects, used when no -f is given. */
  readonly source?: () => Promise<ObjectSource>;
  /** A real connection attempt from pod "ns/name" to ip:port; resolves true when it got through. */
  readonly probe?: (fromPod: string, toIP: string, port: number, protocol: Protocol) => Promise<boolean>;
}

export const USAGE_ERROR = 2;

export class UsageError extends Error {}

/** Parses argv strictly; unknown flags are usage errors. */
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
}

export async function loadObjects(files: readonly string[] | undefined, io: AnalyzeIO): Promise<ClusterObjects> {
  if (files && files.length > 0) return objectsFromFiles(files);
  if (!io.source) throw new UsageError('no manifests given (-f PATH) and no running cluster to read');
  const source = await io.source();
  try {
    return await objectsFromSource(source);
  } finally {
    source.stop();
  }
}

export function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 65535) throw new UsageError(`invalid --port "${text}": want 1-65535`);
  return Number(text);
}

export function parseProtocolFlag(text: string | undefined): Protocol | undefined {
  if (text === undefined) return undefined;
  const up = text.toUpperCase();
  if (up !== 'TCP' && up !== 'UDP' && up !== 'SCTP') throw new UsageError(`invalid --protocol "${text}": want TCP, UDP or SCTP`);
  return up;
}

/** Runs a command body, turning usage and other errors into a message and an exit code. */
export async function runCommand(name: string, io: AnalyzeIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    io.stderr.write(`${name}: ${errorMessage(e)}\n`);
    return e instanceof UsageError ? USAGE_ERROR : 1;
  }
}
