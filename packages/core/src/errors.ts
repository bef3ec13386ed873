// The fields of the errors are `declare`d and set in their constructors: the same own properties,
// in the same order, without a second definition of each (as `undefined` first) in the output.
import type { BceErrorCode } from "./generated/error-codes.js";

export type { BceErrorCode } from "./generated/error-codes.js";

/**
 * Every error the clients throw is a BceError, so callers can tell ours from anything else
 * with one `instanceof`, and then branch on the subclass.
 */
export class BceError extends Error {
  // Each subclass's `name` is typed as its own literal (`"BceServiceError"`, ...), as the class is
  // named: a test of `error.name` with a misspelt name fails to compile.
  override readonly name: string = "BceError";
  /**
   * What a client method's call took before it rejected with this error, once it had sent an
   * attempt; absent when nothing was sent (a BceValidationError, say).
   */
  declare readonly $metadata?: CallMetadata;

  /**
   * What `JSON.stringify` writes (a JSON logger's line): the name, the message (an Error's own
   * message is not enumerable, and was left out) and the error's fields.
   */
  toJSON(): Record<string, unknown> {
    return { name: this.name, message: this.message, ...(this as object) };
  }
}

/** What a call that failed took: the success's `$metadata` without an answer's status and request id. */
export interface CallMetadata {
  /** Attempts sent, the first included. */
  readonly attempts: number;
  /** Milliseconds spent waiting between attempts, a wait the caller's abort cut short included. */
  readonly totalRetryDelay: number;
  /**
   * The idempotency token the attempts carried, as sent (BEC reinstall's `clientToken`: the
   * caller's, one the client made, or a middleware's): the call repeated with it (`{ clientToken }`)
   * is acted on at most once. Absent for an operation that takes none (BCC rebuild), or when the
   * URL sent carried none.
   */
  readonly clientToken?: string;
}

/**
 * Text from an answer as an error message may quote it: at most `max` characters (what is left out
 * counted), control and bidirectional-formatting characters escaped (`\u001b`), so that a log line
 * stays one line and a terminal is not steered by what a server or a proxy sent.
 */
export function quoted(value: string, max: number): string {
  // A caller's own (a test's) may not be a string.
  const text = String(value);
  let kept = text;
  if (text.length > max) {
    kept = text.slice(0, max).replace(/[\ud800-\udbff]$/, "");
    kept += `… (${text.length - kept.length} more characters)`;
  }
  return kept.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what it escapes
    /[\0-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * A field's path as an error names it: each name in it is cut already (`childPath`), and a path
 * thousands of levels deep is cut as a whole.
 */
export const cutPath = (path: string): string => (path.length > 500 ? quoted(path, 500) : path);

/**
 * An answer's status as an error message gives it: a 2xx says in words that the service took the
 * call, so that an error after it is not read as "nothing happened" and the call repeated.
 */
export const statusTold = (status: number): string =>
  `status ${status}${isSuccess(status) ? ": the service took the call" : ""}`;

/** A 2xx status: the service took the call. */
export const isSuccess = (status: number | undefined): status is number =>
  status !== undefined && status > 199 && status < 300;

/** BCE answered with an error status. Fields come from the BCE error body and headers. */
export class BceServiceError extends BceError {
  override readonly name = "BceServiceError" as const;
  /** HTTP status of the answer. */
  declare readonly status: number;
  /**
   * BCE error code, such as `InvalidHTTPRequest` or `SignatureDoesNotMatch`: the codes the spec
   * lists complete in an editor; any other a service sends is kept as it came.
   */
  declare readonly code: BceErrorCode;
  /** Request id from the body, else from the `x-bce-request-id` header; empty when neither came. */
  declare readonly requestId: string;

  constructor(init: { status: number; code: string; message: string; requestId: string }) {
    // The fields keep what the service sent; the message quotes it, bounded and escaped.
    super(
      `${quoted(init.code, 100)}: ${quoted(init.message, 1000)} (status ${init.status}${init.requestId ? `, request id ${quoted(init.requestId, 100)}` : ""})`,
    );
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
  }
}

/** The client refused to send a request because an argument breaks the API's rules. */
export class BceValidationError extends BceError {
  // PasswordPolicyError, its subclass, names itself.
  override readonly name: "BceValidationError" | "PasswordPolicyError" = "BceValidationError";
  /** Which argument or body field is wrong, as a JSON-pointer-like path (`body.keyConfig.adminPass`). */
  declare readonly field: string;
  /** Which rule failed, in a word or two (`pattern`, `minLength`, `required`). */
  declare readonly rule: string;

  // `{ cause }` spelt out, not ErrorOptions: the declarations must not need lib ES2022 or the DOM.
  constructor(field: string, rule: string, message: string, options?: { cause?: unknown }) {
    super(`${field}: ${message}`, options);
    this.field = field;
    this.rule = rule;
  }
}

/**
 * The request could not be completed on the network: refused, reset, cut off mid-answer, or
 * answered in bytes that are not HTTP (an `HPE_` code: the service may have acted).
 * `requestSent` is false only when the connection failed before any byte of the request left, on
 * this attempt and every one before it that the service did not refuse (a 4xx answer), so the
 * service cannot have acted on the call.
 */
export class BceNetworkError extends BceError {
  override readonly name = "BceNetworkError" as const;
  /** The system error code when there is one (`ECONNREFUSED`, `ECONNRESET`, ...). */
  declare readonly errorCode: string;
  declare readonly requestSent: boolean;
  /**
   * The status of the answer that was cut off after its head came (a 2xx: the service acted);
   * absent when no answer came. Of the call's last attempt, or of an earlier one whose 2xx head came
   * (the message says which).
   */
  declare readonly answerStatus?: number;

  constructor(
    message: string,
    init: { errorCode: string; requestSent: boolean; answerStatus?: number | undefined; cause?: unknown },
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.errorCode = init.errorCode;
    this.requestSent = init.requestSent;
    if (init.answerStatus !== undefined) this.answerStatus = init.answerStatus;
  }
}

/** An attempt took longer than the timeout (answer headers and body included). */
export class BceTimeoutError extends BceError {
  override readonly name = "BceTimeoutError" as const;
  declare readonly timeoutMs: number;
  /**
   * The status of the answer whose head came in time but whose body did not (a 2xx: the service
   * acted); absent when no answer came. Of the call's last attempt, or of an earlier one whose 2xx
   * head came (the message says which).
   */
  declare readonly answerStatus?: number;

  constructor(timeoutMs: number, answerStatus?: number) {
    super(`no complete answer within ${timeoutMs} ms${partly(answerStatus)}`);
    this.timeoutMs = timeoutMs;
    if (answerStatus !== undefined) this.answerStatus = answerStatus;
  }
}

/**
 * No usable credentials: none given and none in the environment, a provider that failed (its
 * error is the `cause`), or keys that are malformed. The message names what is wrong, never a
 * key's value.
 */
export class CredentialsError extends BceError {
  override readonly name = "CredentialsError" as const;
}

/** The caller's AbortSignal stopped the call. */
export class BceAbortError extends BceError {
  override readonly name = "BceAbortError" as const;
  /** As BceTimeoutError's: the status of the answer whose body was still coming when the call was aborted. */
  declare readonly answerStatus?: number;
}

/**
 * An aborted signal's reason; for a caller's signal whose `reason` getter throws, an AbortError of
 * its own (read in a listener, the getter's error would end the process).
 */
export function reasonOf(signal: AbortSignal): unknown {
  try {
    return signal.reason;
  } catch {
    return new DOMException("This operation was aborted", "AbortError");
  }
}

/**
 * The BceAbortError of a call whose signal has aborted: its reason is the cause. `answerStatus`:
 * the status of the answer whose body was being read (a 2xx: the service acted).
 */
export const aborted = (signal: AbortSignal, answerStatus?: number): BceAbortError =>
  withAnswerStatus(
    new BceAbortError(`the call was aborted${partly(answerStatus)}`, { cause: reasonOf(signal) }),
    answerStatus,
  );

/**
 * The BceAbortError of a call aborted after its attempt came to something, which `after` tells
 * first (`the service answered 200…, but `), with the status of the answer that had come.
 */
export const abortedAfter = (after: string, cause: unknown, answerStatus: number | undefined): BceAbortError =>
  withAnswerStatus(new BceAbortError(`${after}the call was aborted`, { cause }), answerStatus);

/** The status of the answer an error's attempt came to (see BceAbortError's `answerStatus`), if any. */
export const answerStatusOf = (error: unknown): number | undefined =>
  (error as { answerStatus?: number } | undefined)?.answerStatus;

/** A BceAbortError with the status of the answer that had come (see BceAbortError's `answerStatus`). */
const withAnswerStatus = (error: BceAbortError, answerStatus: number | undefined): BceAbortError =>
  answerStatus === undefined ? error : Object.assign(error, { answerStatus });

/** What an error after an answer's head says of it: that the service answered, and with what. */
const partly = (status: number | undefined) =>
  status === undefined ? "" : ` (an answer came, but not all of its body; ${statusTold(status)})`;

/**
 * `globalThis.crypto`, with the part of Web Crypto a caller needs (`subtle`, `randomUUID`). A
 * browser gives them only to secure pages (https:, or http: from localhost); elsewhere this names
 * the cause rather than letting a call fail on `undefined`.
 */
// Typed as the global's own type, not the DOM's `Crypto`: a Node project without the DOM lib has it too.
export function webCrypto(need: "subtle" | "randomUUID"): typeof globalThis.crypto {
  const c = globalThis.crypto;
  if (!c?.[need])
    throw new BceError(
      `Web Crypto (globalThis.crypto.${need}) is not available here: browsers give it only to secure pages (https:, or http: from localhost)`,
    );
  return c;
}

/** An answer body over the client's `maxResponseBytes`, whichever way it was sent and read. */
export function answerTooLarge(status: number, requestId: string, limit: number): BceResponseError {
  return new BceResponseError({
    status,
    requestId,
    problems: [`the answer body is larger than ${limit} bytes`],
    // Not a mismatch with the API description: the client's own limit.
    summary: "the answer was not read whole (maxResponseBytes)",
  });
}

/** The service answered with success, but the body is not what the spec says it is. */
export class BceResponseError extends BceError {
  override readonly name = "BceResponseError" as const;
  declare readonly status: number;
  declare readonly requestId: string;
  /** What is wrong, one line each, with the place in the body (`details.status: must be one of ...`). */
  declare readonly problems: readonly string[];

  constructor(init: {
    status: number;
    requestId: string;
    problems: readonly string[];
    /** What the problems amount to; by default "the answer does not match the API description". */
    summary?: string;
  }) {
    // Status and request id as a BceServiceError gives them: a 2xx says the service took the call.
    super(
      `${init.summary ?? "the answer does not match the API description"}: ${init.problems.join("; ")} (${statusTold(init.status)}${init.requestId ? `, request id ${quoted(init.requestId, 100)}` : ""})`,
    );
    this.status = init.status;
    this.requestId = init.requestId;
    this.problems = init.problems;
  }
}
