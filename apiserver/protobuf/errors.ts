import { PodnetError } from '../../api/errors.js';

export type ProtobufErrorCode = 'PROTOBUF_INVALID' | 'PROTOBUF_UNSUPPORTED_KIND' | 'PROTOBUF_UNKNOWN_FIELD';

/** A protobuf body podnet cannot turn into JSON: 400 when it is malformed, 415 when it is a kind or field podnet has no schema for. */
export class ProtobufError extends PodnetError {
  readonly httpStatus: 400 | 415;
  constructor(code: ProtobufErrorCode, message: string) {
    super(code, `protobuf: ${message}`);
    this.name = 'ProtobufError';
    this.httpStatus = code === 'PROTOBUF_INVALID' ? 400 : 415;
  }
}
