import type { Credentials } from "./credentials.js";
import {
  BceAbortError,
  BceError,
  BceNetworkError,
  BceResponseError,
  BceServiceError,
  BceTimeoutError,
} from "./errors.js";
import { serviceErrorFromResponse } from "./service-error.js";
import { signingHeaders, type SigningOptions } from "./signed-fetch.js";

/** What a retry policy is asked after an attempt failed. */
export interface RetryContext {
  /** The attempt that just failed, counting from 1. */
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
  /** Attempts in all, the first included. Default 4: three retries, as the official SDKs make. */
  maxAttempts?: number;
  /** Delay before the first retry; it doubles each time. Default 300 ms. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 20 000 ms. */
  maxDelayMs?: number;
  /** Replaces the decision whether to retry (the attempt limit still holds). Default: `isSafeToRetry`. */
  shouldRetry?: (context: RetryContext) => boolean;
}

/** Options that apply per call; a client's own options give the defaults. */
export interface CallOptions {
  /** Stops the call at any stage, backoff included; the call then rejects with BceAbortError. */
  signal?: AbortSignal;
  /** Time one attempt may take, answer body included. Default 30 000 ms. */
  timeoutMs?: number;
  retry?: RetryOptions;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;

/** Codes BCE and its peers use when a caller is throttled; the request was not acted on. */
const THROTTLING_CODES = new Set(["Throttling", "ThrottlingException", "RequestLimitExceeded", "TooManyRequests"]);

/**
 * The default retry decision. Always safe: answers that prove the service did not act
 * (`RequestExpired`, throttling) and connections refused before anything was sent. Only for
 * idempotent calls: 500, 502, 503, other network failures and timeouts, after which the
 * service may already have acted.
 */
export function isSafeToRetry({ error, idempotent }: RetryContext): boolean {
  if (error instanceof BceServiceError) {
    if (error.code === "RequestExpired" || error.status === 429 || THROTTLING_CODES.has(error.code)) return true;
    return idempotent && (error.status === 500 || error.status === 502 || error.status === 503);
  }
  if (error instanceof BceNetworkError) return idempotent || !error.requestSent;
  return idempotent; // timeout: the request was sent and may have been acted on
}

/** Backoff before retry number `retry` (1-based): exponential, capped, with jitter. */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number = Math.random): number {
  const base = options.baseDelayMs ?? 300;
  const cap = options.maxDelayMs ?? 20_000;
  const exp = Math.min(cap, base * 2 ** (retry - 1));
  // "Equal jitter": half fixed, half random, so clients that failed together spread out.
  return exp / 2 + random() * (exp / 2);
}

export interface TransportOptions {
  /** Sends one attempt. Default: the global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  signing?: SigningOptions;
  timeoutMs?: number;
  retry?: RetryOptions;
  maxResponseBytes?: number;
  /** Jitter source, injectable for tests. */
  random?: () => number;
}

export interface CallContext extends CallOptions {
  credentials: Credentials;
  idempotent: boolean;
}

/**
 * Sends one logical call: signs every attempt afresh, bounds each by the timeout, reads the
 * whole answer (so a cut-off body is a network error, not a half-parsed one), and retries as
 * the policy allows. Resolves with the final answer, error statuses included (the caller maps
 * those), or rejects with a BceError.
 */
export class Transport {
  /** Server time minus local time, learnt from a RequestTimeTooSkewed answer. */
  #clockOffsetMs = 0;
  readonly #options: TransportOptions;

  constructor(options: TransportOptions) {
    this.#options = options;
  }

  /** A fetch for openapi-fetch that sends through this transport with the call's context. */
  fetchFor(call: CallContext): (request: Request) => Promise<Response> {
    return (request) => this.send(request, call);
  }

  async send(request: Request, call: CallContext): Promise<Response> {
    const { signal } = call;
    const timeoutMs = call.timeoutMs ?? this.#options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const retry = { ...this.#options.retry, ...call.retry };
    const maxAttempts = Math.max(1, retry.maxAttempts ?? 4);
    const shouldRetry = retry.shouldRetry ?? isSafeToRetry;
    // Buffered once, so every attempt sends the same bytes. A BufferedRequest (the clients' own
    // calls) still holds the serialized body; a Request's body is read.
    const buffered = request instanceof BufferedRequest;
    const source = buffered ? request.body : request.body && request;
    const body =
      source == null ? undefined
      : typeof source === "string" ? utf8.encode(source)
      : new Uint8Array(await (source instanceof Request ? source : new Response(source)).arrayBuffer());
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => (headers[name] = value));
    const parts: RequestParts = { method: request.method, url: request.url, headers, body };
    let skewRetried = false;

    for (let attempt = 1; ; attempt++) {
      throwIfAborted(signal);
      let failure: BceServiceError | BceNetworkError | BceTimeoutError;
      let answer: Answer | undefined;
      try {
        answer = await this.#attempt(parts, call.credentials, signal, timeoutMs);
        if (answer.ok) return answer.toResponse(buffered);
        failure = serviceErrorFromResponse(answer as unknown as Response, await answer.text());
      } catch (error) {
        if (!(error instanceof BceNetworkError || error instanceof BceTimeoutError)) throw error;
        failure = error;
      }

      if (failure instanceof BceServiceError && failure.code === "RequestTimeTooSkewed" && !skewRetried && answer) {
        // The service refused the signature's time, so it did not act: fix the clock, try once more.
        const serverTime = Date.parse(answer.headers.get("date") ?? "");
        if (!Number.isNaN(serverTime)) {
          skewRetried = true;
          this.#clockOffsetMs = serverTime - Date.now();
          attempt--; // this retry does not count against the policy's attempts
          continue;
        }
      }
      if (attempt >= maxAttempts || !shouldRetry({ attempt, idempotent: call.idempotent, error: failure })) {
        if (answer) return answer.toResponse(buffered);
        throw failure;
      }
      await sleep(backoffDelay(attempt, retry, this.#options.random), signal);
    }
  }

  async #attempt(
    parts: RequestParts,
    credentials: Credentials,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Answer> {
    // One controller per attempt, aborted by the timeout or by the caller's signal (cheaper in
    // Node 20 than AbortSignal.any, and the same to fetch).
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onAbort = () => timeout.abort(signal?.reason);
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort);
    try {
      const { method, url, body } = parts;
      const headers = { ...parts.headers, ...signingHeaders(parts, body, credentials, this.#options.signing, this.#clockOffsetMs) };
      const init: RequestInit = { method, headers, signal: timeout.signal, ...(body !== undefined ? { body } : {}) };
      const send = this.#options.fetch;
      let answer: Response;
      try {
        // With no fetch of the caller's, the global fetch takes the parts: no Request is built twice.
        answer = await (send ? send(new Request(url, init)) : globalThis.fetch(url, init));
      } catch (error) {
        throw classify(error, signal, timeout.signal, timeoutMs, false);
      }
      let bytes: Uint8Array<ArrayBuffer>;
      try {
        bytes = await readAll(answer, this.#options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES);
      } catch (error) {
        if (error instanceof BceResponseError) throw error;
        throw classify(error, signal, timeout.signal, timeoutMs, true);
      }
      return new Answer(answer, bytes);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    }
  }
}

interface RequestParts {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | undefined;
}

const utf8 = new TextEncoder();

/**
 * What openapi-fetch builds for the clients' own calls instead of a Request (its `Request`
 * option): the URL, method, headers and serialized body, kept as they are until the transport
 * sends them. Not for other code: a Transport reads it instead of a Request.
 */
export class BufferedRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: BodyInit | null | undefined;

  constructor(url: string | URL, init: RequestInit = {}) {
    this.url = String(url);
    this.method = (init.method ?? "GET").toUpperCase();
    this.headers = new Headers(init.headers);
    this.body = init.body;
  }
}

/** A whole answer read into memory, within the attempt's timeout. */
class Answer {
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  readonly ok: boolean;
  readonly #bytes: Uint8Array<ArrayBuffer>;

  constructor(response: Response, bytes: Uint8Array<ArrayBuffer>) {
    this.status = response.status;
    this.statusText = response.statusText;
    this.headers = response.headers;
    this.ok = response.ok;
    this.#bytes = bytes;
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.#bytes);
  }

  /**
   * A Response for openapi-fetch: for a BufferedRequest (our own calls, which read only status,
   * headers and text) the Answer itself; otherwise a real Response over the bytes.
   */
  toResponse(buffered: boolean): Response {
    if (buffered) return this as unknown as Response;
    const nullBody = this.status === 204 || this.status === 205 || this.status === 304;
    return new Response(nullBody ? null : this.#bytes, { status: this.status, statusText: this.statusText, headers: this.headers });
  }
}

/** Name what went wrong with a fetch: the caller's abort, our timeout, or the network. */
function classify(
  error: unknown,
  callerSignal: AbortSignal | undefined,
  timeoutSignal: AbortSignal,
  timeoutMs: number,
  answerStarted: boolean,
): BceError {
  if (callerSignal?.aborted) return new BceAbortError("the call was aborted", { cause: callerSignal.reason });
  if (error instanceof BceError) return error; // a caller's fetch that already speaks our error model
  if (timeoutSignal.aborted) return new BceTimeoutError(timeoutMs);
  const code = systemErrorCode(error);
  // Only a connection that was never made proves the request did not leave.
  const requestSent = answerStarted || !NOT_CONNECTED.has(code);
  const what = answerStarted ? "the answer was cut off" : "the request failed on the network";
  return new BceNetworkError(`${what}${code ? ` (${code})` : ""}`, { errorCode: code, requestSent, cause: error });
}

const NOT_CONNECTED = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** The first system error code in an error's cause chain (undici wraps them). */
function systemErrorCode(error: unknown): string {
  for (let e = error, depth = 0; e && typeof e === "object" && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const inner = (e as { errors?: unknown[] }).errors; // AggregateError when every address refused
    if (Array.isArray(inner) && inner.length > 0) return systemErrorCode(inner[0]);
  }
  return "";
}

async function readAll(response: Response, limit: number): Promise<Uint8Array<ArrayBuffer>> {
  if (!response.body) return new Uint8Array(0);
  // A declared length within the limit (and no content coding, which could inflate it) is read
  // in one go; fetch fails the read when the body does not match it.
  const length = response.headers.get("content-length");
  if (length !== null && /^\d+$/.test(length) && Number(length) <= limit && !response.headers.has("content-encoding")) {
    return new Uint8Array(await response.arrayBuffer());
  }
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BceResponseError({
        status: response.status,
        requestId: response.headers.get("x-bce-request-id") ?? "",
        problems: [`the answer body is larger than ${limit} bytes`],
      });
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new BceAbortError("the call was aborted", { cause: signal.reason });
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new BceAbortError("the call was aborted", { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new BceAbortError("the call was aborted", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
