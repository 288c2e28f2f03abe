// Test helpers: objects as YAML in, errors as the lines kubectl would print out.
import { parse } from 'yaml';
import type { KubeObject } from '../types.js';
import { validateObject, type ValidateOptions } from './index.js';

export function yamlObject(text: string): KubeObject {
  return parse(text) as KubeObject;
}

/** `field: message` lines, as kubectl joins them after "The Kind "name" is invalid:". */
export function errorLines(obj: string | KubeObject, old?: string | KubeObject, opts?: ValidateOptions): string[] {
  const o = typeof obj === 'string' ? yamlObject(obj) : obj;
  const p = old === undefined ? undefined : typeof old === 'string' ? yamlObject(old) : old;
  return validateObject(o, p, opts).map((e) => `${e.field}: ${e.message}`);
}
