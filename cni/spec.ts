// The CNI 1.1.0 wire format as podnet uses it: network configuration in, result or error out.
// Field names follow the spec (github.com/containernetworking/cni SPEC.md) exactly.

export const CNI_VERSION = '1.1.0';
export const SUPPORTED_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** Error codes: 1–99 are reserved by the spec, 100+ are podnet's own. */
export const CniCode = {
  IncompatibleVersion: 1,
  UnsupportedField: 2,
  UnknownContainer: 3,
  InvalidEnvironment: 4,
  IOFailure: 5,
  DecodeFailure: 6,
  InvalidConfig: 7,
  TryAgainLater: 11,
  NotAvailable: 50,
  NotAvailableLimitedConnectivity: 51,
  /** podnet: a host command (ip, bridge) failed. */
  HostFailure: 100,
  /** podnet: the IPAM range has no free address. */
  RangeExhausted: 101,
  /** podnet: CHECK found the attachment differs from prevResult. */
  CheckFailed: 102,
  /** podnet: a delegated plugin (e.g. IPAM) failed without a code of its own. */
  DelegateFailed: 103,
} as const;

export interface CniErrorBody {
  cniVersion: string;
  code: number;
  msg: string;
  details?: string;
}

/** An error with a CNI code; `main` prints it as the spec's error object. */
export class CniError extends Error {
  readonly code: number;
  readonly details?: string;
  constructor(code: number, msg: string, details?: string) {
    super(msg);
    this.name = 'CniError';
    this.code = code;
    this.details = details;
  }
  toJSON(cniVersion: string = CNI_VERSION): CniErrorBody {
    return { cniVersion, code: this.code, msg: this.message, ...(this.details ? { details: this.details } : {}) };
  }
}

export interface CniInterface {
  name: string;
  mac?: string;
  mtu?: number;
  sandbox?: string;
}

export interface CniIPConfig {
  /** CIDR notation: the address and the prefix of its subnet ("10.244.1.5/24"). */
  address: string;
  gateway?: string;
  /** Index into `interfaces`. */
  interface?: number;
}

export interface CniRoute {
  dst: string;
  gw?: string;
}

export interface CniDNS {
  nameservers?: string[];
  domain?: string;
  search?: string[];
  options?: string[];
}

export interface CniResult {
  cniVersion: string;
  interfaces?: CniInterface[];
  ips?: CniIPConfig[];
  routes?: CniRoute[];
  dns?: CniDNS;
}

/** One plugin's configuration as it arrives on stdin (conflist entry + name, cniVersion, prevResult). */
export interface NetConf {
  cniVersion: string;
  name: string;
  type: string;
  ipam?: { type: string } & Record<string, unknown>;
  dns?: CniDNS;
  prevResult?: CniResult;
  runtimeConfig?: Record<string, unknown>;
  [key: string]: unknown;
}

/** An attachment the runtime considers valid (GC's `cni.dev/valid-attachments`). */
export interface Attachment {
  containerID: string;
  ifname: string;
}

export const VALID_ATTACHMENTS_KEY = 'cni.dev/valid-attachments';

/** Parses and minimally validates a plugin configuration from stdin. */
export function parseNetConf(text: string): NetConf {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CniError(CniCode.DecodeFailure, 'failed to decode the network configuration', (e as Error).message);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CniError(CniCode.DecodeFailure, 'the network configuration is not a JSON object');
  const conf = raw as NetConf;
  if (typeof conf.cniVersion !== 'string' || conf.cniVersion === '') throw new CniError(CniCode.InvalidConfig, 'the network configuration has no "cniVersion"');
  if (!(SUPPORTED_VERSIONS as readonly string[]).includes(conf.cniVersion)) {
    throw new CniError(CniCode.IncompatibleVersion, `incompatible CNI version "${conf.cniVersion}"`, `supported versions: ${SUPPORTED_VERSIONS.join(', ')}`);
  }
  if (typeof conf.name !== 'string' || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(conf.name)) throw new CniError(CniCode.InvalidConfig, `invalid network name ${JSON.stringify(conf.name)}`);
  if (typeof conf.type !== 'string' || conf.type === '') throw new CniError(CniCode.InvalidConfig, 'the network configuration has no "type"');
  return conf;
}

/** Results for 0.3.x/0.4.0 carry `version` on each IP; 1.x dropped it. */
export function resultForVersion(result: CniResult, cniVersion: string): CniResult {
  const out: CniResult = { ...result, cniVersion };
  if (cniVersion.startsWith('0.') && out.ips) {
    out.ips = out.ips.map((ip) => ({ ...ip, version: ip.address.includes(':') ? '6' : '4' }) as CniIPConfig);
  }
  return out;
}
