// Joins a TCP connection's NEW event with its SYN_RECV update (the SYN/ACK passing back) by
// conntrack id: the gap is the handshake's round trip as this node saw it. The two events come
// from two `conntrack -E` readers (capture.ts), so either may arrive first; both stamps are the
// readers' clocks when they read the event, which is why the result is approximate
// (bench/observe/ctstamp.ts measures how far apart two readers stamp one event).
import type { ConntrackRecord } from './conntrack.js';

/** Connections whose other half never came (a refused SYN has no SYN_RECV) are forgotten past this many. */
const LIMIT = 65_536;

export class ConnectTimer {
  private readonly news = new Map<string, number>();
  private readonly replies = new Map<string, number>();

  /** Feeds one event; returns the handshake time in microseconds (≥ 0) once both halves are known. */
  push(rec: ConntrackRecord): number | undefined {
    if (!rec.id || rec.proto !== 'tcp') return undefined;
    if (rec.type === 'DESTROY') {
      this.news.delete(rec.id);
      this.replies.delete(rec.id);
      return undefined;
    }
    const [mine, other] = rec.type === 'NEW' ? [this.news, this.replies] : [this.replies, this.news];
    const seen = other.get(rec.id);
    if (seen === undefined) {
      if (mine.size >= LIMIT) mine.clear();
      mine.set(rec.id, rec.timeUs);
      return undefined;
    }
    other.delete(rec.id);
    const [t0, t1] = rec.type === 'NEW' ? [rec.timeUs, seen] : [seen, rec.timeUs];
    // Two readers' stamps can cross by a little: a handshake never takes negative time.
    return Math.max(0, t1 - t0);
  }
}
