import { buildCanonicalRequest, formatBceDate, normalizeHeaders, type CanonicalRequestInput } from "./canonical.js";
import { authStringPrefix } from "./hmac.js";
import { signCanonical } from "#hmac";
import type { SigningKeyCache } from "./key-cache.js";
// The package's one Credentials type; its sessionToken is sent (and signed) as x-bce-security-token.
import type { Credentials } from "../credentials.js";

export interface SignOptions {
  /** Signing time (a number is milliseconds since the epoch). Default: now. */
  timestamp?: Date | number;
  /** Validity of the signature. Default 1800, as in the official SDKs. */
  expirationInSeconds?: number;
  /**
   * Headers to sign. Default: host, content-length, content-type, content-md5 and every
   * `x-bce-*` header present. `host` (and the session token header) are always added.
   */
  headersToSign?: readonly string[];
  /**
   * Signing keys to reuse from one request to the next (`createSigningKeyCache()`, one per
   * client). Without it every request derives its signing key afresh.
   */
  signingKeys?: SigningKeyCache;
}

export interface SignableRequest {
  method: string;
  /** Absolute URL; its path, query and host (when there is no Host header) are signed. */
  url: string | URL;
  headers?: Record<string, string | number | undefined> | Headers;
}

/** The headers to add to the request. */
export interface SignedHeaders {
  authorization: string;
  "x-bce-date": string;
  "x-bce-security-token"?: string;
}

export const DEFAULT_EXPIRATION_SECONDS = 1800;

export interface AuthorizationInput extends CanonicalRequestInput {
  accessKeyId: string;
  secretAccessKey: string;
  /** `YYYY-MM-DDThh:mm:ssZ`, a Date, or milliseconds since the epoch. */
  timestamp: string | Date | number;
  expirationInSeconds?: number;
  /** Signing keys to reuse (`createSigningKeyCache()`); none by default. */
  signingKeys?: SigningKeyCache;
}

export interface AuthorizationResult {
  /** The full header value, signedHeaders listed. */
  authorization: string;
  signature: string;
  signedHeaders: string[];
}

/** A value now (the node:crypto branch) or later (the Web Crypto branch). */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Signs exactly the request described (adds no header): the step the SDKs call
 * generateAuthorization. `signRequest` builds on it.
 */
export async function buildAuthorization(input: AuthorizationInput): Promise<AuthorizationResult> {
  return computeAuthorization(input);
}

/**
 * `buildAuthorization` without the Promise where the platform signs synchronously: a value on
 * the node:crypto branch, a Promise on the Web Crypto branch.
 */
export function computeAuthorization(input: AuthorizationInput): MaybePromise<AuthorizationResult> {
  assertKeys(input.accessKeyId, input.secretAccessKey);
  const timestamp = typeof input.timestamp === "string" ? input.timestamp : formatBceDate(input.timestamp);
  const expirationInSeconds = input.expirationInSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  if (!Number.isSafeInteger(expirationInSeconds) || expirationInSeconds <= 0) {
    throw new RangeError("expirationInSeconds must be a positive integer");
  }
  const { canonicalRequest, signedHeaders } = buildCanonicalRequest(input);
  const prefix = authStringPrefix(input.accessKeyId, timestamp, expirationInSeconds);
  const signature = signCanonical(input.secretAccessKey, prefix, canonicalRequest, input.signingKeys);
  return typeof signature === "string"
    ? authorizationResult(prefix, signedHeaders, signature)
    : signature.then((s) => authorizationResult(prefix, signedHeaders, s));
}

function authorizationResult(prefix: string, signedHeaders: string[], signature: string): AuthorizationResult {
  return { authorization: `${prefix}/${signedHeaders.join(";")}/${signature}`, signature, signedHeaders };
}

/**
 * Signs a request with bce-auth-v1 and returns the headers to add (`authorization`,
 * `x-bce-date`, and `x-bce-security-token` for STS credentials). Needs no Node API.
 */
export async function signRequest(
  request: SignableRequest,
  credentials: Credentials,
  options: SignOptions = {},
): Promise<SignedHeaders> {
  return computeSignedHeaders(request, credentials, options);
}

/**
 * `signRequest` without the Promise where the platform signs synchronously: a value on the
 * node:crypto branch, a Promise on the Web Crypto branch. What the transport signs every attempt
 * with, its own `signingKeys` cache given.
 */
export function computeSignedHeaders(
  request: SignableRequest,
  credentials: Credentials,
  options: SignOptions = {},
): MaybePromise<SignedHeaders> {
  assertKeys(credentials?.accessKeyId, credentials?.secretAccessKey);
  const url = toUrl(request.url);
  const headers = normalizeHeaders(request.headers);
  // fetch sets Host itself, so it is usually absent here; URL.host keeps only a non-default port.
  if (!headers.has("host")) headers.set("host", url.host);

  const date = formatBceDate(options.timestamp ?? Date.now());
  headers.set("x-bce-date", date);
  const token = credentials.sessionToken;
  const withToken = token !== undefined && token !== "";
  if (withToken) headers.set("x-bce-security-token", token);

  let headersToSign = options.headersToSign;
  if (headersToSign && headersToSign.length > 0) {
    // A verifier needs host, and a session token must be covered by the signature.
    headersToSign = [...headersToSign, "host", ...(withToken ? ["x-bce-security-token"] : [])];
  }

  const finish = ({ authorization }: AuthorizationResult): SignedHeaders =>
    withToken
      ? { authorization, "x-bce-date": date, "x-bce-security-token": token }
      : { authorization, "x-bce-date": date };
  const result = computeAuthorization({
    method: request.method,
    path: url.pathname,
    query: url.search,
    headers,
    headersToSign,
    accessKeyId: credentials.accessKeyId,
    secretAccessKey: credentials.secretAccessKey,
    timestamp: date,
    expirationInSeconds: options.expirationInSeconds,
    signingKeys: options.signingKeys,
  });
  return result instanceof Promise ? result.then(finish) : finish(result);
}

function toUrl(url: string | URL): URL {
  if (url instanceof URL) return url;
  try {
    return new URL(url);
  } catch {
    throw new TypeError("request.url must be an absolute URL");
  }
}

// The access key id checked last (not a secret): a client signs with the same one every time.
let checkedAccessKeyId = "";

function assertKeys(accessKeyId: unknown, secretAccessKey: unknown): void {
  if (typeof accessKeyId !== "string" || (accessKeyId !== checkedAccessKeyId && !/^[^/\s]+$/.test(accessKeyId))) {
    throw new TypeError('accessKeyId must be a non-empty string without "/" or whitespace');
  }
  checkedAccessKeyId = accessKeyId;
  if (typeof secretAccessKey !== "string" || secretAccessKey === "") {
    throw new TypeError("secretAccessKey must be a non-empty string");
  }
}
