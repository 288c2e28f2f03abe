// Finds where a chunked body ends without decoding it: the fast engine forwards chunked bodies
// byte for byte and only needs the message boundary (for keep-alive and pipelining) and the
// number of data bytes (for proxy-body-size).

const enum S { Size, Ext, SizeLF, Data, DataCR, DataLF, TrailerStart, Trailer, TrailerLF, EndLF, Done }

/** More hex digits than this is a size no body will reach; refusing it keeps the arithmetic exact. */
const MAX_SIZE_DIGITS = 12;

export class ChunkedScanner {
  private s = S.Size;
  private size = 0;
  private digits = 0;
  /** Data bytes seen so far (chunk framing and trailers excluded). */
  dataBytes = 0;

  get done(): boolean {
    return this.s === S.Done;
  }

  /**
   * Scans `buf` from `from`; returns how many bytes of it belong to this body (all of them until
   * the last chunk and trailers are complete). Throws SyntaxError on malformed framing.
   */
  feed(buf: Buffer, from = 0): number {
    let i = from;
    const n = buf.length;
    while (i < n && this.s !== S.Done) {
      if (this.s === S.Data) {
        const take = Math.min(this.size, n - i);
        i += take;
        this.size -= take;
        this.dataBytes += take;
        if (this.size === 0) this.s = S.DataCR;
        continue;
      }
      const c = buf[i++]!;
      switch (this.s) {
        case S.Size: {
          const v = hexValue(c);
          if (v >= 0) {
            if (++this.digits > MAX_SIZE_DIGITS) throw new SyntaxError('ingress: chunk size too large');
            this.size = this.size * 16 + v;
          } else if (this.digits > 0 && (c === 59 /* ; */ || c === 32 || c === 9)) this.s = S.Ext;
          else if (this.digits > 0 && c === 13) this.s = S.SizeLF;
          else throw new SyntaxError(`ingress: invalid chunk size byte 0x${c.toString(16)}`);
          break;
        }
        case S.Ext:
          if (c === 13) this.s = S.SizeLF;
          else if (c === 10 || c < 9) throw new SyntaxError('ingress: invalid chunk extension');
          break;
        case S.SizeLF:
          if (c !== 10) throw new SyntaxError('ingress: chunk size line without LF');
          this.digits = 0;
          this.s = this.size === 0 ? S.TrailerStart : S.Data;
          break;
        case S.DataCR:
          if (c !== 13) throw new SyntaxError('ingress: chunk data longer than its size');
          this.s = S.DataLF;
          break;
        case S.DataLF:
          if (c !== 10) throw new SyntaxError('ingress: chunk data without CRLF');
          this.s = S.Size;
          break;
        case S.TrailerStart:
          this.s = c === 13 ? S.EndLF : S.Trailer;
          if (c === 10) throw new SyntaxError('ingress: bare LF in trailers');
          break;
        case S.Trailer:
          if (c === 13) this.s = S.TrailerLF;
          else if (c === 10) throw new SyntaxError('ingress: bare LF in trailers');
          break;
        case S.TrailerLF:
          if (c !== 10) throw new SyntaxError('ingress: trailer line without LF');
          this.s = S.TrailerStart;
          break;
        case S.EndLF:
          if (c !== 10) throw new SyntaxError('ingress: chunked body end without LF');
          this.s = S.Done;
          break;
      }
    }
    return i - from;
  }
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}
