// Parses `conntrack -E -o extended,timestamp,id` lines. The original tuple says who dialled what
// (before DNAT); the reply tuple's source is where the kernel really sent it (the endpoint).
export interface ConntrackTuple {
  readonly src: string;
  readonly dst: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly packets?: number;
  readonly bytes?: number;
}

export interface ConntrackRecord {
  readonly type: 'NEW' | 'UPDATE' | 'DESTROY';
  /** Epoch milliseconds from the event's timestamp. */
  readonly timeMs: number;
  /** The same in microseconds, as printed (when the tool read the event, not a kernel time). */
  readonly timeUs: number;
  readonly proto: string;
  readonly orig: ConntrackTuple;
  readonly reply?: ConntrackTuple;
  readonly id?: string;
}

const HEAD = /^\s*\[(\d+)\.(\d+)\]\s+\[(NEW|UPDATE|DESTROY)\]\s+(?:ipv4|ipv6)\s+\d+\s+(\w+)\s+\d+\s+(.*)$/;

function tuple(kv: Map<string, string>): ConntrackTuple | undefined {
  const src = kv.get('src');
  const dst = kv.get('dst');
  if (!src || !dst) return undefined;
  const num = (k: string) => (kv.has(k) ? Number(kv.get(k)) : undefined);
  const t: { -readonly [K in keyof ConntrackTuple]: ConntrackTuple[K] } = { src, dst };
  const sport = num('sport');
  const dport = num('dport');
  const packets = num('packets');
  const bytes = num('bytes');
  if (sport !== undefined) t.sport = sport;
  if (dport !== undefined) t.dport = dport;
  if (packets !== undefined) t.packets = packets;
  if (bytes !== undefined) t.bytes = bytes;
  return t;
}

/** One event line, or undefined for anything else (banners, summaries). */
export function parseConntrackEvent(line: string): ConntrackRecord | undefined {
  const m = HEAD.exec(line);
  if (!m) return undefined;
  // The fraction as digits: "0.507645" * 1e6 in floating point is 507644.99….
  const timeUs = Number(m[1]) * 1_000_000 + Number(m[2]!.padEnd(6, '0').slice(0, 6));
  const timeMs = Math.floor(timeUs / 1000);
  // Tuples are runs of key=value; a repeated "src" starts the reply tuple.
  const tuples: Map<string, string>[] = [new Map()];
  let id: string | undefined;
  for (const tok of m[5]!.split(/\s+/)) {
    const eq = tok.indexOf('=');
    if (eq < 0) continue;
    const k = tok.slice(0, eq);
    const v = tok.slice(eq + 1);
    if (k === 'id') {
      id = v;
      continue;
    }
    if (k === 'src' && tuples[tuples.length - 1]!.has('src')) tuples.push(new Map());
    if (tuples.length <= 2) tuples[tuples.length - 1]!.set(k, v);
  }
  const orig = tuple(tuples[0]!);
  if (!orig) return undefined;
  const reply = tuples[1] ? tuple(tuples[1]) : undefined;
  return { type: m[3] as ConntrackRecord['type'], timeMs, timeUs, proto: m[4]!, orig, ...(reply ? { reply } : {}), ...(id ? { id } : {}) };
}
