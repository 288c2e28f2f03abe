// A minimal protobuf wire-format reader: varints, fixed 32/64, length-delimited. Enough for
// decoding Kubernetes' generated.proto messages without a compiled schema.
import { ProtobufError } from './errors.js';

export const WIRE = { VARINT: 0, I64: 1, LEN: 2, I32: 5 } as const;

export class Reader {
  pos = 0;
  constructor(readonly buf: Uint8Array) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.buf.length) throw new ProtobufError('PROTOBUF_INVALID', 'truncated varint');
      const b = this.buf[this.pos++]!;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
    throw new ProtobufError('PROTOBUF_INVALID', 'varint longer than 10 bytes');
  }

  /** A tag: field number and wire type. */
  tag(): { field: number; wire: number } {
    const t = Number(this.varint());
    return { field: t >>> 3, wire: t & 7 };
  }

  bytes(): Uint8Array {
    const n = Number(this.varint());
    if (this.pos + n > this.buf.length) throw new ProtobufError('PROTOBUF_INVALID', `length ${n} runs past the end of the message`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  fixed(size: 4 | 8): Uint8Array {
    if (this.pos + size > this.buf.length) throw new ProtobufError('PROTOBUF_INVALID', 'truncated fixed-width field');
    const out = this.buf.subarray(this.pos, this.pos + size);
    this.pos += size;
    return out;
  }

  skip(wire: number): void {
    switch (wire) {
      case WIRE.VARINT:
        this.varint();
        return;
      case WIRE.I64:
        this.fixed(8);
        return;
      case WIRE.LEN:
        this.bytes();
        return;
      case WIRE.I32:
        this.fixed(4);
        return;
      default:
        throw new ProtobufError('PROTOBUF_INVALID', `unsupported wire type ${wire}`);
    }
  }
}
