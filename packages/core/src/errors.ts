/**
 * Every error the clients throw is a BceError, so callers can tell ours from anything else
 * with one `instanceof`, and then branch on the subclass.
 */
export class BceError extends Error {
  override name = "BceError";
}

/** BCE answered with an error status. Fields come from the BCE error body and headers. */
export class BceServiceError extends BceError {
  override name = "BceServiceError";
  /** HTTP status of the answer. */
  readonly status: number;
  /** BCE error code, such as `InvalidHTTPRequest` or `SignatureDoesNotMatch`. */
  readonly code: string;
  /** Request id from the body, else from the `x-bce-request-id` header; empty when neither came. */
  readonly requestId: string;

  constructor(init: { status: number; code: string; message: string; requestId: string }) {
    super(`${init.code}: ${init.message} (status ${init.status}${init.requestId ? `, request id ${init.requestId}` : ""})`);
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
  }
}

/** The client refused to send a request because an argument breaks the API's rules. */
export class BceValidationError extends BceError {
  override name = "BceValidationError";
  /** Which argument or body field is wrong, as a JSON-pointer-like path (`body.keyConfig.adminPass`). */
  readonly field: string;
  /** Which rule failed, in a word or two (`pattern`, `minLength`, `required`). */
  readonly rule: string;

  constructor(field: string, rule: string, message: string) {
    super(`${field}: ${message}`);
    this.field = field;
    this.rule = rule;
  }
}
