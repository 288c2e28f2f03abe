// Patch failures carry a stable code and the HTTP status the apiserver edge should answer with:
// a body that is not a valid patch document is the client's syntax error (400); a well-formed
// patch that cannot be applied to this object (a failed `test`, a missing path) is 422.
import { PodnetError } from '../../api/errors.js';

export type PatchErrorCode =
  | 'PATCH_MALFORMED'
  | 'PATCH_PATH_NOT_FOUND'
  | 'PATCH_TEST_FAILED'
  | 'PATCH_UNSUPPORTED'
  | 'PATCH_INVALID_RESULT';

export class PatchError extends PodnetError {
  /** 400 for an unparsable/ill-formed patch, 422 for one that cannot apply to this object. */
  readonly httpStatus: 400 | 422;
  constructor(code: PatchErrorCode, message: string, httpStatus: 400 | 422 = code === 'PATCH_MALFORMED' ? 400 : 422) {
    super(code, `patch: ${message}`);
    this.name = 'PatchError';
    this.httpStatus = httpStatus;
  }
}
