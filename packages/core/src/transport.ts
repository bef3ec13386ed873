import { type Answer, badCoding, httpSend, networkFailure, unparsableAnswer, withoutBytes } from "#platform";
import { heed, onAbort, within } from "./abort.js";
import { checkFunction, checkNestedOptions, checkPositiveInteger } from "./edit-distance.js";
import type { Credentials } from "./credentials.js";
import {
  aborted,
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
  BceValidationError,
  answerTooLarge,
  statusTold,
  abortedAfter,
  answerStatusOf,
  isSuccess,
  reasonOf,
} from "./errors.js";
import {
  answeredBut,
  hideSecrets,
  requestIdOf,
  requestSecrets,
  secretForms,
  serviceErrorFromResponse,
} from "./service-error.js";
import { checkSigningOptions, knownSigningHeaders, readClock, type SigningOptions } from "./signed-fetch.js";
import { MAX_SIGNING_TIME } from "./signing/canonical.js";
import { DEFAULT_SIGNING_KEY_CACHE_ENTRIES, keyStore } from "./signing/key-cache.js";
import { boundTo, isObject, option, optionEntries, own } from "./internal/check-runtime.js";

/** What a retry policy is asked after an attempt failed. */
export interface RetryContext {
  /**
   * The attempt that just failed, counting from 1, as `maxAttempts` counts: the one extra attempt
   * after a clock-skew answer is not counted, so this can be lower than a hook's
   * `AttemptInfo.attempt` and the logger's `attempt`, which count every attempt sent.
   */
  readonly attempt: number;
  /**
   * True when repeating the request cannot do its work twice (BEC reinstall carries one
   * clientToken for all attempts); false when it might (BCC rebuild has no idempotency token).
   */
  readonly idempotent: boolean;
  /** What the attempt produced. */
  readonly error: BceServiceError | BceNetworkError | BceTimeoutError;
}

export interface RetryOptions {
  /**
   * Attempts in all, the first included: an integer, at least 1. The one attempt that may follow a
   * 4xx `RequestTimeTooSkewed` answer with an HTTP-date `Date` header, or a 4xx `RequestExpired` one whose
   * `Date` is 5 minutes or more from the client's clock (signed again with that time; the service
   * did not act), is not counted. Default 4: three retries, as the
   * official SDKs make (DEFAULT_RETRY_POLICY in baidubce/bce-sdk-go
   * bce/config.go@ab28790c49e76509d1ad98fe48157e42bd36e82b).
   */
  maxAttempts?: number | undefined;
  /**
   * Base of the exponential backoff: retry n waits between half of and all of
   * baseDelayMs × 2^(n-1) (equal jitter: the first retry 150 to 300 ms by default), within
   * `maxDelayMs`. Default 300 ms.
   */
  baseDelayMs?: number | undefined;
  /** Upper bound of one delay, a `Retry-After` from the service included. Default 20 000 ms. */
  maxDelayMs?: number | undefined;
  /**
   * Replaces the decision whether to retry (the attempt limit still holds): retried when it returns
   * (or resolves with) `true`. Default: `isSafeToRetry`.
   */
  shouldRetry?: ((context: RetryContext) => boolean | Promise<boolean>) | undefined;
}

/** Options that apply per call; a client's own options give the defaults. */
export interface CallOptions {
  /**
   * Stops the call at any stage, backoff included; the call then rejects with BceAbortError. Calls
   * may share one: in Node, a signal whose listener limit is still the default is given room for
   * 1500 listeners, as Node's fetch does with the signal it is given.
   */
  signal?: AbortSignal | undefined;
  /** Time one attempt may take, answer body included. Default 30 000 ms. */
  timeoutMs?: number | undefined;
  retry?: RetryOptions | undefined;
}

/**
 * Where the clients report what they do: retry decisions (`info`), calls that end without a
 * retry (`debug`), answers that differ from the spec (`warn`, with `validateResponses: "warn"`),
 * a request signed again with the service's time after a clock-skew answer (`warn`), and a
 * credentials provider that failed while its last keys still hold (`warn`).
 * `console` fits. Nothing is logged unless a logger is given; no message or data holds a secret
 * key, session token, signature or password. Each entry's data names what happened in `event` (a
 * LogEvent), which stays as the message's wording changes.
 */
export interface Logger {
  debug(message: string, data?: object): void;
  info(message: string, data?: object): void;
  warn(message: string, data?: object): void;
  error(message: string, data?: object): void;
}

/** The `event` of a logger entry's data: what happened, whatever the message says. */
export type LogEvent =
  /** An attempt failed and the call tries again after `delayMs` (`info`). */
  | "retrying"
  /** An attempt failed and the call ends with it: not safe, or the last allowed (`debug`). */
  | "notRetried"
  /** The service refused the request's time; signed again with the service's clock (`warn`). */
  | "clockSkewRetry"
  /** With `validateResponses: "warn"`, an answer that differs from the spec; its `problems` (`warn`). */
  | "responseMismatch"
  /** With `validateResponses: "warn"`, the response checks did not load; the answer was not checked (`warn`). */
  | "responseChecksUnavailable"
  /**
   * A credentials provider, asked for new keys beside a call while its last keys still hold, failed;
   * its keys serve until a minute before they expire, and the next call asks again (`warn`). The
   * provider's own error is told by its class name (`causeName`) and `code` (`causeCode`) alone.
   */
  | "credentialsRefreshFailed";

/** What the attempt hooks are given. */
export interface AttemptInfo {
  /** Counting from 1, every attempt sent (the clock-skew retry included). */
  readonly attempt: number;
  /** The spec's operationId of a client method's call (`reinstallVmInstance`); absent for a `raw` call. */
  readonly operation?: string;
  /**
   * The request as the call built it, before it is signed (no authorization, no session token):
   * a copy for this hook alone, whose body it may read.
   */
  readonly request: Request;
}

export interface AttemptOutcome extends AttemptInfo {
  /** The answer, when one came: a Response of its own over the bytes the call read, so a hook may read its body. */
  readonly response?: Response;
  /** What the attempt ended with, when it failed: an error answer, the network, the timeout, an abort. */
  readonly error?: BceError;
  /**
   * Whole milliseconds from sending the attempt (after `beforeAttempt`) to its answer, body read,
   * or its failure.
   */
  readonly durationMs: number;
}

/**
 * Called around every attempt of every call; a hook that throws ends the call with a BceError whose
 * cause is that error. Thrown after an answer, its message starts with the answer's status and
 * request id (`the service answered 200 (request id …), but the afterAttempt hook threw`): after a
 * 2xx, the service has acted, and a rebuild must not be sent again. The call waits for a hook's promise, but not past the caller's abort, nor
 * past the call's timeout (`timeoutMs`), which ends it with a BceError naming the hook.
 */
export interface AttemptHooks {
  beforeAttempt?: ((info: AttemptInfo) => void | Promise<void>) | undefined;
  afterAttempt?: ((outcome: AttemptOutcome) => void | Promise<void>) | undefined;
}

/** What a call took; the transport updates it in place as attempts happen. */
export interface CallStats {
  attempts: number;
  /** Milliseconds spent waiting between attempts, a wait the caller's abort cut short included. */
  totalRetryDelay: number;
  /** The answer the transport handed back, once it has. */
  answer?: Response;
  /** The idempotency token the call's URL carried as sent (see CallContext.idempotencyToken). */
  clientToken?: string | undefined;
  /**
   * The forms of the last attempt's secrets an answer may echo (its signature, the sent body's
   * passwords, the credentials'), longest first: for an error answer a middleware replaced.
   */
  secretForms?: () => readonly string[];
  /** What the transport rejected with, once it has: a middleware's onError that throws does not hide it. */
  failure?: unknown;
  /**
   * Once the transport handed back an error answer: tells the error of an answer a middleware put
   * in its place what the attempts before the last came to, as the transport's own error is told.
   */
  toldEarlier?: <E>(error: E) => E;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** 4 MiB. */
export const DEFAULT_MAX_RESPONSE_BYTES = 4_194_304;
/**
 * How far the service's `Date` must be from the client's clock for a `RequestExpired` answer to be
 * taken as the clock's fault: 5 minutes, the window AWS's JavaScript clients use before they correct
 * their clock from a response's Date (SKEW_WINDOW in aws-amplify/amplify-js
 * packages/core/src/clients/middleware/signing/utils/isClockSkewed.ts@c69a78de7e9572d047f76e680615641f9ecd2788). Closer clocks mean the
 * request itself was slow, and the retry policy decides.
 */
const CLOCK_SKEW_WINDOW_MS = 5 * 60_000;
/** The longest delay a timer can wait (a larger one fires at once). */
const MAX_TIMER_MS = 2_147_483_647;

/**
 * Codes of a 4xx answer that prove the request was not acted on: an expired signature (the spec's
 * BceErrorCode), and codes of throttling. No BCE document names one: three of the codes the AWS
 * SDK retries as throttling (smithy-lang/smithy-typescript
 * packages/service-error-classification/src/constants.ts@7f6a90f36fa55b0fb73c180d367640841216bf4c,
 * THROTTLING_ERROR_CODES), and `TooManyRequests`, the mock's code for a scripted 429 (a 429 is
 * retried whatever its code).
 */
const NOT_ACTED_ON_CODES = [
  "RequestExpired",
  "Throttling",
  "ThrottlingException",
  "RequestLimitExceeded",
  "TooManyRequests",
];

/**
 * The default retry decision. Always safe: answers that prove the service did not act (429, a
 * 4xx `RequestExpired` or throttling code) and connections refused before anything was sent. Only for
 * idempotent calls: 500, 502, 503, 504, other network failures and timeouts, after which the
 * service may already have acted.
 */
export function isSafeToRetry(context: RetryContext): boolean {
  // Called from a shouldRetry of the caller's: one that passes no context learns so by name.
  if (typeof context !== "object" || context === null)
    throw new TypeError("isSafeToRetry takes the context shouldRetry is given ({ error, idempotent, ... })");
  const { error, idempotent } = context;
  if (error instanceof BceServiceError) {
    const { code, status } = error;
    return (
      status === 429 ||
      // Only a client error proves it: the same code on a 5xx or a redirect (a proxy's or a
      // failing front's page) refused nothing, and BCC's rebuild must not be sent again on its word.
      (status >= 400 && status < 500 && NOT_ACTED_ON_CODES.includes(code)) ||
      (idempotent && status >= 500 && status <= 504 && status !== 501)
    );
  }
  // A timeout: the request was sent and may have been acted on.
  return idempotent || (error instanceof BceNetworkError && !error.requestSent);
}

/** Retry options with every default filled in and every value checked (any other key given is kept, unread). */
type RetryPolicy = Required<RetryOptions>;

/** Backoff before retry number `retry` (1-based): exponential, capped, with jitter. */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const exp = Math.min(options.maxDelayMs ?? 20_000, (options.baseDelayMs ?? 300) * 2 ** (retry - 1));
  // "Equal jitter": half fixed, half random, so clients that failed together spread out; whole
  // milliseconds, as the logger, the call's metadata and the timers count them.
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** A `Retry-After` header (seconds, or an HTTP date) in milliseconds from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number = Date.now()): number | undefined {
  const text = value?.trim() ?? "";
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = httpDate(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/**
 * An HTTP date ("Wed, 21 Oct 2015 07:28:00 GMT", RFC 9110's IMF-fixdate) in milliseconds, else
 * NaN: Date.parse alone takes "0" or "-1" for a year, and the year 0000 for 2000 (whose offset a
 * clock-skew answer would have the client sign with). Text of another form has no year: its
 * Number(undefined) is NaN, which no year equals.
 */
function httpDate(text: string): number {
  const year = /^[a-z]{3}, \d{2} [a-z]{3} (\d{4}) \d{2}:\d{2}:\d{2} GMT$/i.exec(text)?.[1];
  const ms = Date.parse(text);
  return new Date(ms).getUTCFullYear() === Number(year) ? ms : NaN;
}

/** Refuse a number of milliseconds a timer cannot wait: above 0 (from 0 for a delay) and at most MAX_TIMER_MS. */
function checkMs(field: string, value: unknown, delay?: boolean): void {
  if (
    value !== undefined &&
    !(typeof value === "number" && (delay ? value >= 0 : value > 0) && value <= MAX_TIMER_MS)
  ) {
    throw new BceValidationError(
      field,
      "range",
      `must be a number of milliseconds ${delay ? "from 0 to" : "above 0 and at most"} ${MAX_TIMER_MS}`,
    );
  }
}

/** Refuse a timeout that is not a usable number of milliseconds. */
export function checkTimeout(field: string, value: number | undefined): void {
  checkMs(field, value);
}

const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 300, maxDelayMs: 20_000, shouldRetry: isSafeToRetry };

/** Every option of RetryOptions: DEFAULT_RETRY, a RetryPolicy, has each of them (the type sees to it). */
const RETRY_OPTION_NAMES = Object.keys(DEFAULT_RETRY);

/**
 * Check retry options (`field` names them in errors) and fill in what they leave out from `base`
 * (a client's own options), then from the defaults.
 */
export function retryPolicy(options: RetryOptions | undefined, field = "retry", base?: RetryOptions): RetryPolicy {
  // A misspelt limit (`maxAttempt: 1`) or another SDK's name for it (`maxRetries`) would otherwise
  // be ignored, leaving the default in force; `retry: false` (or null, or 0) would turn nothing
  // off, and is told what does.
  checkNestedOptions(options, field, RETRY_OPTION_NAMES, " ({ maxAttempts: 1 } turns retries off)");
  const policy: Record<string, unknown> = { ...DEFAULT_RETRY };
  // As `retry.maxAttempts` reads it, but never from a polluted Object.prototype (see optionEntries).
  for (const given of [base, options])
    if (given)
      for (const [name, value] of optionEntries(given))
        if (value !== undefined)
          // A shouldRetry called on the caller's object, as `retry.shouldRetry(…)` would be.
          policy[name] = name === "shouldRetry" && given !== base ? boundTo(value, given) : value;
  const { maxAttempts, baseDelayMs, maxDelayMs, shouldRetry } = policy as RetryPolicy;
  if (!(Number.isSafeInteger(maxAttempts) && maxAttempts >= 1)) {
    throw new BceValidationError(`${field}.maxAttempts`, "range", "must be an integer of at least 1");
  }
  checkMs(`${field}.baseDelayMs`, baseDelayMs, true);
  checkMs(`${field}.maxDelayMs`, maxDelayMs, true);
  // Never undefined: the default stays unless a function (or another value) replaces it.
  checkFunction(`${field}.shouldRetry`, shouldRetry);
  return policy as RetryPolicy;
}

/** Check the options a call may carry (the client's own are checked when it is made). */
export function checkCallOptions(options: CallOptions | null | undefined): void {
  if (options == null) return;
  checkMs("timeoutMs", own(options, "timeoutMs"));
  const retry = own(options, "retry");
  if (retry !== undefined) retryPolicy(retry);
  const signal = own(options, "signal") as Partial<AbortSignal> | null | undefined;
  // Duck-typed: a signal from another realm (an iframe, a test environment) is not `instanceof` ours.
  // Every part the call uses: without removeEventListener, a call the service answered would fail
  // as it stopped listening.
  if (
    signal !== undefined &&
    !(
      typeof signal?.aborted === "boolean" &&
      typeof signal.addEventListener === "function" &&
      typeof signal.removeEventListener === "function"
    )
  ) {
    throw new BceValidationError("signal", "type", "must be an AbortSignal");
  }
}

const noop = () => {};
/** The logger used when none is given: says nothing. */
export const silentLogger: Logger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });

/**
 * A full Logger from what the caller gave (`console`, or some of the four methods). A level it
 * lacks says nothing, and a logger that throws (or rejects) is ignored: it must not break the call
 * it reports on.
 */
export function toLogger(given: Partial<Logger> | undefined): Logger {
  if (given === undefined) return silentLogger;
  if (!isObject(given))
    throw new BceValidationError("logger", "type", "must be an object with debug, info, warn and error methods");
  const levels = ["debug", "info", "warn", "error"] as const;
  // A logger with none of the four (`{ warning }`, `{ log }`) would say nothing, silently.
  // Each method read once (never one only a polluted Object.prototype holds).
  const methods = levels.map((name) => option(given, name) as Logger[typeof name] | undefined);
  for (const [i, name] of levels.entries()) checkFunction(`logger.${name}`, methods[i]);
  if (!methods.some((method) => method !== undefined))
    throw new BceValidationError("logger", "type", "must have at least one of debug, info, warn and error");
  const logger: Record<string, unknown> = {};
  for (const [i, name] of levels.entries()) {
    // Read now, like every option; called on the caller's object, as `given.warn(…)` would be.
    const method = methods[i];
    logger[name] = (message: string, data?: object): void => {
      try {
        const result: unknown = method?.call(given, message, data);
        // An async logger's rejection is dropped too: left unhandled, it would end a Node process.
        if (typeof (result as PromiseLike<unknown> | undefined)?.then === "function")
          Promise.resolve(result).catch(noop);
      } catch {}
    };
  }
  return logger as unknown as Logger;
}

export interface TransportOptions {
  /** Sends one attempt. Default: node:http in Node (kept-alive connections), the global fetch elsewhere. */
  fetch?: (request: Request) => Promise<Response>;
  signing?: SigningOptions;
  timeoutMs?: number;
  retry?: RetryOptions;
  maxResponseBytes?: number;
  logger?: Logger;
  hooks?: AttemptHooks;
  /** Jitter source, injectable for tests. */
  random?: () => number;
}

export interface CallContext extends CallOptions {
  credentials: Credentials;
  /** True for operations with an idempotency token (`x-bce-retry: idempotency-token`). */
  idempotent: boolean;
  /**
   * The query parameter that carries the operation's idempotency token (BEC's `clientToken`). The
   * URL as sent decides, not what the call was given: a middleware may have changed the token or
   * dropped it, and a call whose URL carries none is retried as one that is not idempotent. The
   * token sent is given to `stats.clientToken`.
   */
  idempotencyToken?: string;
  /** The spec's operationId of a client method's call, for the logger and the hooks (a `raw` call has none). */
  operation?: string;
  /**
   * True for operations whose success has no body to read (the spec gives it none): a 2xx is
   * taken at its head, and no body that follows (slow, cut off, too large) turns it into an error.
   */
  bodiless?: boolean;
  /** Updated in place as attempts happen. */
  stats?: CallStats;
  /**
   * The body as the caller gave it, before a transform encrypted a password: its passwords are
   * hidden in the errors of error answers too, beside the credentials' and those of the body sent.
   */
  givenBody?: unknown;
}

/**
 * What openapi-fetch builds for a client method's call when no middleware can see it: the
 * request's parts as given, without the body stream and signal a real Request would make (the
 * transport sends the parts with one fetch; a hook that asks for the request gets a real one).
 */
export class PlainRequest {
  // Declared, not defined: set once in the constructor (see errors.ts).
  declare readonly url: string;
  declare readonly method: string;
  declare readonly headers: Headers;
  declare readonly body: string | undefined;
  constructor(url: string, init: RequestInit) {
    this.url = url;
    this.method = init.method ?? "GET";
    this.headers = init.headers as Headers;
    this.body = init.body as string | undefined;
  }
}

/**
 * Headers (lowercase, as Headers gives them) the transport sets for each request, so no caller may:
 * those that frame the message or drive the connection, and `host`, which is the endpoint's. fetch
 * refuses some framing ones (each attempt then failed as a network error, and was retried),
 * node:http others, and with transfer-encoding beside the content-length the transport sends,
 * node:http framed the message two ways. fetch sends no Host but the URL's: one of the caller's was
 * signed and not sent, and the service refused the signature.
 */
const TRANSPORT_HEADERS: readonly string[] = [
  "content-length",
  "expect",
  "host",
  "keep-alive",
  "trailer",
  "transfer-encoding",
  "upgrade",
];

/**
 * Refuse, naming it `headers.<name>`, a header that is the transport's to set (TRANSPORT_HEADERS),
 * or a connection header other than close or keep-alive (an upgrade, which fetch refuses at every
 * attempt too). Every request is checked as the transport takes it (the headers option, a `raw`
 * call's own headers, what a middleware set); the client checks its headers option when it is made.
 */
export function checkHeaders(headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) {
    const problem =
      TRANSPORT_HEADERS.includes(name) || (name === "connection" && !/^(?:close|keep-alive)$/i.test(value))
        ? "is set by the transport for each request (from the endpoint and the body), not by the caller"
        : // Headers takes control characters (\x01, DEL) that node:http refuses to send, after the
          // request counted as sent. The value is not quoted: it may be a secret.
          /[^\t\x20-\x7e\x80-\xff]/.test(value) && "holds a control character, which a header cannot carry";
    if (problem) throw new BceValidationError(`headers.${name}`, "format", problem);
  }
}

/**
 * Sends one logical call: signs every attempt afresh, bounds each by the timeout, reads the
 * whole answer (so a cut-off body is a network error, not a half-parsed one), and retries as
 * the policy allows. Resolves with the final answer as a Response, error statuses included (the
 * caller maps those), or rejects with a BceError.
 */
export class Transport {
  /** Server time minus local time, learnt from a RequestTimeTooSkewed or RequestExpired answer. */
  #clockOffsetMs = 0;
  readonly #options: TransportOptions;
  /** This client's signing keys: reused while their timestamp lasts, never shared with another client. */
  readonly #signingKeys = keyStore(DEFAULT_SIGNING_KEY_CACHE_ENTRIES);

  constructor(options: TransportOptions) {
    checkMs("timeoutMs", options.timeoutMs);
    checkPositiveInteger("maxResponseBytes", options.maxResponseBytes);
    // Kept as checked (copies): the caller's objects changed later neither apply nor escape the checks.
    // Each hook is still called on the caller's object, as `hooks.afterAttempt(…)` would be.
    const { hooks } = options;
    this.#options = {
      ...options,
      retry: retryPolicy(options.retry),
      signing: checkSigningOptions(options.signing),
      // (Never a hook only a polluted Object.prototype holds: it would be shown every request.)
      hooks: hooks && {
        beforeAttempt: boundTo(option(hooks, "beforeAttempt"), hooks) as AttemptHooks["beforeAttempt"],
        afterAttempt: boundTo(option(hooks, "afterAttempt"), hooks) as AttemptHooks["afterAttempt"],
      },
    };
  }

  async send(request: Request | PlainRequest, call: CallContext): Promise<Response> {
    const plain = request instanceof PlainRequest;
    // The call's own options only (a `timeoutMs` of a polluted Object.prototype is none of them).
    // Its own signal, else the Request's (what `raw` callers pass as `signal`).
    const signal = own(call, "signal") ?? (plain ? undefined : request.signal);
    throwIfAborted(signal);
    // A call's own options, checked as they are merged (a client method checked its signal too).
    const callTimeoutMs = own(call, "timeoutMs");
    checkMs("timeoutMs", callTimeoutMs);
    const options = this.#options;
    const timeoutMs = callTimeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const retry = retryPolicy(own(call, "retry"), "retry", options.retry);

    // One header record for the whole call; each attempt overwrites its signing headers in it.
    // Checked before anything is read, hooked or signed.
    const headers: Record<string, string> = Object.fromEntries(request.headers);
    checkHeaders(headers);
    // A middleware's Request may name another scheme: only http(s) goes out (node:http refused it
    // at each attempt, a network error retried as if the request had left).
    const scheme = /^[^:]*:/.exec(request.url)?.[0].toLowerCase();
    if (scheme !== "http:" && scheme !== "https:")
      throw new BceValidationError("url", "format", `must use http or https, not ${scheme}`);
    // A body a middleware has read cannot be copied for the hooks, nor sent.
    if (!plain && request.bodyUsed) throw bodyUnreadable();
    const { hooks } = options;
    // What the hooks are shown: a real Request with its body unread (made only when there are
    // hooks; a middleware's Request is copied before the transport reads its body), a copy of it
    // for each hook: one that reads the body leaves it unread for the next.
    const shown = (
      hooks
        ? plain
          ? new Request(request.url, {
              method: request.method,
              headers: request.headers,
              ...(request.body && { body: request.body }),
            })
          : request.clone()
        : request
    ) as Request;
    // The body, as bytes, once: every attempt sends (and signs the length of) the same ones. A text
    // body is encoded here as fetch and node:http would encode it (UTF-8, a lone surrogate as
    // U+FFFD), and they send the bytes as they are: one encoding, and no length to count apart.
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (plain) body = request.body === undefined ? undefined : utf8Encoder.encode(request.body);
    else if (request.body !== null) {
      try {
        body = new Uint8Array(await request.arrayBuffer());
      } catch (error) {
        throw bodyUnreadable(error);
      }
    }
    if (body !== undefined) headers["content-length"] = String(body.length);
    const { method, url } = request;
    const parts: RequestParts = { method, url, headers, body };

    const logger = options.logger ?? silentLogger;
    const { stats } = call;
    let { idempotent } = call;
    const tokenName = call.idempotencyToken;
    if (tokenName !== undefined) {
      const token = new URL(url).searchParams.get(tokenName) || undefined;
      if (stats) stats.clientToken = token;
      if (token === undefined && idempotent) {
        idempotent = false;
        call = { ...call, idempotent };
      }
    }
    // The call's operationId, for the hooks and the logger: none for a `raw` call.
    const operation = call.operation ? { operation: call.operation } : undefined;
    // The call's final answer, kept in its stats: what fails after it (a middleware) can name it.
    const answered = (response: Response) => {
      if (stats) stats.answer = response;
      return response;
    };
    // The forms of the call's secrets an answer may echo: worked out at the first error answer, once for the call.
    let secrets: string[] | undefined;
    let skewRetried = false;
    let sent = 0;
    // What the attempts before this one came to, and what the error that ends the call is told of:
    // the service may have acted on an attempt that was sent, whatever the last one came to.
    let earlier: EarlierAttempts = { sent: false };
    let told = earlier;
    try {
      for (let attempt = 1; ; attempt++) {
        throwIfAborted(signal);
        sent++;
        if (hooks?.beforeAttempt)
          await guard(
            () => hooks.beforeAttempt!({ attempt: sent, ...operation, request: shown.clone() }),
            "the beforeAttempt hook",
            signal,
            timeoutMs,
          );
        // Counted once the hook let it go: an attempt it ended was never sent.
        if (stats) stats.attempts = sent;
        let answer: Answer | undefined;
        let failure: BceError | undefined;
        // The offset this attempt is signed with: another call may correct the clock before its answer comes.
        const signedOffsetMs = this.#clockOffsetMs;
        // The forms of the call's secrets an answer may echo, worked out once for the call, when needed,
        // and this attempt's signature: the body is not signed, so whoever reads it could send another
        // body of the same length to the same URL until it expires.
        let attemptSecrets: string[] | undefined;
        const forms = () => {
          if (attemptSecrets) return attemptSecrets;
          secrets ??= requestSecrets(call.credentials, jsonOrUndefined(parts.body), call.givenBody);
          const signature = /\/([\da-f]{64})$/.exec(parts.headers.authorization ?? "")?.[1];
          attemptSecrets = signature
            ? [...secretForms([signature]), ...secrets].sort((a, b) => b.length - a.length)
            : secrets;
          return attemptSecrets;
        };
        if (stats) stats.secretForms = forms;
        const started = performance.now();
        try {
          // A request id that is not BCE's (a UUID) may echo what the request carried (a gateway
          // quoting its token): hidden before anything reads it, as an error answer's fields are.
          answer = hideEchoedId(await this.#attempt(parts, call, signal, timeoutMs), forms);
          // The error of an error answer hides the secrets it echoes: the call's, and what hooks, the
          // retry policy and the logger see.
          if (!answer.response.ok) {
            failure = serviceErrorFromResponse(
              answer.response,
              utf8Decoder.decode(answer.bytes),
              forms(),
              answer.cut && answer.bytes.length,
            );
          }
        } catch (error) {
          // One that never left (its signing failed) is not counted in the call's metadata.
          if (stats && unsent.has(error as object)) stats.attempts = sent - 1;
          // What is not a BceError came from building or signing the request, not from the network.
          failure =
            error instanceof BceResponseError
              ? hideEchoedIdOf(error, forms)
              : error instanceof BceError
                ? error
                : new BceError("the request could not be signed or sent (see cause)", { cause: error });
        }
        if (hooks?.afterAttempt) {
          const outcome = {
            attempt: sent,
            ...operation,
            request: shown.clone(),
            durationMs: Math.round(performance.now() - started),
            ...(answer && { response: toResponse(answer) }),
            ...(failure && { error: failure }),
          };
          // After an answer, the error says which: a 2xx means the service acted, though the call rejects.
          await guard(
            () => hooks.afterAttempt!(outcome),
            "the afterAttempt hook",
            signal,
            timeoutMs,
            // What the attempt came to stays in the error: a 2xx (the service acted), or a failure
            // after which the service may have acted (a timeout, a reset).
            // (An abort is said once, as without hooks.)
            answer
              ? answeredBut(answer.response)
              : failure && !(failure instanceof BceAbortError)
                ? `the attempt failed (${failure.message}), but `
                : "",
            // Or the status of an answer whose body did not come whole (a cut-off answer, or an abort).
            answer?.response.status ?? answerStatusOf(failure),
          );
        }
        if (!failure) return answered(plain ? keepBytes(answer!) : toResponse(answer!));
        const error = failure;
        // Aborts and unreadable answers end the call; the rest is for the policy to judge.
        const service = error instanceof BceServiceError;
        const network = error instanceof BceNetworkError;
        if (!(service || network || error instanceof BceTimeoutError)) throw error;
        // What the logger is told of an error answer.
        const answerFields = service && { status: error.status, code: error.code, requestId: error.requestId };

        // The service refused the signature's time, so it did not act: a clock ahead of its own is
        // too skewed; one behind by more than the signature's expiration makes it expired. Either
        // way, when its Date shows the clocks apart, fix ours and try once more.
        // Only a client error says so: the same code on a 5xx or a redirect (a proxy's page) proves
        // nothing was refused, and BCC's rebuild must not be sent twice on its word.
        const refused = service && error.status >= 400 && error.status < 500;
        const skewed = refused && error.code === "RequestTimeTooSkewed";
        if ((skewed || (refused && error.code === "RequestExpired")) && !skewRetried) {
          // No answer (a caller's fetch that rejected with a BceServiceError of its own): no Date.
          const serverTime = httpDate(answer?.response.headers.get("date")?.trim() ?? "");
          // Against the clock that signs (an injected one included), not Date.now.
          const offset = serverTime - readClock(options.signing);
          if (
            // Only a time a signature can carry (years 1970 to 9999): the offset outlives the call.
            serverTime >= 0 &&
            serverTime <= MAX_SIGNING_TIME &&
            // An expiry with the clocks together came from a slow request, not from the clock: judged
            // against the clock that signed this attempt, even if another call has since corrected it.
            (skewed || Math.abs(offset - signedOffsetMs) >= CLOCK_SKEW_WINDOW_MS)
          ) {
            skewRetried = true;
            this.#clockOffsetMs = offset;
            logger.warn("the service's clock differs from ours; signing again with its time", {
              event: "clockSkewRetry" satisfies LogEvent,
              attempt: sent,
              clockOffsetMs: offset,
              ...answerFields,
              ...operation,
            });
            attempt--; // this retry does not count against the policy's attempts
            continue;
          }
        }
        // What the logger is told about a failed attempt: never headers, body or query.
        const what =
          logger === silentLogger
            ? {}
            : {
                ...operation,
                attempt: sent,
                method,
                path: url.replace(/[?#].*$/s, "").replace(/^[a-z]+:\/\/[^/]+/i, ""),
                error: error.name,
                ...answerFields,
                ...(network && { errorCode: error.errorCode, requestSent: error.requestSent }),
                idempotent,
              };
        const last = attempt >= retry.maxAttempts;
        // An error of the retry policy, or an abort while waiting, comes after this attempt too.
        const withThis = withAttempt(earlier, sent, error);
        told = withThis;
        if (
          last ||
          !(await guard(
            // Awaited: a policy may be async, and its rejection is the call's error, not an unhandled one.
            async () =>
              (await retry.shouldRetry({ attempt, idempotent, error: error as RetryContext["error"] })) === true,
            "retry.shouldRetry",
            signal,
            timeoutMs,
          ))
        ) {
          logger.debug("not retried", { event: "notRetried" satisfies LogEvent, ...what, lastAllowedAttempt: last });
          told = earlier;
          if (!answer) throw error;
          const response = toResponse(answer);
          answerErrors.set(response, toldEarlier(error as BceServiceError, earlier));
          if (stats) stats.toldEarlier = (made) => toldEarlier(made, earlier);
          return answered(response);
        }
        let delay = backoffDelay(attempt, retry, own(options, "random"));
        const after = answer && retryAfterMs(answer.response.headers.get("retry-after"));
        if (after !== undefined) delay = Math.min(retry.maxDelayMs, Math.max(delay, after));
        logger.info("retrying", {
          event: "retrying" satisfies LogEvent,
          ...what,
          delayMs: delay,
          ...(after !== undefined && { retryAfterMs: after }),
        });
        const waitStarted = performance.now();
        try {
          await sleep(delay, signal);
        } catch (error) {
          // Aborted while waiting: the part waited counts, as the call's metadata reports it.
          if (stats) stats.totalRetryDelay += Math.min(delay, Math.round(performance.now() - waitStarted));
          throw error;
        }
        if (stats) stats.totalRetryDelay += delay;
        earlier = withThis;
      }
    } catch (error) {
      throw toldEarlier(error, told);
    }
  }

  async #attempt(
    parts: RequestParts,
    { credentials, bodiless, idempotent }: CallContext,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Answer> {
    // One controller per attempt, aborted by the timeout or by the caller's signal (cheaper in
    // Node 20 than AbortSignal.any, and the same to fetch): the only timeout there is.
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const unlisten = onAbort(signal, () => timeout.abort(reasonOf(signal!)));
    // Name what went wrong: the caller's abort, our timeout, or the network.
    // `answerStatus`: the status of the answer whose body was being read, when one had come.
    // `connected`: the connection was made (node:http knows), whatever the error's code says.
    const classify = (error: unknown, answerStatus?: number, connected?: boolean): BceError => {
      if (signal?.aborted) return aborted(signal, answerStatus);
      // A caller's fetch that already speaks our error model: its error is theirs, never changed.
      if (error instanceof BceError) {
        theirs.add(error);
        return error;
      }
      if (timeout.signal.aborted) return new BceTimeoutError(timeoutMs, answerStatus);
      const { errorCode, notConnected } = networkFailure(error);
      const host = new URL(parts.url).host; // where it went: a wrong endpoint shows
      const unreadable = unparsableAnswer(errorCode, host);
      const status = answerStatus === undefined ? "" : ` (${statusTold(answerStatus)})`;
      const what = unreadable
        ? unreadable + status // a body no parser takes after a head that was read
        : answerStatus === undefined
          ? `the request to ${host} failed on the network`
          : `the answer from ${host}${status} was cut off`;
      return new BceNetworkError(
        `${what}${errorCode && ` (${errorCode})`}`,
        // Only a connection that was never made proves the request did not leave: node:http tells
        // whether it was (a TCP connect, or over TLS the handshake, that failed sent nothing, whatever
        // the code); through fetch only the error's code can say.
        {
          errorCode,
          requestSent: answerStatus !== undefined || (connected ?? !notConnected),
          answerStatus,
          cause: unreadable ? withoutBytes(error) : error,
        },
      );
    };
    try {
      const { method, url, headers, body } = parts;
      const { signing, fetch: send, maxResponseBytes: limit = DEFAULT_MAX_RESPONSE_BYTES } = this.#options;
      delete headers.authorization; // the previous attempt's
      try {
        Object.assign(
          headers,
          // The call's credentials come from its credentials resolver, checked; the request from fetch or openapi-fetch.
          await knownSigningHeaders(parts, credentials, signing, this.#clockOffsetMs, this.#signingKeys),
        );
        // Aborted while the hook ran or the request was signed: nothing leaves.
        throwIfAborted(signal);
      } catch (error) {
        // (A signing clock that throws, say: this attempt is not counted as sent.)
        if (typeof error === "object" && error !== null) unsent.add(error);
        throw error;
      }
      // With no fetch of the caller's, Node sends with node:http (`#platform`), reading the answer as
      // it goes; a browser bundle has no such branch (httpSend is undefined there).
      if (!send && httpSend) return await httpSend(parts, timeout.signal, limit, classify, bodiless, idempotent);
      // A caller's fetch (and its Response) may not heed the signal: the timeout and the caller's
      // abort end the wait all the same.
      const heeded = <T>(promise: Promise<T>) => (send ? heed(promise, timeout.signal) : promise);
      // A redirect is not followed: the signed request (its session token, a password) must not
      // reach another host, nor a rebuild be sent twice. Node's fetch hands back the 3xx itself.
      const init: RequestInit = {
        method,
        headers,
        signal: timeout.signal,
        redirect: "manual",
        ...(body !== undefined && { body }),
      };
      let sending: Promise<Response> | undefined;
      if (send) {
        const request = new Request(url, init);
        try {
          // Whatever it returns, a promise or not, is judged below as what it resolves with.
          sending = Promise.resolve(send(request));
        } catch (error) {
          // A fetch tells of a network failure by rejecting: one that throws is at fault itself,
          // unless it speaks our error model (or the caller aborted), as classify says.
          throw error instanceof BceError || signal?.aborted
            ? classify(error)
            : new BceError("the fetch option threw (see cause)", { cause: error });
        }
      }
      let response: Response;
      try {
        // With no fetch of the caller's, the global fetch takes the parts: no Request is built twice.
        response = await heeded(sending ?? globalThis.fetch(url, init));
      } catch (error) {
        throw classify(error);
      }
      // What the rest reads of it (a Response of another realm or a polyfill's passes).
      if (
        typeof response?.status !== "number" ||
        typeof response.statusText !== "string" ||
        typeof response.headers?.get !== "function" ||
        typeof response.arrayBuffer !== "function" ||
        !(response.body === null || typeof response.body?.getReader === "function")
      )
        throw new BceError("the fetch option resolved with something that is not a Response");
      // A browser shows a redirect it did not follow only as this, with no status or headers.
      if (response.type === "opaqueredirect")
        throw new BceResponseError({
          status: 0,
          requestId: "",
          problems: ["the answer is a redirect, which is not followed"],
        });
      // A network error as a Response (Response.error(), type "error"), or an opaque one: no answer to read.
      if (!(response.status >= 200 && response.status <= 599))
        throw classify(
          new TypeError(`the fetch option gave a Response of type ${response.type} with status ${response.status}`),
        );
      if (response.bodyUsed || response.body?.locked)
        throw new BceError("the fetch option resolved with a Response whose body was already read");
      if (bodiless && response.ok) {
        // A success the call reads no body of is done at its head: no body that follows, slow, cut
        // off or too large, can undo it (a rebuild the service carried out). One declared empty is
        // read (at once): a body left unread, or cancelled, shows in a browser's network log as
        // aborted (net::ERR_ABORTED).
        if (response.headers.get("content-length") === "0") {
          await heeded(response.arrayBuffer()).catch(noop);
        } else response.body?.cancel().catch(noop);
        return { response, bytes: new Uint8Array(0) };
      }
      try {
        return { response, ...(await heeded(readAll(response, limit))) };
      } catch (error) {
        // (The reason of an abort, whatever it is, is classified as one.)
        if (error instanceof BceResponseError && error !== timeout.signal.reason) throw error;
        // fetch undoes a content coding as it reads: a body that is not what its coding says came
        // whole, and is refused as node:http's answer is, not retried as cut off (see badCoding).
        const refused = !signal?.aborted && !timeout.signal.aborted && badCoding(error, response);
        // An error answer stays one, its status what a retry is judged by: read as one with an
        // empty body (its headers say what it is), as node:http's is.
        if (refused && response.status >= 400) return { response, bytes: new Uint8Array(0) };
        if (refused) throw refused;
        throw classify(error, response.status);
      }
    } finally {
      clearTimeout(timer);
      unlisten();
    }
  }
}

interface RequestParts {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | undefined;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

/** The bytes under each Response the transport hands on, so a client method need not read its body stream back. */
const answerBytes = new WeakMap<Response, Uint8Array>();
/** The error of each error answer the transport hands on, made once with the call's secrets hidden. */
/**
 * What a call's attempts came to, for the error that ends the call after them: whether the service
 * may have acted on one (`sent`), and the first whose 2xx head came (`acted`: it took the call).
 */
interface EarlierAttempts {
  readonly sent: boolean;
  readonly acted?: { readonly attempt: number; readonly status: number };
}

/** `earlier`, and what attempt `attempt` came to (`failure`, its error). */
function withAttempt(earlier: EarlierAttempts, attempt: number, failure: BceError): EarlierAttempts {
  const status = answerStatusOf(failure) ?? (failure instanceof BceServiceError ? failure.status : undefined);
  const acted = earlier.acted ?? (isSuccess(status) ? { attempt, status } : undefined);
  // A refusal (a 4xx answer, whole or cut off) was not acted on; a request that left, a timeout or
  // a 5xx may have been.
  const sent =
    status !== undefined
      ? status < 400 || status > 499
      : failure instanceof BceNetworkError
        ? failure.requestSent
        : failure instanceof BceTimeoutError;
  return { sent: earlier.sent || sent || acted !== undefined, ...(acted && { acted }) };
}

/**
 * `error`, which ends a call after the `earlier` attempts, told what they came to where it says
 * less: a copy whose `requestSent` (a network error's) is the call's, and whose `answerStatus` (a
 * network error's, a timeout's or an abort's) is an earlier 2xx head's; its message says which.
 * One that a 2xx of its own already tells of, or one of a caller's fetch (`theirs`: theirs to
 * compare), is left as it is.
 */
function toldEarlier<E>(error: E, { sent, acted }: EarlierAttempts): E {
  if (
    !sent ||
    !(error instanceof BceError) ||
    theirs.has(error) ||
    isSuccess(answerStatusOf(error) ?? (error as { status?: number }).status)
  )
    return error;
  // A copy: the attempt's error, as hooks, the retry policy and the logger were given it, stays as it was.
  // An Error as the attempt's is (what structuredClone and a worker's postMessage keep), its fields
  // writable as the error was made: a hook or the policy may have frozen the attempt's.
  const fields = Object.getOwnPropertyDescriptors(error);
  for (const field of Object.values(fields)) if ("value" in field) field.writable = field.configurable = true;
  const told = Object.defineProperties(Reflect.construct(Error, [], error.constructor), fields) as BceError;
  told.message += acted
    ? `; attempt ${acted.attempt}'s answer came (${statusTold(acted.status)}), but not all of its body`
    : "; an attempt of the call was sent, and the service may have acted on it";
  if (typeof error.stack === "string") told.stack = error.stack.replace(error.message, () => told.message);
  if (told instanceof BceNetworkError && !told.requestSent) Object.assign(told, { requestSent: true });
  if (acted && (told instanceof BceNetworkError || told instanceof BceTimeoutError || told instanceof BceAbortError))
    Object.assign(told, { answerStatus: acted.status });
  return told as E;
}

/** The errors of attempts that never left: their signing failed, or the caller aborted before they were sent. */
const unsent = new WeakSet<object>();

/** The BceErrors a caller's fetch gave (see toldEarlier). */
const theirs = new WeakSet<object>();

/** Whether `error` is one a caller's fetch gave: theirs, passed on unchanged (no `$metadata` written on it). */
export const fromTheirFetch = (error: object): boolean => theirs.has(error);

const answerErrors = new WeakMap<Response, BceServiceError>();

/** The BceServiceError the transport made of an error answer it handed on; undefined for another Response. */
export function answerError(response: Response): BceServiceError | undefined {
  return answerErrors.get(response);
}

/**
 * The text of an answer's body: from the bytes the transport read when the Response is its own,
 * else read (a middleware may have replaced the Response).
 */
export function answerText(response: Response): Promise<string> | string {
  const bytes = answerBytes.get(response);
  return bytes === undefined ? response.text() : utf8Decoder.decode(bytes);
}

/** A request body (its bytes, as the transport sends them) parsed as JSON, or undefined (none, or not JSON). */
function jsonOrUndefined(body: Uint8Array | undefined): unknown {
  if (body === undefined) return undefined;
  try {
    return JSON.parse(utf8Decoder.decode(body));
  } catch {
    return undefined;
  }
}

/**
 * The Response openapi-fetch (and its middleware) gets: the answer's status and headers (or
 * `headers`, when they were changed) over the bytes read.
 */
function toResponse({ response, bytes }: Answer, headers: Headers = response.headers): Response {
  const { status } = response;
  const nullBody = status === 204 || status === 205 || status === 304;
  const result = new Response(nullBody ? null : bytes, {
    status,
    // node:http takes a reason phrase a Response refuses (a control character): such are dropped.
    statusText: response.statusText.replace(/[^\t\x20-\x7e\x80-\xff]/g, ""),
    headers,
  });
  if (response.url) Object.defineProperty(result, "url", { value: response.url });
  answerBytes.set(result, nullBody ? new Uint8Array(0) : bytes);
  return result;
}

/** BCE's request ids: a UUID, which no secret of a request is. */
const BCE_REQUEST_ID = /^[\da-f]{8}-[\da-f]{4}-[\da-f]{4}-[\da-f]{4}-[\da-f]{12}$/i;

/** A request id with the call's secrets (`forms`) hidden, unless it is BCE's (a UUID) or none. */
const hideEchoed = (id: string, forms: () => readonly string[]) =>
  id === "" || BCE_REQUEST_ID.test(id) ? id : hideSecrets(id, forms());

/** The answer, its `x-bce-request-id` hidden as above if it echoes a secret. */
function hideEchoedId(answer: Answer, forms: () => readonly string[]): Answer {
  const { response } = answer;
  const id = requestIdOf(response);
  const hidden = hideEchoed(id, forms);
  if (hidden === id) return answer;
  const headers = new Headers(response.headers);
  headers.set("x-bce-request-id", hidden);
  return { ...answer, response: toResponse(answer, headers) };
}

/** A BceResponseError made in an attempt (an answer too large, not final), its request id hidden as above. */
function hideEchoedIdOf(error: BceResponseError, forms: () => readonly string[]): BceResponseError {
  const { status, requestId, problems } = error;
  const hidden = hideEchoed(requestId, forms);
  return hidden === requestId ? error : new BceResponseError({ status, requestId: hidden, problems });
}

/**
 * The answer itself, its body already read, for a call no middleware sees: the bytes are kept for
 * `answerText`, and no second Response is made (from node:http, none at all: openapi-fetch reads
 * only the status and headers of a success answer it is to hand on as a stream). An error answer
 * is rebuilt (openapi-fetch reads its body).
 */
function keepBytes(answer: Answer): Response {
  if (!answer.response.ok) return toResponse(answer);
  answerBytes.set(answer.response, answer.bytes);
  return answer.response;
}

/**
 * Run a caller's function (a hook, a retry policy); what it throws becomes a BceError with it as
 * `cause`. One that never settles does not outlast the call's timeout (a BceError saying so) nor
 * the caller's abort (a BceAbortError).
 */
async function guard<T>(
  run: () => T | Promise<T>,
  what: string,
  signal: AbortSignal | undefined,
  timeoutMs: number,
  /** What the attempt came to, for the error to start with (`the service answered 200…, but `). */
  after = "",
  /** The status of the answer the attempt came to, for an abort's `answerStatus`. */
  answerStatus?: number,
): Promise<T> {
  // The error of the timeout, once it has passed.
  let late: BceError | undefined;
  try {
    return await within(
      Promise.resolve(run()),
      signal,
      timeoutMs,
      () => (late = new BceError(`${after}${what} gave no answer within ${timeoutMs} ms`)),
    );
  } catch (error) {
    if (signal?.aborted)
      throw after ? abortedAfter(after, reasonOf(signal), answerStatus) : aborted(signal, answerStatus);
    if (late !== undefined && error === late) throw error;
    throw new BceError(`${after}${what} threw (see cause)`, { cause: error });
  }
}

async function readAll(response: Response, limit: number): Promise<Omit<Answer, "response">> {
  if (!response.body) return { bytes: new Uint8Array(0) };
  // A declared length within the limit (and no content coding, which could inflate it) is read
  // in one go; fetch fails the read when the body does not match it. Not a cross-origin answer's:
  // a browser hides its Content-Encoding unless the service exposes it, and decodes the body
  // beyond the length. A Response a caller's fetch made up may carry any length: measured too.
  const length = response.headers.get("content-length");
  let bytes: Uint8Array<ArrayBuffer>;
  if (
    response.type !== "cors" &&
    length !== null &&
    /^\d+$/.test(length) &&
    Number(length) <= limit &&
    !response.headers.has("content-encoding")
  ) {
    bytes = new Uint8Array(await response.arrayBuffer());
  } else {
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    // Read one byte past the limit at most: that byte shows the body is over it, and the rest is not read.
    while (size <= limit) {
      const { done, value } = await reader.read();
      if (done) break;
      const chunk = value.subarray(0, limit + 1 - size);
      chunks.push(chunk);
      size += chunk.length;
    }
    if (size > limit) await reader.cancel().catch(noop);
    bytes = new Uint8Array(size);
    size = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, size);
      size += chunk.length;
    }
  }
  if (bytes.length <= limit) return { bytes };
  // An answer body over the limit fails the call, but an error answer's: it stays an error answer,
  // read up to the limit, since its status is what a retry is judged by (a load balancer's large 503
  // page is retried as a small one is).
  if (response.status < 400) throw answerTooLarge(response.status, requestIdOf(response), limit);
  return { bytes: bytes.subarray(0, limit), cut: true };
}

const bodyUnreadable = (cause?: unknown) =>
  new BceError(
    "the request body could not be read (was it read by a middleware?)",
    cause === undefined ? undefined : { cause },
  );

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw aborted(signal);
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unlisten();
      resolve();
    }, ms);
    const unlisten = onAbort(signal, () => {
      clearTimeout(timer);
      reject(aborted(signal!));
    });
  });
}
