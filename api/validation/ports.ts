// Port numbers, names and protocols, shared by Services, Pods, Endpoints and NetworkPolicies.
import { goText, invalid, notSupported, required, type FieldError } from './field.js';
import { isValidPortName, isValidPortNum } from './names.js';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

/** Upstream ValidatePortNumOrName: an int 1–65535 or an IANA service name. */
export function validatePortNumOrName(port: number | string | undefined, path: string): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((msg) => invalid(path, port, msg));
  if (typeof port === 'string') return isValidPortName(port).map((msg) => invalid(path, port, msg));
  return [invalid(path, goText(String(port)), 'must be an integer or a string')];
}

export function validatePortNum(port: number | undefined, path: string): FieldError[] {
  const n = port ?? 0;
  return isValidPortNum(n).map((msg) => invalid(path, n, msg));
}

/** Required, then one of SCTP/TCP/UDP (sorted, as upstream lists them). */
export function validateProtocol(protocol: string | undefined, path: string): FieldError[] {
  if (!protocol) return [required(path)];
  return (PROTOCOLS as readonly string[]).includes(protocol) ? [] : [notSupported(path, protocol, PROTOCOLS)];
}
