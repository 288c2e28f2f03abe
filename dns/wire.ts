// DNS wire format: podnet's own answers are encoded here (with name compression, which the
// dns-packet codec does not do on encode); queries and upstream replies are decoded with
// dns-packet behind a guard so malformed input becomes a FORMERR instead of an exception.
import * as dnsPacket from 'dns-packet';
import { isIP } from 'node:net';

export const T = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, HINFO: 13, MX: 15, TXT: 16, AAAA: 28, SRV: 33, OPT: 41, AXFR: 252, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
const TYPE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k]));
const RCODE_NAMES: Record<number, string> = Object.fromEntries(Object.entries(RCODE).map(([k, v]) => [v, k]));

export function typeName(t: number): string {
  return TYPE_NAMES[t] ?? `TYPE${t}`;
}
export function rcodeName(r: number): string {
  return RCODE_NAMES[r] ?? `RCODE${r}`;
}
export function typeByName(name: string): number | undefined {
  const up = name.toUpperCase();
  if (up in T) return T[up as keyof typeof T];
  const m = /^TYPE(\d+)$/.exec(up);
  return m ? Number(m[1]) : undefined;
}

export interface SOAData {
  mname: string;
  rname: string;
  serial: number;
  refresh: number;
  retry: number;
  expire: number;
  minimum: number;
}
export interface SRVData {
  priority: number;
  weight: number;
  port: number;
  target: string;
}

/** A resource record; names are lowercase and fully qualified (trailing dot). */
export type RR =
  | { name: string; type: 1 | 28; ttl: number; data: string }
  | { name: string; type: 2 | 5 | 12; ttl: number; data: string }
  | { name: string; type: 6; ttl: number; data: SOAData }
  | { name: string; type: 33; ttl: number; data: SRVData }
  | { name: string; type: 16; ttl: number; data: string[] }
  | { name: string; type: 13; ttl: number; data: { cpu: string; os: string } }
  | { name: string; type: number; ttl: number; data: Buffer; raw: true };

export interface Answer {
  rcode: number;
  aa: boolean;
  answer: readonly RR[];
  authority: readonly RR[];
  additional: readonly RR[];
  /** Set when the answer came from upstream as wire bytes (forward): relayed with patched ID. */
  wire?: Buffer;
  ra?: boolean;
  tc?: boolean;
  /** Why a SERVFAIL happened, for the `errors` plugin (never sent). */
  error?: string;
}

export interface Query {
  id: number;
  /** The question name exactly as received, without the trailing dot ("" for the root). */
  qname: string;
  /** Lowercase, fully qualified ("web.shop.svc.cluster.local."). */
  name: string;
  qtype: number;
  qclass: number;
  rd: boolean;
  cd: boolean;
  /** EDNS0 UDP payload size when the query carried an OPT record. */
  edns?: number;
  /** Byte offset and length of the question name in `raw`, for patching templates. */
  qnameOffset: number;
  qnameLength: number;
  raw: Buffer;
}

export function fqdn(name: string): string {
  const n = name.toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

export type ParseResult = { ok: true; query: Query } | { ok: false; rcode: number; id: number; opcode?: number; raw?: Buffer };

/** Parses a client query. Never throws: errors come back as the rcode to answer with (or -1 = drop). */
export function parseQuery(buf: Buffer): ParseResult {
  if (buf.length < 12) return { ok: false, rcode: -1, id: 0 };
  const id = buf.readUInt16BE(0);
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return { ok: false, rcode: -1, id }; // a response: never answer it (reflection loops)
  const opcode = (flags >> 11) & 0xf;
  if (opcode !== 0) return { ok: false, rcode: RCODE.NOTIMP, id, opcode };
  const qd = buf.readUInt16BE(4);
  if (qd !== 1) return { ok: false, rcode: RCODE.FORMERR, id };
  const fast = parseSimpleQuery(buf, id, flags);
  if (fast) return { ok: true, query: fast };
  let packet: dnsPacket.Packet;
  try {
    packet = dnsPacket.decode(buf);
  } catch {
    return { ok: false, rcode: RCODE.FORMERR, id };
  }
  const q = packet.questions?.[0];
  if (!q || typeof q.name !== 'string') return { ok: false, rcode: RCODE.FORMERR, id };
  let qnameLength: number;
  try {
    qnameLength = encodedNameLength(buf, 12);
  } catch {
    return { ok: false, rcode: RCODE.FORMERR, id };
  }
  // A compressed question name cannot be pasted into answer templates; no resolver sends one.
  if (buf[12 + qnameLength - 1] !== 0 || buf.length < 12 + qnameLength + 4) return { ok: false, rcode: RCODE.FORMERR, id };
  const qtype = buf.readUInt16BE(12 + qnameLength);
  const qclass = buf.readUInt16BE(14 + qnameLength);
  let edns: number | undefined;
  for (const rr of packet.additionals ?? []) {
    if (rr.type === 'OPT') edns = Math.max(512, (rr as dnsPacket.OptAnswer).udpPayloadSize ?? 512);
  }
  return {
    ok: true,
    query: {
      id,
      qname: q.name,
      name: q.name === '' ? '.' : fqdn(q.name),
      qtype,
      qclass,
      rd: (flags & 0x0100) !== 0,
      cd: (flags & 0x0010) !== 0,
      edns,
      qnameOffset: 12,
      qnameLength,
      raw: buf,
    },
  };
}

// Hostname-ish label bytes: letters, digits, '-', '_', '*'. Anything else takes the full decoder.
const PLAIN = new Uint8Array(256);
for (const c of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_*') PLAIN[c.charCodeAt(0)] = 1;

/**
 * The common query (one plain question, optionally one OPT record, nothing else) parsed without
 * building a dns-packet object; undefined sends the packet through dns-packet instead.
 */
function parseSimpleQuery(buf: Buffer, id: number, flags: number): Query | undefined {
  if (buf.readUInt16BE(6) !== 0 || buf.readUInt16BE(8) !== 0) return undefined;
  const ar = buf.readUInt16BE(10);
  if (ar > 1) return undefined;
  let p = 12;
  let qname = '';
  for (;;) {
    if (p >= buf.length) return undefined;
    const len = buf[p]!;
    if (len === 0) break;
    if (len > 63 || p + 1 + len > buf.length) return undefined;
    for (let i = p + 1; i <= p + len; i++) if (!PLAIN[buf[i]!]) return undefined;
    qname += (qname ? '.' : '') + buf.toString('latin1', p + 1, p + 1 + len);
    p += len + 1;
  }
  const qnameLength = p + 1 - 12;
  p += 1;
  if (qnameLength > 255 || p + 4 > buf.length) return undefined;
  const qtype = buf.readUInt16BE(p);
  const qclass = buf.readUInt16BE(p + 2);
  p += 4;
  let edns: number | undefined;
  if (ar === 1) {
    // OPT: root name, type 41, class = payload size, ttl, rdlength, rdata.
    if (p + 11 > buf.length || buf[p] !== 0 || buf.readUInt16BE(p + 1) !== T.OPT) return undefined;
    const rdlen = buf.readUInt16BE(p + 9);
    if (p + 11 + rdlen !== buf.length) return undefined;
    edns = Math.max(512, buf.readUInt16BE(p + 3));
  } else if (p !== buf.length) return undefined;
  return {
    id,
    qname,
    name: qname === '' ? '.' : `${qname.toLowerCase()}.`,
    qtype,
    qclass,
    rd: (flags & 0x0100) !== 0,
    cd: (flags & 0x0010) !== 0,
    edns,
    qnameOffset: 12,
    qnameLength,
    raw: buf,
  };
}

/** Length of an uncompressed name at `offset` (questions are never compressed in queries). */
function encodedNameLength(buf: Buffer, offset: number): number {
  let p = offset;
  while (p < buf.length) {
    const len = buf[p]!;
    if (len === 0) return p - offset + 1;
    if ((len & 0xc0) === 0xc0) return p - offset + 2;
    p += len + 1;
  }
  throw new RangeError('dns: name runs past the end of the packet');
}

/** Writes a DNS message; names are compressed against earlier (lowercased) suffixes. */
class Writer {
  buf: Buffer;
  pos = 0;
  private readonly names = new Map<string, number>();
  constructor(size = 512) {
    this.buf = Buffer.allocUnsafe(size);
  }
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }
  u8(v: number): void {
    this.ensure(1);
    this.buf[this.pos++] = v & 0xff;
  }
  u16(v: number): void {
    this.ensure(2);
    this.buf.writeUInt16BE(v & 0xffff, this.pos);
    this.pos += 2;
  }
  u32(v: number): void {
    this.ensure(4);
    this.buf.writeUInt32BE(v >>> 0, this.pos);
    this.pos += 4;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  /** `text` keeps its case on the wire; compression keys on the lowercased suffix. */
  name(text: string, compress = true): void {
    const t = text === '.' || text === '' ? '' : text.replace(/\.$/, '');
    const labels = t === '' ? [] : splitLabels(t);
    for (let i = 0; i < labels.length; i++) {
      const key = labels.slice(i).join('.').toLowerCase();
      const at = compress ? this.names.get(key) : undefined;
      if (at !== undefined) {
        this.u16(0xc000 | at);
        return;
      }
      if (this.pos < 0x3fff) this.names.set(key, this.pos);
      const b = Buffer.from(labels[i]!.replace(/\\\./g, '.'), 'utf8');
      if (b.length > 63) throw new RangeError(`dns: label "${labels[i]}" is longer than 63 bytes`);
      this.u8(b.length);
      this.bytes(b);
    }
    this.u8(0);
  }
  characterString(s: string): void {
    const b = Buffer.from(s, 'utf8').subarray(0, 255);
    this.u8(b.length);
    this.bytes(b);
  }
}

function splitLabels(name: string): string[] {
  return name.indexOf('\\') < 0 ? name.split('.') : name.split(/(?<!\\)\./);
}

function writeRR(w: Writer, rr: RR): void {
  w.name(rr.name);
  w.u16(rr.type);
  w.u16(1);
  w.u32(rr.ttl);
  const lenAt = w.pos;
  w.u16(0);
  const start = w.pos;
  if ('raw' in rr) w.bytes(rr.data);
  else if (rr.type === T.A) w.bytes(ipv4Bytes(rr.data));
  else if (rr.type === T.AAAA) w.bytes(ipv6Bytes(rr.data));
  else if (rr.type === T.CNAME || rr.type === T.PTR || rr.type === T.NS) w.name(rr.data);
  else if (rr.type === T.SRV) {
    w.u16(rr.data.priority);
    w.u16(rr.data.weight);
    w.u16(rr.data.port);
    w.name(rr.data.target, false); // RFC 2782: SRV targets are not compressed
  } else if (rr.type === T.SOA) {
    w.name(rr.data.mname);
    w.name(rr.data.rname);
    w.u32(rr.data.serial);
    w.u32(rr.data.refresh);
    w.u32(rr.data.retry);
    w.u32(rr.data.expire);
    w.u32(rr.data.minimum);
  } else if (rr.type === T.TXT) for (const s of rr.data) w.characterString(s);
  else if (rr.type === T.HINFO) {
    w.characterString(rr.data.cpu);
    w.characterString(rr.data.os);
  }
  w.buf.writeUInt16BE(w.pos - start, lenAt);
}

const v4cache = new Map<string, Buffer>();
function ipv4Bytes(ip: string): Buffer {
  let b = v4cache.get(ip);
  if (!b) {
    b = Buffer.from(ip.split('.').map(Number));
    if (v4cache.size < 100_000) v4cache.set(ip, b);
  }
  return b;
}
export function ipv6Bytes(ip: string): Buffer {
  if (isIP(ip) !== 6) throw new RangeError(`dns: "${ip}" is not an IPv6 address`);
  let [head, tail] = ip.split('::') as [string, string | undefined];
  let groups: string[];
  const expand = (s: string) => {
    if (s === '') return [];
    const parts = s.split(':');
    const last = parts[parts.length - 1]!;
    if (last.includes('.')) {
      const b = ipv4Bytes(last);
      parts.splice(parts.length - 1, 1, ((b[0]! << 8) | b[1]!).toString(16), ((b[2]! << 8) | b[3]!).toString(16));
    }
    return parts;
  };
  if (tail !== undefined) {
    const h = expand(head);
    const t = expand(tail);
    groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  } else groups = expand(head);
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

export interface EncodeOpts {
  /** Max message size (UDP): 512, or the EDNS payload size; undefined for TCP. */
  limit?: number;
  /** Include an OPT record (the query had EDNS). */
  edns?: boolean;
  ra: boolean;
}

/**
 * Encodes an answer to `q`. Answers that do not fit `limit` are cut back to the header and
 * question with TC set, which makes clients retry over TCP.
 */
export function encodeAnswer(q: Query, a: Answer, opts: EncodeOpts): Buffer {
  const w = new Writer(512);
  writeHeaderAndQuestion(w, q, a, opts, false);
  for (const rr of a.answer) writeRR(w, rr);
  for (const rr of a.authority) writeRR(w, rr);
  for (const rr of a.additional) writeRR(w, rr);
  if (opts.edns) writeOpt(w);
  let out = w.buf.subarray(0, w.pos);
  out.writeUInt16BE(a.answer.length, 6);
  out.writeUInt16BE(a.authority.length, 8);
  out.writeUInt16BE(a.additional.length + (opts.edns ? 1 : 0), 10);
  if (opts.limit !== undefined && out.length > opts.limit) out = truncated(q, a, opts);
  return out;
}

function writeOpt(w: Writer): void {
  w.u8(0); // root
  w.u16(T.OPT);
  w.u16(1232); // our UDP payload size (DNS flag day 2020)
  w.u32(0);
  w.u16(0);
}

function writeHeaderAndQuestion(w: Writer, q: Query, a: Answer, opts: EncodeOpts, tc: boolean): void {
  w.u16(q.id);
  let flags = 0x8000 | (a.rcode & 0xf);
  if (a.aa) flags |= 0x0400;
  if (tc || a.tc) flags |= 0x0200;
  if (q.rd) flags |= 0x0100;
  if (opts.ra || a.ra) flags |= 0x0080;
  if (q.cd) flags |= 0x0010;
  w.u16(flags);
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(0);
  w.name(q.qname === '' ? '.' : q.qname);
  w.u16(q.qtype);
  w.u16(q.qclass);
}

/** As many whole answer records as fit, TC set (as CoreDNS truncates); the client retries over TCP. */
function truncated(q: Query, a: Answer, opts: EncodeOpts): Buffer {
  const w = new Writer(opts.limit ?? 512);
  writeHeaderAndQuestion(w, q, a, opts, true);
  const room = (opts.limit ?? 512) - (opts.edns ? 11 : 0);
  let count = 0;
  for (const rr of a.answer) {
    const before = w.pos;
    writeRR(w, rr);
    if (w.pos > room) {
      // Nothing written after this point refers back into the dropped record.
      w.pos = before;
      break;
    }
    count++;
  }
  if (opts.edns) writeOpt(w);
  const out = w.buf.subarray(0, w.pos);
  out.writeUInt16BE(count, 6);
  out.writeUInt16BE(opts.edns ? 1 : 0, 10);
  return out;
}

/** An error reply echoing the question when it can be read (FORMERR, NOTIMP, SERVFAIL, REFUSED). */
export function encodeError(raw: Buffer, id: number, rcode: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(id, 0);
  const rd = raw.length >= 4 ? raw.readUInt16BE(2) & 0x0100 : 0;
  const opcode = raw.length >= 4 ? raw.readUInt16BE(2) & 0x7800 : 0;
  out.writeUInt16BE(0x8000 | opcode | rd | (rcode & 0xf), 2);
  return out;
}

/**
 * Template answers: an encoded reply for the lowercase name, reused for every query of that
 * name+type by copying it, patching ID/flags and pasting the query's own question bytes (same
 * length, so compression pointers stay valid and answers echo the query's case).
 */
export function patchTemplate(tpl: Buffer, q: Query): Buffer {
  const out = Buffer.allocUnsafe(tpl.length);
  tpl.copy(out);
  out.writeUInt16BE(q.id, 0);
  let flags = out.readUInt16BE(2) & ~0x0110;
  if (q.rd) flags |= 0x0100;
  if (q.cd) flags |= 0x0010;
  out.writeUInt16BE(flags, 2);
  q.raw.copy(out, 12, q.qnameOffset, q.qnameOffset + q.qnameLength);
  return out;
}

/** Relays an upstream reply: only the ID is ours to set. */
export function patchId(wire: Buffer, id: number): Buffer {
  const out = Buffer.from(wire);
  out.writeUInt16BE(id, 0);
  return out;
}

/** Builds a client query (for forwarding, probes and tests). */
export function encodeQuery(name: string, qtype: number, opts: { id?: number; rd?: boolean; edns?: number } = {}): Buffer {
  const w = new Writer(64);
  w.u16(opts.id ?? Math.floor(Math.random() * 65536));
  w.u16(opts.rd === false ? 0 : 0x0100);
  w.u16(1);
  w.u16(0);
  w.u16(0);
  w.u16(opts.edns ? 1 : 0);
  w.name(name, false);
  w.u16(qtype);
  w.u16(1);
  if (opts.edns) {
    w.u8(0);
    w.u16(T.OPT);
    w.u16(opts.edns);
    w.u32(0);
    w.u16(0);
  }
  return Buffer.from(w.buf.subarray(0, w.pos));
}

/** Decoded reply fields the cache and forwarder need; undefined when malformed. */
export interface ReplyInfo {
  id: number;
  rcode: number;
  tc: boolean;
  answer: RR[];
  authority: RR[];
  additional: RR[];
}

/** Decodes an upstream reply into records (unknown rdata kept raw). Never throws. */
export function decodeReply(buf: Buffer): ReplyInfo | undefined {
  let p: dnsPacket.Packet;
  try {
    p = dnsPacket.decode(buf);
  } catch {
    return undefined;
  }
  const conv = (list: readonly dnsPacket.Answer[] | undefined): RR[] => {
    const out: RR[] = [];
    for (const a of list ?? []) {
      if (a.type === 'OPT') continue;
      const name = fqdn(a.name || '.');
      const ttl = (a as { ttl?: number }).ttl ?? 0;
      const d = (a as { data?: unknown }).data;
      switch (a.type) {
        case 'A':
          out.push({ name, type: T.A, ttl, data: d as string });
          break;
        case 'AAAA':
          out.push({ name, type: T.AAAA, ttl, data: d as string });
          break;
        case 'CNAME':
        case 'PTR':
        case 'NS':
          out.push({ name, type: T[a.type], ttl, data: fqdn(d as string) });
          break;
        case 'SOA': {
          const s = d as dnsPacket.SoaData;
          out.push({ name, type: T.SOA, ttl, data: { mname: fqdn(s.mname), rname: fqdn(s.rname), serial: s.serial ?? 0, refresh: s.refresh ?? 0, retry: s.retry ?? 0, expire: s.expire ?? 0, minimum: s.minimum ?? 0 } });
          break;
        }
        case 'SRV': {
          const s = d as dnsPacket.SrvData;
          out.push({ name, type: T.SRV, ttl, data: { priority: s.priority ?? 0, weight: s.weight ?? 0, port: s.port, target: fqdn(s.target) } });
          break;
        }
        case 'TXT': {
          const list = Array.isArray(d) ? d : [d];
          out.push({ name, type: T.TXT, ttl, data: list.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))) });
          break;
        }
        default: {
          // Re-encode the one record with dns-packet to get its rdata bytes unchanged.
          try {
            const enc = dnsPacket.encode({ type: 'response', answers: [a] });
            const nameLen = encodedNameLength(enc, 12);
            const rdlen = enc.readUInt16BE(12 + nameLen + 8);
            const rdata = enc.subarray(12 + nameLen + 10, 12 + nameLen + 10 + rdlen);
            const code = enc.readUInt16BE(12 + nameLen);
            out.push({ name, type: code, ttl, data: Buffer.from(rdata), raw: true });
          } catch {
            /* a record we cannot carry: leave it out */
          }
        }
      }
    }
    return out;
  };
  try {
    return {
      id: p.id ?? 0,
      rcode: buf.readUInt16BE(2) & 0xf,
      tc: (buf.readUInt16BE(2) & 0x0200) !== 0,
      answer: conv(p.answers),
      authority: conv(p.authorities),
      additional: conv(p.additionals),
    };
  } catch {
    return undefined;
  }
}

/** Zone-file text for a record: `web.shop.svc.cluster.local. 5 IN A 10.96.0.12`. */
export function rrText(rr: RR): string {
  let data: string;
  if ('raw' in rr) data = `\\# ${rr.data.length} ${rr.data.toString('hex')}`;
  else if (rr.type === T.SRV) data = `${rr.data.priority} ${rr.data.weight} ${rr.data.port} ${rr.data.target}`;
  else if (rr.type === T.SOA) {
    const s = rr.data;
    data = `${s.mname} ${s.rname} ${s.serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
  } else if (rr.type === T.TXT) data = rr.data.map((s) => `"${s}"`).join(' ');
  else if (rr.type === T.HINFO) data = `"${rr.data.cpu}" "${rr.data.os}"`;
  else data = rr.data as string;
  return `${rr.name} ${rr.ttl} IN ${typeName(rr.type)} ${data}`;
}
