// IP addresses and CIDRs as a value type: family, a bigint value, and (for CIDRs) a prefix.
// Parsed once at the edge with a strict grammar: no leading zeros in IPv4 octets, no empty
// octets, at most one "::" in IPv6, hex groups of 1–4 digits, optional trailing dotted quad.

export type Family = 4 | 6;

export interface IP {
  readonly family: Family;
  readonly value: bigint;
}

export interface CIDR {
  readonly family: Family;
  /** Network address (host bits cleared). */
  readonly network: bigint;
  readonly prefix: number;
}

const BITS: Record<Family, number> = { 4: 32, 6: 128 };

export function bitsOf(family: Family): number {
  return BITS[family];
}

function parseIPv4Value(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIPv6Value(text: string): bigint | undefined {
  if (text.length === 0 || text.length > 45) return undefined;
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.includes('.')) {
    tailV4 = parseIPv4Value(text.slice(lastColon + 1));
    if (tailV4 === undefined) return undefined;
    head = text.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (s: string): number[] | undefined => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0]!);
  const right = halves.length === 2 ? parseGroups(halves[1]!) : [];
  if (!left || !right) return undefined;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return undefined;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

/** Parses an IP address strictly; returns undefined when it is not one. */
export function tryParseIP(text: string): IP | undefined {
  if (typeof text !== 'string') return undefined;
  if (text.includes(':')) {
    const v = parseIPv6Value(text);
    return v === undefined ? undefined : { family: 6, value: v };
  }
  const v = parseIPv4Value(text);
  return v === undefined ? undefined : { family: 4, value: v };
}

/** Parses an IP address strictly; throws TypeError naming the value otherwise. */
export function parseIP(text: string): IP {
  const ip = tryParseIP(text);
  if (!ip) throw new TypeError(`Invalid IP address: "${text}"`);
  return ip;
}

/** Parses "a.b.c.d/n" or "x::/n". With `strict`, host bits must be zero (as Kubernetes requires for most CIDR fields). */
export function tryParseCIDR(text: string, opts: { strict?: boolean } = {}): CIDR | undefined {
  if (typeof text !== 'string') return undefined;
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const ip = tryParseIP(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (!ip || !/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
  const prefix = Number(p);
  if (prefix > BITS[ip.family]) return undefined;
  const network = ip.value & prefixMask(ip.family, prefix);
  if (opts.strict && network !== ip.value) return undefined;
  return { family: ip.family, network, prefix };
}

export function parseCIDR(text: string, opts: { strict?: boolean } = {}): CIDR {
  const cidr = tryParseCIDR(text, opts);
  if (!cidr) throw new TypeError(`Invalid CIDR: "${text}"`);
  return cidr;
}

export function prefixMask(family: Family, prefix: number): bigint {
  const bits = BITS[family];
  const all = (1n << BigInt(bits)) - 1n;
  return prefix === 0 ? 0n : (all >> BigInt(bits - prefix)) << BigInt(bits - prefix);
}

export function formatIP(ip: IP): string {
  if (ip.family === 4) {
    const v = ip.value;
    return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip.value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on ties.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatCIDR(cidr: CIDR): string {
  return `${formatIP({ family: cidr.family, value: cidr.network })}/${cidr.prefix}`;
}

/** Canonical text of an IP given as text ("::FFFF:1" → "::ffff:1"); undefined when not an IP. */
export function canonicalIP(text: string): string | undefined {
  const ip = tryParseIP(text);
  return ip ? formatIP(ip) : undefined;
}

export function cidrContains(cidr: CIDR, ip: IP): boolean {
  return cidr.family === ip.family && (ip.value & prefixMask(cidr.family, cidr.prefix)) === cidr.network;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrContainsCIDR(outer: CIDR, inner: CIDR): boolean {
  return outer.family === inner.family && inner.prefix >= outer.prefix && cidrContains(outer, { family: inner.family, value: inner.network });
}

export function cidrSize(cidr: CIDR): bigint {
  return 1n << BigInt(BITS[cidr.family] - cidr.prefix);
}

/** The n-th address of a CIDR (0 = network address). Throws RangeError past its end. */
export function nthIP(cidr: CIDR, n: bigint | number): IP {
  const k = BigInt(n);
  if (k < 0n || k >= cidrSize(cidr)) throw new RangeError(`Address index ${k} is outside "${formatCIDR(cidr)}"`);
  return { family: cidr.family, value: cidr.network + k };
}

/** Offset of an address inside a CIDR, or -1n when outside. */
export function indexInCIDR(cidr: CIDR, ip: IP): bigint {
  return cidrContains(cidr, ip) ? ip.value - cidr.network : -1n;
}

/** Splits `cidr` into subnets of `prefix` bits and returns the n-th one. */
export function nthSubnet(cidr: CIDR, prefix: number, n: number): CIDR {
  if (prefix < cidr.prefix || prefix > BITS[cidr.family]) throw new RangeError(`Cannot split "${formatCIDR(cidr)}" into /${prefix} subnets`);
  const count = 1n << BigInt(prefix - cidr.prefix);
  if (BigInt(n) >= count || n < 0) throw new RangeError(`Subnet index ${n} is outside "${formatCIDR(cidr)}" split into /${prefix}`);
  return { family: cidr.family, network: cidr.network + (BigInt(n) << BigInt(BITS[cidr.family] - prefix)), prefix };
}

/** Reverse-DNS name: "4.3.2.1.in-addr.arpa" or the IPv6 nibble form "…ip6.arpa". */
export function reverseName(ip: IP): string {
  if (ip.family === 4) {
    return `${formatIP(ip).split('.').reverse().join('.')}.in-addr.arpa`;
  }
  const nibbles: string[] = [];
  for (let i = 0; i < 32; i++) nibbles.push(((ip.value >> BigInt(i * 4)) & 0xfn).toString(16));
  return `${nibbles.join('.')}.ip6.arpa`;
}

/** Parses a reverse-DNS name back to an IP; undefined when it is not a complete one. */
export function parseReverseName(name: string): IP | undefined {
  const lower = name.toLowerCase().replace(/\.$/, '');
  if (lower.endsWith('.in-addr.arpa')) {
    const parts = lower.slice(0, -'.in-addr.arpa'.length).split('.');
    if (parts.length !== 4) return undefined;
    return tryParseIP(parts.reverse().join('.'));
  }
  if (lower.endsWith('.ip6.arpa')) {
    const parts = lower.slice(0, -'.ip6.arpa'.length).split('.');
    if (parts.length !== 32 || !parts.every((p) => /^[0-9a-f]$/.test(p))) return undefined;
    let value = 0n;
    for (const p of parts.reverse()) value = (value << 4n) | BigInt(parseInt(p, 16));
    return { family: 6, value };
  }
  return undefined;
}

export function ipEquals(a: IP, b: IP): boolean {
  return a.family === b.family && a.value === b.value;
}

export function compareIP(a: IP, b: IP): number {
  if (a.family !== b.family) return a.family - b.family;
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}
