// The one error type every patch format throws. Callers (the HTTP layer) match on `code`:
//   EPATCHINVALID  the patch document itself is malformed           -> 400 BadRequest
//   EPATCHTEST     a json-patch `test` operation did not hold         -> 422 Invalid
//   EPATCHPATH     a json-patch operation names a path that is absent -> 422 Invalid
//   EAPPLYINVALID  an apply configuration contradicts its schema      -> 422 Invalid
// The message is the text the real kube-apiserver puts in the Status (for 422s: the cause).

export type PatchErrorCode = 'EPATCHINVALID' | 'EPATCHTEST' | 'EPATCHPATH' | 'EAPPLYINVALID';

export class PatchError extends Error {
  readonly code: PatchErrorCode;

  constructor(code: PatchErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PatchError';
    this.code = code;
  }
}

/** HTTP status the real server answers for each code. */
export const patchErrorStatus: Record<PatchErrorCode, 400 | 422> = {
  EPATCHINVALID: 400,
  EPATCHTEST: 422,
  EPATCHPATH: 422,
  EAPPLYINVALID: 422,
};
