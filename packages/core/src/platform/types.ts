// The types of `#platform`, whichever branch a runtime or bundle resolves: `server` under the
// `node` condition (Node, Deno, Bun), `browser` under the `browser` condition and everywhere else
// (browsers, edge runtimes).
import type { Credentials } from "../credentials.js";
import type { BceResponseError } from "../errors.js";

/** `"server"` or `"browser"`. */
export declare const PLATFORM: "server" | "browser";

/**
 * `<runtime>/<version>` for the user agent (`node/20.20.2`, `deno/2.1.0`, `bun/1.2.0`), or
 * undefined where the program cannot set `User-Agent` (a browser keeps its own).
 */
export declare function runtimeAgent(): string | undefined;

/**
 * Credentials from the environment variables (CREDENTIAL_ENV_VARS), undefined when none is set; a
 * CredentialsError when they are malformed. A browser has no environment: always undefined.
 */
export declare function environmentCredentials(): Credentials | undefined;

/** What a call with no credentials is refused with: where credentials can come from here. */
export declare const NO_CREDENTIALS: string;

/**
 * What a fetch that failed says about the network: the system error code in its cause chain
 * (`ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`; empty when there is none, as in a browser) and
 * whether that code proves the connection was never made, so the request did not leave.
 */
export declare function networkFailure(error: unknown): { errorCode: string; notConnected: boolean };

/**
 * What to say of a failure whose system error code (networkFailure) shows an answer came from
 * `host` in a form no HTTP parser takes (llhttp's codes); undefined otherwise, and always in a
 * browser, which gives no codes.
 */
export declare function unparsableAnswer(errorCode: string, host: string): string | undefined;

/**
 * The error chain of a failure unparsableAnswer names, told by each error's name, message and code
 * alone, without the bytes the parser could not read (which may echo the request's secrets).
 */
export declare function withoutBytes(error: unknown): unknown;

/**
 * The BceResponseError for `response` when reading its body failed with a decoder's system error
 * code (zlib's, brotli's): the body is not what its content coding says. Undefined otherwise, and
 * always in a browser, which gives no codes.
 */
export declare function badCoding(error: unknown, response: Response): BceResponseError | undefined;

/** One attempt's request as the transport sends it: signed, its body encoded once. */
export interface OutgoingRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Uint8Array<ArrayBuffer> | string | undefined;
}

/**
 * A whole answer read into memory: its status and headers, and its body's bytes. `response` is a
 * real Response from fetch; from node:http it carries the status, statusText, ok, headers and url
 * of one, with no body (the transport makes a Response of it where code of the caller's sees it).
 */
export interface Answer {
  readonly response: Response;
  readonly bytes: Uint8Array<ArrayBuffer>;
  /** An error answer's body was longer than the limit: `bytes` are its first `limit`. */
  readonly cut?: boolean;
}

/**
 * Sends one attempt with the runtime's own HTTP client where that is faster than its fetch
 * (Node: node:http and node:https with keep-alive agents) and reads the whole answer, at most
 * `limit` bytes (more is a BceResponseError; an error answer's body is cut at the limit instead).
 * `signal` aborts it, and the wait ends on it even where node:http does not. Any other failure
 * rejects with a BceError, or with `fail(error, answerStatus)`. `bodiless`: a 2xx resolves at its
 * head, with no bytes (the call reads no body of it), whatever body follows. Unless `idempotent` or its method changes nothing
 * (GET, HEAD, OPTIONS), the request is sent on a new connection, closed after the answer, never on
 * a kept-alive one the server may be closing as the request is written (a reset there leaves
 * unknown whether the service acted, so a call with no idempotency token could not be retried).
 * Undefined where the transport sends with fetch (browsers, Deno, Bun): a browser bundle carries
 * none of this.
 */
export declare const httpSend: HttpSend | undefined;

/** See httpSend. */
export type HttpSend = (
  request: OutgoingRequest,
  signal: AbortSignal,
  limit: number,
  /**
   * `answerStatus`: the status of the answer whose body was being read; undefined before an answer
   * came. `connected`: whether the connection was made (or reused): the request may have left
   * only if it was.
   */
  fail: (error: unknown, answerStatus?: number, connected?: boolean) => Error,
  bodiless: boolean | undefined,
  idempotent: boolean,
) => Promise<Answer>;

/**
 * Called before a listener is put on `signal`. Node warns (MaxListenersExceededWarning) once more
 * than 10 listen to one signal at once, as if they leaked: the server branch gives a signal whose
 * limit is still Node's default room for 1500, as Node's fetch does with the signal it is given. A
 * limit of the caller's own is kept. Nothing in a browser, which has no such warning.
 */
export declare function makeRoomForListeners(signal: AbortSignal): void;
