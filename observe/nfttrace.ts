// Parses `nft monitor trace` output and assembles the lines of one trace id into a record: the
// packet as first seen, every rule/policy step with its table and chain, and the final verdict.
// observe marks the first packet of every new connection (`ct state new meta nftrace set 1`), so a
// trace that ends in `drop` is a connection the proxy rejected or a policy dropped.
export interface TracedPacket {
  readonly proto?: string;
  readonly saddr?: string;
  readonly daddr?: string;
  readonly sport?: number;
  readonly dport?: number;
  readonly iif?: string;
  readonly oif?: string;
}

export interface TraceStep {
  readonly family: string;
  readonly table: string;
  readonly chain: string;
  readonly kind: 'rule' | 'policy' | 'verdict';
  readonly text: string;
  /** accept | drop | continue | jump X | goto X | return … */
  readonly verdict?: string;
}

export interface TraceRecord {
  readonly id: string;
  readonly packet: TracedPacket;
  /** The packet as the last chain saw it: after DNAT, the endpoint's address. */
  readonly lastPacket: TracedPacket;
  readonly steps: readonly TraceStep[];
  /** accept when no step dropped the packet. */
  readonly verdict: 'accept' | 'drop' | 'reject';
  /** The step that dropped it. */
  readonly dropStep?: TraceStep;
}

export type TraceLine =
  | { readonly id: string; readonly kind: 'packet'; readonly family: string; readonly table: string; readonly chain: string; readonly packet: TracedPacket }
  | ({ readonly id: string } & TraceStep);

const LINE = /^trace id (\S+) (\w+) (\S+) (\S+) (packet|rule|unknown rule|policy|verdict):?\s?(.*)$/;

export function parseTracedPacket(text: string): TracedPacket {
  const pick = (re: RegExp) => re.exec(text)?.[1];
  const num = (re: RegExp) => {
    const v = pick(re);
    return v === undefined ? undefined : Number(v);
  };
  const proto = pick(/\b(tcp|udp|sctp|icmp) /) ?? pick(/\bip protocol (\w+)/);
  const p: { -readonly [K in keyof TracedPacket]: TracedPacket[K] } = {};
  if (proto) p.proto = proto;
  const saddr = pick(/\bip6? saddr (\S+)/);
  const daddr = pick(/\bip6? daddr (\S+)/);
  if (saddr) p.saddr = saddr;
  if (daddr) p.daddr = daddr;
  const sport = num(/\b(?:tcp|udp|sctp) sport (\d+)/);
  const dport = num(/\b(?:tcp|udp|sctp) dport (\d+)/);
  if (sport !== undefined) p.sport = sport;
  if (dport !== undefined) p.dport = dport;
  const iif = pick(/\biif "([^"]+)"/);
  const oif = pick(/\boif "([^"]+)"/);
  if (iif) p.iif = iif;
  if (oif) p.oif = oif;
  return p;
}

export function parseTraceLine(line: string): TraceLine | undefined {
  const m = LINE.exec(line.trim());
  if (!m) return undefined;
  const [, id, family, table, chain, rawKind, rest] = m as unknown as [string, string, string, string, string, string, string];
  // "unknown rule handle N": a rule newer than nft's cache; still a rule, known by its chain.
  const kind = (rawKind === 'unknown rule' ? 'rule' : rawKind) as TraceStep['kind'] | 'packet';
  if (kind === 'packet') return { id, kind, family, table, chain, packet: parseTracedPacket(rest) };
  let text = rest.trim();
  let verdict: string | undefined;
  const v = /\(verdict ([^)]+)\)\s*$/.exec(text);
  if (v) {
    verdict = v[1];
    text = text.slice(0, v.index).trim();
  } else if (kind === 'policy' || kind === 'verdict') {
    verdict = text;
  }
  return { id, family, table, chain, kind, text, ...(verdict ? { verdict } : {}) };
}

/** Collects lines per trace id; `finish(id)` (or `flushOlderThan`) turns them into a record. */
export class TraceAssembler {
  private readonly open = new Map<string, { packet?: TracedPacket; last?: TracedPacket; steps: TraceStep[]; lastMs: number }>();

  /** Feeds one line; returns a record when the line ends its trace (a drop is final at once). */
  push(line: string, nowMs: number): TraceRecord | undefined {
    const l = parseTraceLine(line);
    if (!l) return undefined;
    let t = this.open.get(l.id);
    if (!t) this.open.set(l.id, (t = { steps: [], lastMs: nowMs }));
    t.lastMs = nowMs;
    if ('packet' in l) {
      t.packet ??= l.packet;
      t.last = l.packet;
      return undefined;
    }
    const { id: _id, ...step } = l;
    t.steps.push(step);
    if (step.verdict === 'drop') return this.finish(l.id);
    return undefined;
  }

  finish(id: string): TraceRecord | undefined {
    const t = this.open.get(id);
    if (!t) return undefined;
    this.open.delete(id);
    const dropStep = t.steps.find((s) => s.verdict === 'drop');
    const verdict = !dropStep ? 'accept' : /\breject\b/.test(dropStep.text) || /reject/.test(dropStep.chain) ? 'reject' : 'drop';
    return { id, packet: t.packet ?? {}, lastPacket: t.last ?? t.packet ?? {}, steps: t.steps, verdict, ...(dropStep ? { dropStep } : {}) };
  }

  /** Traces with no line for `idleMs` are complete (an accepted packet has no closing line). */
  flushOlderThan(nowMs: number, idleMs: number): TraceRecord[] {
    const out: TraceRecord[] = [];
    for (const [id, t] of this.open) if (nowMs - t.lastMs >= idleMs) out.push(this.finish(id)!);
    return out;
  }
}
